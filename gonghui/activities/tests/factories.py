from datetime import date
from decimal import Decimal

from gonghui.accounts.models import User
from gonghui.activities import services
from gonghui.activities.models import Activity, WelfareDistribution
from gonghui.core.roles import Role


def make_officer(union, username="admin-a2") -> User:
    """A second officer of the union, to sign off what the first one registered."""
    user = User(username=username, role=Role.UNION_ADMIN, organisation=union)
    user.set_password("Test-password-2025")
    user.save()
    return user


def make_activity(
    organiser, *, by, kind=Activity.Kind.LECTURE, held_on=date(2024, 3, 1), **kwargs
) -> Activity:
    return services.activity_create(
        organiser=organiser,
        kind=kind,
        title=kwargs.pop("title", "安全生产宣讲会"),
        held_on=held_on,
        by=by,
        **kwargs,
    )


def make_distribution(union, *, by, distributed_on=date(2024, 9, 15), **kwargs) -> WelfareDistribution:
    return services.welfare_create(
        union=union,
        title=kwargs.pop("title", "中秋节慰问"),
        occasion=kwargs.pop("occasion", WelfareDistribution.Occasion.HOLIDAY),
        distributed_on=distributed_on,
        item=kwargs.pop("item", "月饼一盒、食用油一桶"),
        amount=kwargs.pop("amount", Decimal("198.00")),
        by=by,
    )
