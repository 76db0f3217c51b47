"""The case lists as keyset pages: overdue cases first across pages, the next page by its cursor with
the filters kept, an altered cursor answered with the first page, the same queries at one case as at
many, another union's cases never shown; the consultations read through an index in their order."""

from datetime import date, timedelta
from itertools import count

import pytest
from django.urls import reverse
from django.utils import timezone

from gonghui.core import keyset
from gonghui.core.tests.keyset_pages import clones, pages
from gonghui.core.tests.plans import full_scans
from gonghui.legal import selectors, services
from gonghui.legal.models import NO_DEADLINE, AidCase, Consultation, Dispute
from gonghui.legal.tests.factories import advance, make_aid, make_dispute

pytestmark = pytest.mark.django_db

MANY = 60


def day(i: int) -> date:
    return date(2024, 1, 1) + timedelta(days=i)


_numbers = count(5000)


def copies(case, n: int, **vary) -> list:
    """n copies of a case, each with a number of its own in the case's year, without clocks."""
    year = case.number.rsplit("-", 1)[0]
    return clones(case, n, number=lambda i: f"{year}-{next(_numbers)}", deadline=NO_DEADLINE, **vary)


def consultation(org, person, by):
    return services.consultation_record(
        org=org, person=person, channel="visit", topic="injury", asked_on=day(0), question="工伤认定需要哪些材料？", by=by
    )  # fmt: skip


def test_the_dispute_list_pages_overdue_first_for_its_union_only(
    client, zone, union_a, union_b, admin_a, admin_b, officer, member_a, member_b
):
    today = timezone.localdate()
    late = make_dispute(union_a, member_a.person, by=admin_a, received_on=today - timedelta(days=40))
    advance(late, "dispute.accept", by=admin_a, on=today - timedelta(days=39))
    ours = make_dispute(union_a, member_a.person, by=admin_a, received_on=day(0))
    theirs = make_dispute(union_b, member_b.person, by=admin_b, received_on=day(0))
    copies(ours, MANY, received_on=day)  # after the cases numbered by the service
    copies(theirs, MANY, received_on=day)
    client.force_login(admin_a)
    first, second = pages(client, reverse("legal:dispute_list"))
    assert set(first[:2]) == {late.pk, ours.pk}  # overdue (the copies have no clocks)
    assert set(Dispute.objects.filter(pk__in=first + second).values_list("org_id", flat=True)) == {union_a.pk}
    first, second = pages(client, reverse("legal:dispute_list"), {"year": 2024})
    assert late.pk not in first + second
    assert {d.received_on.year for d in Dispute.objects.filter(pk__in=first + second)} == {2024}


def test_the_aid_list_and_the_consultations_page_by_cursor(
    client, union_a, union_b, admin_a, admin_b, member_a, member_b
):
    ours, theirs = (
        make_aid(union_a, member_a.person, by=admin_a),
        make_aid(union_b, member_b.person, by=admin_b),
    )
    copies(ours, MANY, applied_on=day)
    copies(theirs, 3, applied_on=day)
    clones(consultation(union_a, member_a.person, admin_a), MANY, asked_on=day)
    clones(consultation(union_b, member_b.person, admin_b), 3, asked_on=day)
    client.force_login(admin_a)
    first, second = pages(client, reverse("legal:aid_list"), {"year": 2024})
    assert set(AidCase.objects.filter(pk__in=first + second).values_list("org_id", flat=True)) == {union_a.pk}
    first, second = pages(client, reverse("legal:consultation_list"), {"state": Consultation.State.REQUESTED})
    shown = Consultation.objects.filter(pk__in=first + second)
    assert set(shown.values_list("org_id", flat=True)) == {union_a.pk}


@pytest.mark.parametrize("name", ["legal:dispute_list", "legal:aid_list", "legal:consultation_list"])
def test_each_list_costs_the_same_for_one_case_as_for_many(
    client, union_a, admin_a, member_a, name, django_assert_num_queries
):
    one = {
        "legal:dispute_list": lambda: make_dispute(union_a, member_a.person, by=admin_a),
        "legal:aid_list": lambda: make_aid(union_a, member_a.person, by=admin_a),
        "legal:consultation_list": lambda: consultation(union_a, member_a.person, admin_a),
    }[name]()
    client.force_login(admin_a)
    client.get(reverse(name))  # the working-day calendar's corrections, kept per process
    # session, user, the page (a keyset page: nothing counted), for the clocked lists its clocks and
    # their pauses, whether the officer may open a case
    queries = 4 if name == "legal:consultation_list" else 6
    with django_assert_num_queries(queries):
        client.get(reverse(name))
    copies(one, MANY) if hasattr(one, "number") else clones(one, MANY)
    with django_assert_num_queries(queries):
        assert len(client.get(reverse(name)).context["page"]) == 50


@pytest.mark.parametrize("who", ["officer", "admin_a"])
def test_the_consultations_and_their_next_page_read_an_index(
    client, union_a, admin_a, member_a, who, request
):
    clones(consultation(union_a, member_a.person, admin_a), 3, asked_on=day)
    user = request.getfixturevalue(who)
    keys = selectors.CONSULTATION_KEYS
    for rows in (selectors.consultation_list(user), selectors.consultation_list(user, state="requested")):
        first = rows.order_by(*keys)[:51]
        assert not full_scans(first, ["legal_consultation"]), full_scans(first, ["legal_consultation"])
        values = [keyset._value_of(rows.first(), k.lstrip("-")) for k in keys]
        following = rows.filter(keyset.after(keys, values)).order_by(*keys)[:51]
        assert not full_scans(following, ["legal_consultation"]), full_scans(
            following, ["legal_consultation"]
        )
