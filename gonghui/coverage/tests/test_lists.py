"""The campaign's target list as keyset pages, in each of its orders (a column that may be empty
too): the next page by its cursor with the filters and the order kept, an altered cursor answered
with the first page, another federation's campaign out of reach."""

from datetime import date

import pytest
from django.urls import reverse

from gonghui.core.tests.keyset_pages import pages
from gonghui.coverage.models import Target
from gonghui.coverage.services import campaign_create
from gonghui.orgs.tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign(zone, officer):
    for i in range(60):
        EnterpriseFactory(
            name=f"目标企业{i:02d}",
            federation=zone,
            headcount=100 + i % 7,
            founded_on=None if i % 3 == 0 else date(2015, 1 + i % 12, 1),
        )
    return campaign_create(federation=zone, year=2024, name="2024年建会入会集中行动", by=officer)


@pytest.mark.parametrize("sort", ["name", "-headcount", "founded_on", "last_visit", "state"])
def test_the_targets_page_by_cursor_in_each_order(client, officer, campaign, sort):
    client.force_login(officer)
    url = reverse("coverage:campaign_detail", args=[campaign.pk])
    first, second = pages(client, url, {"sort": sort, "status": "uncovered"})
    assert len(first) == 50 and len(second) == 10
    assert set(first + second) == set(Target.objects.filter(campaign=campaign).values_list("pk", flat=True))
    if sort == "founded_on":
        founded = [t.enterprise.founded_on for t in client.get(url, {"sort": sort}).context["page"]]
        dated = [d for d in founded if d is not None]
        assert founded == sorted(dated) + [None] * (len(founded) - len(dated))  # no date: after the rest


@pytest.mark.parametrize("who", ["admin_a", "admin_b"])
def test_another_organisations_campaign_is_404_with_a_cursor_too(client, officer, campaign, who, request):
    client.force_login(officer)
    url = reverse("coverage:campaign_detail", args=[campaign.pk])
    cursor = client.get(url).context["page"].next_cursor
    client.force_login(request.getfixturevalue(who))
    assert client.get(url, {"cursor": cursor}).status_code == 404
