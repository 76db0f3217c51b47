"""Every page × every role × own and another union's objects. Another scope's object answers 404."""

import pytest
from django.urls import reverse

from gonghui.accounts.models import User
from gonghui.core.roles import Role
from gonghui.orgs.models import Organisation
from gonghui.orgs.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

ROLES = (
    "anonymous",
    "officer",
    "other_zone_officer",
    "admin_a",
    "admin_b",
    "worker",
    "academy",
    "lawyer",
    "platform",
)
OK, NOT_FOUND, LOGIN = 200, 404, 302


@pytest.fixture
def people(officer, admin_a, admin_b, worker, academy_staff, lawyer, platform_admin, zone):
    other_zone = OrganisationFactory(code="ZONE2", kind=Organisation.Kind.ZONE_FEDERATION, parent=zone.parent)
    other = User.objects.create_user(
        "other-zone", password="x", role=Role.FEDERATION_STAFF, organisation=other_zone
    )
    return {
        "anonymous": None,
        "officer": officer,
        "other_zone_officer": other,
        "admin_a": admin_a,
        "admin_b": admin_b,
        "worker": worker,
        "academy": academy_staff,
        "lawyer": lawyer,
        "platform": platform_admin,
    }


def expect(**overrides):
    """Expected status per role: 404 unless stated; anonymous is always sent to sign in."""
    return {role: overrides.get(role, NOT_FOUND) for role in ROLES} | {"anonymous": LOGIN}


ALL = dict.fromkeys(ROLES, OK)
OFFICERS_OF_A = {"officer": OK, "admin_a": OK, "platform": OK}
OFFICERS = {"officer": OK, "other_zone_officer": OK, "admin_a": OK, "admin_b": OK, "platform": OK}

PAGES = [
    ("core:home", lambda w: [], expect(**ALL)),
    ("orgs:tree", lambda w: [], expect(**OFFICERS)),
    ("orgs:enterprise_list", lambda w: [], expect(**OFFICERS)),
    ("members:me", lambda w: [], expect(worker=OK)),
    (
        "members:list",
        lambda w: [],
        expect(officer=OK, other_zone_officer=OK, admin_a=OK, admin_b=OK, platform=OK),
    ),
    ("members:join", lambda w: [], expect(officer=OK, admin_a=OK, admin_b=OK, platform=OK)),
    ("core:audit_log", lambda w: [], expect(officer=OK, other_zone_officer=OK, platform=OK)),
    ("orgs:organisation_detail", lambda w: [w["union_a"].code], expect(**OFFICERS_OF_A)),
    ("orgs:organisation_detail", lambda w: [w["zone"].code], expect(officer=OK, platform=OK)),
    ("orgs:enterprise_detail", lambda w: [w["enterprise_a"].pk], expect(**OFFICERS_OF_A)),
    ("members:detail", lambda w: [w["member_a"].person_id], expect(**OFFICERS_OF_A, worker=OK)),
    ("members:detail", lambda w: [w["member_b"].person_id], expect(officer=OK, admin_b=OK, platform=OK)),
    ("members:transfer", lambda w: [w["member_a"].pk], expect(**OFFICERS_OF_A)),
    ("members:leave", lambda w: [w["member_a"].pk], expect(**OFFICERS_OF_A)),
]


@pytest.mark.parametrize(
    ("name", "args", "expected"), PAGES, ids=[f"{p[0]}-{i}" for i, p in enumerate(PAGES)]
)
@pytest.mark.parametrize("role", ROLES)
def test_page_access(
    client, people, role, name, args, expected, union_a, zone, enterprise_a, member_a, member_b
):
    world = {
        "union_a": union_a,
        "zone": zone,
        "enterprise_a": enterprise_a,
        "member_a": member_a,
        "member_b": member_b,
    }
    if people[role] is not None:
        client.force_login(people[role])
    response = client.get(reverse(name, args=args(world)))
    assert response.status_code == expected[role], f"{role} on {name}"


@pytest.mark.parametrize("role", ROLES)
def test_reveal_id_number(client, people, role, member_a):
    if people[role] is not None:
        client.force_login(people[role])
    response = client.post(reverse("members:reveal_id", args=[member_a.person_id]))
    allowed = {"officer", "admin_a", "platform"}
    assert response.status_code == (LOGIN if role == "anonymous" else OK if role in allowed else NOT_FOUND)


def test_posting_to_another_unions_membership_changes_nothing(client, admin_b, member_a, union_b):
    client.force_login(admin_b)
    for name, data in (
        ("members:transfer", {"to_union": union_b.pk, "on": "2024-06-01"}),
        ("members:leave", {"on": "2024-06-01"}),
    ):
        assert client.post(reverse(name, args=[member_a.pk]), data).status_code == NOT_FOUND
    member_a.refresh_from_db()
    assert member_a.is_active and member_a.union_id != union_b.pk


def test_a_union_admin_cannot_join_members_into_another_union(client, admin_a, union_b):
    client.force_login(admin_a)
    response = client.post(
        reverse("members:join"),
        {
            "union": union_b.pk,
            "name": "钱七",
            "id_number": "11010519491231002X",
            "mobile": "13700000001",
            "started_on": "2024-05-01",
        },
    )
    assert "union" in response.context["form"].errors


def test_lists_never_show_another_unions_rows(
    client, admin_a, member_a, member_b, enterprise_a, enterprise_b
):
    client.force_login(admin_a)
    for name in ("members:list", "orgs:enterprise_list", "orgs:tree"):
        body = client.get(reverse(name)).content.decode()
        assert "乙" not in body, name
        assert "甲" in body, name


def test_the_admin_site_is_for_platform_admins_only(client, officer, platform_admin):
    client.force_login(officer)
    assert client.get("/admin/").status_code == 302
    client.force_login(platform_admin)
    assert client.get("/admin/").status_code == 200
