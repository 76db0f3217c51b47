import pytest

from gonghui.activities.tests.factories import make_officer
from gonghui.mutual_aid.tests.factories import enrol_all, make_plan


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def reviewer_a(union_a):
    """A second officer of union A: reviews what admin_a filed."""
    return make_officer(union_a, "reviewer-a")


@pytest.fixture
def plan(zone, officer):
    return make_plan(zone, by=officer)


@pytest.fixture
def enrolled(plan, union_a, enterprise_a, member_a, admin_a):
    """member_a (张三) and the rest of enterprise A's staff, two shares each, covered from 2024-01-01."""
    return enrol_all(plan, union_a, enterprise_a, by=admin_a)
