"""The activity, welfare and report pages in the authorisation matrix: every role, own and another
union's objects (the people and expectations are the foundation's, gonghui/core/tests/test_authorization.py)."""

import pytest
from django.urls import reverse

from gonghui.activities.tests.factories import make_activity, make_distribution
from gonghui.core.tests.test_authorization import OK, ROLES, expect, people  # noqa: F401  (people: a fixture)

pytestmark = pytest.mark.django_db

OFFICERS = {"officer": OK, "other_zone_officer": OK, "admin_a": OK, "admin_b": OK, "platform": OK}
OFFICERS_OF_A = {"officer": OK, "admin_a": OK, "platform": OK}

PAGES = [
    ("activities:activity_list", lambda w: [], expect(**OFFICERS)),
    ("activities:activity_create", lambda w: [], expect(**OFFICERS)),
    ("activities:activity_detail", lambda w: [w["activity"].pk], expect(**OFFICERS_OF_A)),
    ("activities:welfare_list", lambda w: [], expect(**OFFICERS)),
    ("activities:welfare_create", lambda w: [], expect(officer=OK, admin_a=OK, admin_b=OK, platform=OK)),
    ("activities:welfare_detail", lambda w: [w["distribution"].pk], expect(**OFFICERS_OF_A)),
    ("reports:kpis", lambda w: [], expect(officer=OK, other_zone_officer=OK, platform=OK)),
]


@pytest.mark.parametrize(
    ("name", "args", "expected"), PAGES, ids=[f"{p[0]}-{i}" for i, p in enumerate(PAGES)]
)
@pytest.mark.parametrize("role", ROLES)
def test_page_access(client, people, role, name, args, expected, union_a, admin_a):  # noqa: F811
    world = {
        "activity": make_activity(union_a, by=admin_a),
        "distribution": make_distribution(union_a, by=admin_a),
    }
    if people[role] is not None:
        client.force_login(people[role])
    response = client.get(reverse(name, args=args(world)))
    assert response.status_code == expected[role], f"{role} on {name}"
