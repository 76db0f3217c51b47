"""The member list's searches and keyset pages: what each finds, that an index serves it on both
databases (the query plan is read), and that a bad cursor or search is answered, not failed."""

import pytest
from django.db import connection
from django.urls import reverse

from gonghui.core import keyset
from gonghui.core.tests.plans import full_scans
from gonghui.members import selectors
from gonghui.members.services import member_leave
from gonghui.members.tests.factories import SETUP, few_beside_the_database, make_member, new_id_number

pytestmark = pytest.mark.django_db

TABLES = ["members_person", "members_membership"]
NUMBER = new_id_number()
SEARCHES = {
    "": None,
    "z": ["赵六", "张三", "张小明"],
    "zs": ["张三"],
    "zx": ["张小明"],
    "zhang": ["张三", "张小明"],
    "zhangxiao": ["张小明"],
    "zhang x": ["张小明"],
    "5678": ["王五"],
    "13912345678": ["王五"],
    "139123": ["王五"],
    NUMBER: ["王五"],
    "张": ["张三", "张小明"],
    "张小": ["张小明"],
}


@pytest.fixture
def people(union_a):
    make_member(union_a, name="张三", mobile="13800000001")
    make_member(union_a, name="张小明", mobile="13800000002")
    make_member(union_a, name="王五", mobile="13912345678", id_number=NUMBER)
    make_member(union_a, name="赵六", mobile="13800000003")


def _names(user, q):
    return sorted(m.person.name for m in selectors.member_page(selectors.member_search(user, q=q)))


@pytest.mark.parametrize("q", [q for q, found in SEARCHES.items() if found])
def test_each_search_finds_its_members(people, admin_a, officer, q):
    assert _names(admin_a, q) == sorted(SEARCHES[q])
    assert _names(officer, q) == sorted(SEARCHES[q])


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a part of the name: PostgreSQL's trigrams")
def test_a_given_name_or_a_part_of_three_characters_is_found_on_postgresql(people, officer, union_a):
    make_member(union_a, name="欧阳小明")
    assert _names(officer, "小明") == ["张小明", "欧阳小明"]
    assert _names(officer, "阳小明") == ["欧阳小明"]


@pytest.mark.parametrize("q", list(SEARCHES))
@pytest.mark.parametrize("who", ["officer", "admin_a"])
def test_each_search_and_its_next_page_read_an_index(people, q, who, request):
    user = request.getfixturevalue(who)
    search = selectors.member_search(user, q=q)
    rows, keys = search.queryset, search.keys
    if search.people is not None:  # read by people first: the page's memberships by their ids then
        rows, keys = search.people, selectors.PEOPLE_KEYS
    first = rows.order_by(*keys)[:51]
    assert not full_scans(first, TABLES), (q, full_scans(first, TABLES))
    values = [keyset._value_of(rows.order_by(*keys).first(), k) for k in keys]
    following = rows.filter(keyset.after(keys, values)).order_by(*keys)[:51]
    assert not full_scans(following, TABLES), (q, full_scans(following, TABLES))


@pytest.mark.parametrize("q", ["，", "?!", "1", "12", "x1", "qqqqq"])
def test_a_search_no_index_can_serve_is_refused_with_a_hint(client, people, admin_a, q):
    client.force_login(admin_a)
    response = client.get(reverse("members:list"), {"q": q})
    assert response.status_code == 200
    assert list(response.context["page"]) == []
    assert response.context["hint"] == selectors.SEARCH_HINT


@pytest.mark.parametrize("who", ["officer", "admin_a"])
def test_keyset_pages_of_three_walk_the_list_both_ways(union_a, who, request):
    for n in range(8):
        make_member(union_a, name=f"张{'一二三四五六七八'[n]}")
    search = selectors.member_search(request.getfixturevalue(who))
    everyone = [m.pk for m in search.queryset.order_by(*search.keys)]
    pages = [selectors.member_page(search, size=3)]
    while pages[-1].has_next:
        pages.append(selectors.member_page(search, cursor=pages[-1].next_cursor, size=3))
    assert [m.pk for p in pages for m in p] == everyone
    assert [len(p) for p in pages] == [3, 3, 2]
    back = selectors.member_page(search, cursor=pages[2].previous_cursor, size=3)
    assert [m.pk for m in back] == [m.pk for m in pages[1]]
    first = selectors.member_page(search, cursor=pages[1].previous_cursor, size=3)
    assert [m.pk for m in first] == [m.pk for m in pages[0]] and not first.has_previous


@pytest.mark.parametrize("cursor", ["nonsense", "eyJzIjoiYSJ9:1:abc", "x" * 500])
def test_a_tampered_cursor_gives_the_first_page_with_a_note(client, people, admin_a, cursor):
    client.force_login(admin_a)
    response = client.get(reverse("members:list"), {"cursor": cursor})
    assert response.status_code == 200
    assert response.context["page"].note == keyset.STALE
    assert len(response.context["page"]) == 4


def test_a_cursor_of_another_ordering_gives_the_first_page_with_a_note(admin_a, people):
    page = selectors.member_page(selectors.member_search(admin_a, q="13800"), size=1)
    other = selectors.member_page(selectors.member_search(admin_a), cursor=page.next_cursor)
    assert other.note == keyset.STALE and len(other) == 4


def test_a_jump_by_letter_starts_the_list_there(client, people, admin_a):
    client.force_login(admin_a)
    page = client.get(reverse("members:list"), {"from": "x"}).context["page"]
    assert [m.person.name for m in page] == ["张三", "张小明", "赵六"]
    assert page.has_previous


