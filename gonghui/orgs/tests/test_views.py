import pytest
from django.urls import reverse

from gonghui.orgs.tests.factories import EnterpriseFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def test_the_tree_shows_the_subtree_with_member_counts(
    client, officer, union_a, union_b, member_a, django_assert_max_num_queries
):
    client.force_login(officer)
    client.get(reverse("core:home"))
    # session, user, the officer's federation, organisations with their counts
    with django_assert_max_num_queries(4):
        response = client.get(reverse("orgs:tree"))
    (root,) = response.context["roots"]
    assert root["org"].code == "ZONE"
    counts = {node["org"].code: node["org"].active_members for node in root["children"]}
    assert counts == {"UA": 1, "UB": 0}


def test_the_tree_costs_the_same_for_many_unions(client, officer, zone, django_assert_max_num_queries):
    for _ in range(30):
        OrganisationFactory(parent=zone)
    client.force_login(officer)
    client.get(reverse("core:home"))
    with django_assert_max_num_queries(4):
        client.get(reverse("orgs:tree"))


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({}, ["大企业", "新业态", "重点", "甲锂电有限公司"]),
        ({"category": "key"}, ["重点"]),
        ({"category": "large"}, ["大企业", "甲锂电有限公司"]),
        ({"category": "new_form"}, ["新业态"]),
        ({"has_union": "yes"}, ["甲锂电有限公司"]),
        ({"has_union": "no"}, ["大企业", "新业态", "重点"]),
        ({"q": "新业"}, ["新业态"]),
    ],
)
def test_enterprise_filters(client, officer, zone, enterprise_a, filters, expected):
    EnterpriseFactory(name="重点", federation=zone, is_key=True, headcount=50)
    EnterpriseFactory(name="大企业", federation=zone, headcount=500)
    EnterpriseFactory(name="新业态", federation=zone, is_new_employment_form=True, headcount=20)
    client.force_login(officer)
    page = client.get(reverse("orgs:enterprise_list"), filters).context["page"]
    assert [e.name for e in page] == sorted(expected)


def test_enterprise_list_query_count_does_not_grow(client, officer, zone, django_assert_max_num_queries):
    for _ in range(40):
        EnterpriseFactory(federation=zone, union=OrganisationFactory(parent=zone))
    client.force_login(officer)
    client.get(reverse("core:home"))
    # session, user, the officer's federation, count, the page with each union joined in
    with django_assert_max_num_queries(5):
        client.get(reverse("orgs:enterprise_list"))


def test_union_page(client, admin_a, union_a, enterprise_a, member_a):
    client.force_login(admin_a)
    response = client.get(reverse("orgs:organisation_detail", args=["UA"]))
    assert response.context["active_members"] == 1
    assert "甲锂电有限公司" in response.content.decode() and "admin-a" in response.content.decode()


def test_a_federation_page_counts_its_subtree_and_lists_its_unions(
    client, officer, zone, union_a, union_b, member_a, member_b, django_assert_max_num_queries
):
    client.force_login(officer)
    client.get(reverse("core:home"))
    # session, user with organisation, the federation, its figures, the unions page (count, rows),
    # its staff, the idle-timeout stamp (3)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("orgs:organisation_detail", args=["ZONE"]))
    assert (response.context["active_members"], response.context["unions_standing"]) == (2, 2)
    rows = {u.code: u.active_members for u in response.context["page"]}
    assert rows == {"UA": 1, "UB": 1}
    assert reverse("rosters:export") + "?org=ZONE" in response.content.decode()
