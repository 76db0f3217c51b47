from datetime import date

from gonghui.core.scope import SystemActor
from gonghui.demo.fake import Faker
from gonghui.members.models import Membership
from gonghui.members.services import member_join

fake = Faker(seed=11)
SETUP = SystemActor("tests")  # who registers the people a test starts with


def new_id_number(**kwargs) -> str:
    return fake.resident_id(born=fake.birth_date(1970, 2000), **kwargs)


def make_member(
    union, *, name: str | None = None, started_on: date = date(2020, 3, 1), by=SETUP, **kwargs
) -> Membership:
    """A member registered through the real service, with fictional details."""
    return member_join(
        union=union,
        id_number=kwargs.pop("id_number", None) or new_id_number(),
        name=name or fake.name(),
        mobile=kwargs.pop("mobile", None) or fake.mobile(),
        started_on=started_on,
        by=by,
        **kwargs,
    )


def few_beside_the_database(zone, union, monkeypatch) -> None:
    """The zone's three members (张三, 王五, 赵六 in union) beside nine of another zone, with pages of one
    row, so that the zone counts as few beside the database (members.selectors: 3² ≤ 1 × 12)."""
    from gonghui.members import selectors
    from gonghui.orgs.tests.factories import OrganisationFactory

    elsewhere = OrganisationFactory(code="UX", parent=OrganisationFactory(code="ZX", parent=zone.parent))
    for _ in range(9):
        make_member(elsewhere)
    for name in ("张三", "王五", "赵六"):
        make_member(union, name=name)
    monkeypatch.setattr(selectors, "PAGE", 1)
