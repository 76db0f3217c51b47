"""The long lists of mutual aid (claims, the ledger, enrolment batches, a batch's enrolments) as
keyset pages: the next page by its cursor with the filters kept, an altered cursor answered with the
first page, the same queries at one row as at many, another union's rows never shown, and each
page read through an index that fits its order on both databases."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from gonghui.core import keyset
from gonghui.core.tests.keyset_pages import clones, ids, pages
from gonghui.core.tests.plans import full_scans
from gonghui.mutual_aid import selectors, services
from gonghui.mutual_aid.models import Claim, Enrolment, EnrolmentBatch, LedgerEntry
from gonghui.mutual_aid.tests.factories import enrol_all, file_claim, to_federation_reviewed
from gonghui.mutual_aid.views import BY_DATE

pytestmark = pytest.mark.django_db

MANY = 60


def day(i: int) -> date:
    return date(2024, 1, 1) + timedelta(days=i)


def ago(i: int) -> date:
    return date.today() - timedelta(days=i)


@pytest.fixture
def enrolled_b(plan, union_b, enterprise_b, member_b, admin_b):
    return enrol_all(plan, union_b, enterprise_b, by=admin_b)


@pytest.fixture
def paid(plan, enrolled, member_a, admin_a, reviewer_a, officer):
    claim = to_federation_reviewed(
        file_claim(plan, member_a.person, by=admin_a), union_reviewer=reviewer_a, officer=officer
    )
    services.claim_pay(
        claim=services.claim_set_amount(claim=claim, by=officer), paid_on=ago(0), reference="R", by=officer
    )
    return LedgerEntry.objects.get()


def paid_clones(entry, n):
    claims = clones(entry.claim, n, filed_on=day)
    return clones(entry, n, claim_id=lambda i: claims[i].pk, paid_on=ago, reference=lambda i: f"R{i}")


def test_the_claim_list_pages_by_cursor_keeps_its_filter_and_its_union(
    client, plan, enrolled, enrolled_b, member_a, member_b, admin_a, admin_b, officer
):
    mine = file_claim(plan, member_a.person, by=admin_a)
    theirs = file_claim(plan, member_b.person, by=admin_b, invoices=["36000099999999"])
    clones(mine, MANY, filed_on=day)
    clones(theirs, MANY, filed_on=day)
    clones(mine, 5, filed_on=date(2023, 3, 1))  # another year: never on the 2024 pages
    client.force_login(admin_a)
    first, second = pages(client, reverse("mutual_aid:claim_list"), {"year": 2024})
    shown = Claim.objects.filter(pk__in=first + second)
    assert {c.union_id for c in shown} == {mine.union_id}
    assert {c.filed_on.year for c in shown} == {2024}
    client.force_login(officer)
    first, second = pages(client, reverse("mutual_aid:claim_list"), {"year": 2024})
    assert {c.union_id for c in Claim.objects.filter(pk__in=first + second)} == {
        mine.union_id,
        theirs.union_id,
    }


def test_the_claim_list_costs_the_same_for_one_claim_as_for_many(
    client, plan, enrolled, member_a, admin_a, django_assert_num_queries
):
    claim = file_claim(plan, member_a.person, by=admin_a)
    client.force_login(admin_a)
    client.get(reverse("mutual_aid:claim_list"))
    # session, user, the page's claims (a keyset page: nothing counted), the waiting count
    with django_assert_num_queries(4):
        client.get(reverse("mutual_aid:claim_list"))
    clones(claim, MANY, filed_on=day)
    with django_assert_num_queries(4):
        response = client.get(reverse("mutual_aid:claim_list"))
    assert len(response.context["page"]) == 50


def test_the_ledger_pages_by_cursor_for_its_union_only(
    client, paid, plan, enrolled_b, member_b, admin_b, admin_a, django_assert_num_queries
):
    client.force_login(admin_a)
    client.get(reverse("mutual_aid:ledger"))
    # session, user, the page's payments, the totals
    with django_assert_num_queries(4):
        client.get(reverse("mutual_aid:ledger"))
    paid_clones(paid, MANY)
    theirs = file_claim(plan, member_b.person, by=admin_b, invoices=["36000099999999"])
    clones(paid, 1, claim_id=theirs.pk, union_id=theirs.union_id, person_id=theirs.person_id, reference="B")
    with django_assert_num_queries(4):
        client.get(reverse("mutual_aid:ledger"))
    first, second = pages(client, reverse("mutual_aid:ledger"))
    assert {e.union_id for e in LedgerEntry.objects.filter(pk__in=first + second)} == {paid.union_id}
    jumped = client.get(reverse("mutual_aid:ledger"), {"from": ago(10).isoformat()})
    assert [e.paid_on for e in jumped.context["page"]][:1] == [ago(10)]


def test_the_batch_list_and_a_batchs_enrolments_page_by_cursor(
    client, plan, enrolled, enrolled_b, union_a, admin_a, django_assert_num_queries
):
    client.force_login(admin_a)
    client.get(reverse("mutual_aid:batch_list"))
    # session, user, the page's batches
    with django_assert_num_queries(3):
        client.get(reverse("mutual_aid:batch_list"))
    clones(enrolled, MANY, enrolled_on=day)
    with django_assert_num_queries(3):
        client.get(reverse("mutual_aid:batch_list"))
    first, second = pages(client, reverse("mutual_aid:batch_list"))
    assert {b.union_id for b in EnrolmentBatch.objects.filter(pk__in=first + second)} == {union_a.pk}

    enrolment = Enrolment.objects.filter(batch=enrolled).first()
    people = clones(
        enrolment.person, MANY, id_hash=lambda i: f"{i:064d}", name_pinyin=lambda i: f"{(i * 7) % MANY:03d}"
    )
    clones(enrolment, MANY, person_id=lambda i: people[i].pk)
    url = reverse("mutual_aid:batch_detail", args=[enrolled.pk])
    pages(client, url)
    names = [e.person.name_pinyin for e in client.get(url).context["page"]]
    assert names == sorted(names)
    assert client.get(url, {"from": "z"}).context["page"].jumped


@pytest.mark.parametrize("who", ["officer", "admin_a"])
def test_each_list_and_its_next_page_read_an_index(paid, enrolled, who, request):
    user = request.getfixturevalue(who)
    lists = [
        ("mutual_aid_claim", selectors.claim_list(user), BY_DATE["claim"]),
        ("mutual_aid_claim", selectors.claim_list(user, year=2024), BY_DATE["claim"]),
        ("mutual_aid_ledgerentry", selectors.ledger(user), BY_DATE["ledger"]),
        ("mutual_aid_enrolmentbatch", selectors.batch_list(user), BY_DATE["batch"]),
        ("mutual_aid_enrolment", selectors.batch_enrolments(enrolled), ["person__name_pinyin", "pk"]),
    ]
    for table, rows, keys in lists:
        first = rows.order_by(*keys)[:51]
        assert not full_scans(first, [table]), (table, full_scans(first, [table]))
        values = [keyset._value_of(rows.order_by(*keys).first(), k.lstrip("-")) for k in keys]
        following = rows.filter(keyset.after(keys, values)).order_by(*keys)[:51]
        assert not full_scans(following, [table]), (table, full_scans(following, [table]))


def test_a_made_up_cursor_on_the_claim_list_is_the_first_page(client, admin_a):
    client.force_login(admin_a)
    response = client.get(reverse("mutual_aid:claim_list"), {"cursor": "not-a-cursor", "year": "2024"})
    assert response.status_code == 200 and response.context["page"].note == keyset.STALE
    assert ids(response) == []
