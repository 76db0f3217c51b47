"""A federation's grassroots unions as keyset pages: the next page by its cursor, an altered
cursor answered with the first page, the same queries at one union as at many."""

import pytest
from django.urls import reverse

from gonghui.core.tests.keyset_pages import pages
from gonghui.orgs.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

# session, user, the federation, its summary (orgs.selectors.federation_summary, from the
# roll-up), the page of unions with their members from the roll-up: a keyset page, nothing counted
QUERIES = 7


def test_the_unions_below_page_by_cursor(client, zone, union_a, union_b, officer, django_assert_num_queries):
    url = reverse("orgs:organisation_detail", args=[zone.code])
    client.force_login(officer)
    client.get(url)
    with django_assert_num_queries(QUERIES):
        client.get(url)
    for i in range(55):
        OrganisationFactory(code=f"U{i:03d}", parent=zone)
    with django_assert_num_queries(QUERIES):
        client.get(url)
    first, second = pages(client, url)
    assert len(first) == 50 and len(second) == 7