def test_the_count_comes_from_the_roll_ups(client, people, admin_a, officer, django_assert_max_num_queries):
    assert selectors.member_count(admin_a) == 4
    assert selectors.member_count(officer) == 4
    assert selectors.member_count(officer, status="ended") == 0
    client.force_login(admin_a)
    assert client.get(reverse("members:list")).context["total"] == 4


def test_member_list_pages_cost_the_same_for_10_or_120_members(
    client, admin_a, officer, union_a, enterprise_a, django_assert_max_num_queries
):
    for _ in range(10):
        make_member(union_a, enterprise=enterprise_a)
    # session, user, the user's union (export button), the count from the roll-ups, the page's rows
    # (a federation's: its people, then their memberships with person, union and employer)
    small = {}
    for user in (admin_a, officer):
        client.force_login(user)
        client.get(reverse("core:home"))
        with django_assert_max_num_queries(6) as queries:
            client.get(reverse("members:list"))
        small[user] = len(queries.captured_queries)
    for _ in range(110):
        make_member(union_a, enterprise=enterprise_a)
    for user in (admin_a, officer):
        client.force_login(user)
        client.get(reverse("core:home"))
        page = client.get(reverse("members:list")).context["page"]
        for params in ({}, {"cursor": page.next_cursor}, {"q": "z"}, {"from": "m"}, {"q": "1380"}):
            with django_assert_max_num_queries(small[user] + 1):  # + the roll-up or a search's probe
                assert client.get(reverse("members:list"), params).status_code == 200


@pytest.mark.parametrize("who", ["officer", "admin_a"])
def test_the_apis_people_list_reads_the_pinyin_index(people, who, request):
    """(The API's member list is the page's: member_page, tested above.)"""
    from gonghui.members.models import Person

    user = request.getfixturevalue(who)
    people_page = Person.objects.visible_to(user).order_by("name_pinyin", "id")[:51]
    assert not full_scans(people_page, TABLES), full_scans(people_page, TABLES)


@pytest.mark.parametrize("who", ["officer", "admin_a"])
def test_the_list_of_those_who_left_reads_their_index_and_pages(people, union_a, who, request):
    user = request.getfixturevalue(who)
    for n in range(3):
        left = make_member(union_a, name=f"钱{'一二三'[n]}")
        member_leave(membership=left, on=left.started_on, by=SETUP)
    search = selectors.member_search(user, status="ended")
    assert search.people is None  # three who left beside seven memberships: read directly, then sorted
    rows = search.queryset.order_by(*search.keys)[:51]
    assert not full_scans(rows, TABLES), full_scans(rows, TABLES)
    first = selectors.member_page(search, size=2)
    rest = selectors.member_page(search, cursor=first.next_cursor, size=2)
    assert [m.person.name for m in [*first, *rest]] == ["钱二", "钱三", "钱一"]


def test_the_list_of_those_who_left_reads_the_roll_ups_once(
    client, people, union_a, officer, monkeypatch, django_assert_num_queries
):
    for n in range(3):
        left = make_member(union_a, name=f"钱{'一二三'[n]}")
        member_leave(membership=left, on=left.started_on, by=SETUP)
    client.force_login(officer)
    client.get(reverse("core:home"))
    # session, user, the roll-up totals (which say how to read the list, and give its count), the
    # page's rows; read by people first (many left for a page of one), their memberships too
    for page_size, queries in ((selectors.PAGE, 4), (1, 5)):
        monkeypatch.setattr(selectors, "PAGE", page_size)
        with django_assert_num_queries(queries):
            response = client.get(reverse("members:list"), {"status": "ended"})
        assert response.context["total"] == 3 and len(response.context["page"]) == 3


def test_a_federation_whose_many_left_walks_its_people_for_them(people, union_a, officer, monkeypatch):
    for n in range(3):
        left = make_member(union_a, name=f"钱{'一二三'[n]}")
        member_leave(membership=left, on=left.started_on, by=SETUP)
    monkeypatch.setattr(selectors, "PAGE", 1)  # 3 who left of 7: more than a page of one per person
    search = selectors.member_search(officer, status="ended")
    assert search.people is not None
    assert [m.person.name for m in selectors.member_page(search)] == ["钱二", "钱三", "钱一"]


def test_a_federation_few_beside_the_database_reads_its_members_and_sorts_them(
    zone, union_a, officer, city_officer, monkeypatch
):
    few_beside_the_database(zone, union_a, monkeypatch)
    search = selectors.member_search(officer)
    assert search.people is None
    rows = search.queryset.order_by(*search.keys)[:51]
    assert not full_scans(rows, TABLES), full_scans(rows, TABLES)
    first = selectors.member_page(search, size=2)
    rest = selectors.member_page(search, cursor=first.next_cursor, size=2)
    assert [m.person.name for m in [*first, *rest]] == ["王五", "张三", "赵六"]
    assert selectors.member_search(city_officer).people is not None  # all 12: walked in pinyin order


def test_a_unions_search_by_name_reads_its_members_not_the_citys_namesakes(people, admin_a):
    search = selectors.member_search(admin_a, q="张")
    plan = str(search.queryset.order_by(*search.keys)[:51].explain())
    assert "person_name_order_idx" not in plan and "person_name_trgm_idx" not in plan, plan
    assert _names(admin_a, "张") == ["张三", "张小明"]
