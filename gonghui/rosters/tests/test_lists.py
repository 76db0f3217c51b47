"""The import page's list of jobs as keyset pages of 20: older jobs reachable by 下一页 (the list
used to stop at the latest 20), an altered cursor answered with the first page, the same queries
at one job as at many, another union's jobs never shown, read through an index in its order."""

import pytest
from django.urls import reverse

from gonghui.core import keyset
from gonghui.core.tests.keyset_pages import clones, pages
from gonghui.core.tests.plans import full_scans
from gonghui.rosters import selectors
from gonghui.rosters.models import ImportJob
from gonghui.rosters.tests.test_jobs import new_job

pytestmark = pytest.mark.django_db

KEYS = ["-created_at", "-pk"]


@pytest.fixture(autouse=True)
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_the_jobs_page_by_cursor_for_the_admins_union_only(
    client, tmp_path, admin_a, admin_b, union_a, union_b, enterprise_a, enterprise_b, officer
):
    clones(new_job(tmp_path, union_a, enterprise_a, admin_a), 30)  # one INSERT: the same upload time
    clones(new_job(tmp_path, union_b, enterprise_b, admin_b), 5)
    client.force_login(admin_a)
    first, second = pages(client, reverse("rosters:import"))
    assert len(first) == 20 and len(second) == 11
    assert set(ImportJob.objects.filter(pk__in=first + second).values_list("union", flat=True)) == {
        union_a.pk
    }
    client.force_login(officer)
    first, second = pages(client, reverse("rosters:import"))
    assert len(first + second) == 37


def test_the_import_page_costs_the_same_for_one_job_as_for_many(
    client, tmp_path, admin_a, union_a, enterprise_a, django_assert_num_queries
):
    job = new_job(tmp_path, union_a, enterprise_a, admin_a)
    client.force_login(admin_a)
    client.get(reverse("rosters:import"))
    # session, user, whether the admin manages a union, the page's jobs with union and uploader (a
    # keyset page: nothing counted), the form's union choices (read twice by the form)
    with django_assert_num_queries(6):
        client.get(reverse("rosters:import"))
    clones(job, 30)
    with django_assert_num_queries(6):
        assert len(client.get(reverse("rosters:import")).context["jobs"]) == 20


@pytest.mark.parametrize("who", ["officer", "admin_a"])
def test_the_jobs_and_their_next_page_read_an_index(tmp_path, union_a, enterprise_a, admin_a, who, request):
    clones(new_job(tmp_path, union_a, enterprise_a, admin_a), 3)
    rows = selectors.import_job_list(request.getfixturevalue(who))
    first = rows.order_by(*KEYS)[:21]
    assert not full_scans(first, ["rosters_importjob"]), full_scans(first, ["rosters_importjob"])
    values = [keyset._value_of(rows.first(), k.lstrip("-")) for k in KEYS]
    following = rows.filter(keyset.after(KEYS, values)).order_by(*KEYS)[:21]
    assert not full_scans(following, ["rosters_importjob"]), full_scans(following, ["rosters_importjob"])
