from datetime import date

import pytest
from django.urls import reverse

from gonghui.core import registry
from gonghui.members.tests.factories import make_member
from gonghui.orgs.tests.factories import OrganisationFactory
from gonghui.reports.selectors import kpi_definitions

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("who", ["admin_a", "worker"])
def test_only_federation_staff_see_the_figures(client, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("reports:kpis")).status_code == 404


def test_the_officer_sees_their_subtree_with_last_year(
    client, officer, zone, union_a, django_assert_max_num_queries
):
    OrganisationFactory(code="UN", parent=zone, established_on=date(2024, 4, 1))
    make_member(union_a, started_on=date(2024, 5, 1))
    client.force_login(officer)
    # session, user, the officer's organisation, the chosen organisation, the KPI groups, the
    # navigation's scope check, the organisation choices, the session's idle-timeout stamp (3)
    with django_assert_max_num_queries(4 + len(list(registry.kpis)) + 5):
        response = client.get(reverse("reports:kpis"), {"org": "ZONE", "year": 2024})
    rows = {row["kpi"].key: row for row in response.context["rows"]}
    assert list(rows) == list(kpi_definitions())
    assert (
        rows["unions_total"]["value"],
        rows["unions_total"]["previous"],
        rows["unions_total"]["change"],
    ) == (
        2,
        1,
        1,
    )
    assert rows["members_new"]["value"] == 1
    page = response.content.decode()
    assert "全区共有企业工会2家，较去年新增1家，新增工会会员1人" in page


def test_an_organisation_above_ones_own_is_not_found(client, officer, zone):
    client.force_login(officer)
    assert client.get(reverse("reports:kpis"), {"org": "CITY", "year": 2024}).status_code == 404


def test_default_is_last_year_of_ones_own_root(client, officer, zone):
    client.force_login(officer)
    response = client.get(reverse("reports:kpis"))
    assert response.context["root"] == zone


def test_the_figures_in_english(client, officer, zone):
    client.force_login(officer)
    body = client.get(reverse("reports:kpis"), {"org": "ZONE", "year": 2024}, HTTP_ACCEPT_LANGUAGE="en")
    text = body.content.decode()
    assert "New members" in text and "The zone has 0 enterprise unions" in text
