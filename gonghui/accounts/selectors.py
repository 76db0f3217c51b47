from django.db.models import QuerySet

from gonghui.accounts.models import User
from gonghui.core.roles import Role


def federation_staff_of(organisation) -> QuerySet[User]:
    """Active federation staff of an organisation's subtree: who may be put in charge of a campaign
    target or named on a guidance visit."""
    return User.objects.filter(
        is_active=True, role=Role.FEDERATION_STAFF, organisation__path__startswith=organisation.path
    )
