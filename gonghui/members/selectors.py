import re

from django.db.models import QuerySet

from gonghui.core import crypto
from gonghui.core.roles import Role
from gonghui.core.scope import scope_of
from gonghui.core.validators import normalise_number
from gonghui.members.models import Membership
from gonghui.orgs.models import Enterprise, Organisation

ID_RE = re.compile(r"\d{17}[\dX]")
MOBILE_RE = re.compile(r"1\d{10}")
INITIALS_RE = re.compile(r"[a-z]+")


def membership_list(user, *, q: str = "", union: str = "", status: str = "active") -> QuerySet[Membership]:
    """The member list: one query for the page whatever its size (person, union, employer joined in).

    q finds by exact ID number, mobile, pinyin initials (zs → 张三) or part of the name.
    """
    qs = Membership.objects.visible_to(user).select_related("person", "union", "enterprise")
    if status == "active":
        qs = qs.active()
    elif status == "ended":
        qs = qs.filter(ended_on__isnull=False)
    if union:
        qs = qs.filter(union__code=union)
    q = q.strip()
    if q:
        compact = normalise_number(q)
        if ID_RE.fullmatch(compact):
            qs = qs.filter(person__id_hash=crypto.lookup_hash(compact))
        elif MOBILE_RE.fullmatch(compact):
            qs = qs.filter(person__mobile=compact)
        elif INITIALS_RE.fullmatch(q.lower()):
            qs = qs.filter(person__name_initials__startswith=q.lower())
        else:
            qs = qs.filter(person__name__contains=q)
    return qs.order_by("person__name_pinyin", "person_id", "-started_on")


def transfer_targets(user) -> QuerySet[Organisation]:
    """Unions a member may be transferred to (会员关系接转), standing ones only: for a union admin, any
    grassroots union under the same federation (the receiving union is told by its records); for
    federation staff, those of their subtree; for platform admins, any."""
    scope = scope_of(user)
    if scope.role == Role.UNION_ADMIN and scope.path:
        standing = Organisation.objects.grassroots().filter(dissolved_on__isnull=True)
        federation_path = scope.path.rstrip("/").rsplit("/", 1)[0] + "/"
        return standing.filter(path__startswith=federation_path).exclude(pk=scope.organisation_id)
    return Organisation.objects.writable_by(user).grassroots().filter(dissolved_on__isnull=True)


def transfer_enterprises(targets: QuerySet[Organisation]) -> QuerySet[Enterprise]:
    """The employers a transferred member may have in the receiving union."""
    return (
        Enterprise.objects.filter(union__in=targets).select_related("union").order_by("union__code", "name")
    )


def person_history(person) -> QuerySet[Membership]:
    return person.memberships.select_related("union", "enterprise").order_by("started_on", "id")
