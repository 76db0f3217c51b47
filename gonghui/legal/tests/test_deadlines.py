"""A case's stored deadline is what its clocks say, whatever the sequence of moves made on it
(paused, resumed, extended, stopped, started); the aid and dispute lists read it through their index,
on the first page and the next, instead of sorting every case; as days pass with no write, a case
becomes overdue and its place in the list is still right."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from gonghui.accounts.models import User
from gonghui.core import keyset
from gonghui.core.roles import Role
from gonghui.core.tests.keyset_pages import clones
from gonghui.core.tests.plans import full_scans, plan
from gonghui.legal import clocks, selectors
from gonghui.legal.models import NO_DEADLINE, AidCase, Dispute
from gonghui.legal.tests.factories import advance, make_aid, make_dispute, make_lawyer
from gonghui.legal.workflow import MOVES
from gonghui.members.tests.factories import make_member
from gonghui.orgs.models import Organisation
from gonghui.orgs.tests.factories import OrganisationFactory

START = date(2024, 9, 20)  # clocks over the National Day holiday, in days and in working days


def deadline_from_clocks(case) -> date:
    """The case's deadline as a person reads its clocks: the earliest due day of those running."""
    running = [
        c.due_on
        for c in case.clocks.all()
        if c.stopped_on is None and not any(p.ended_on is None for p in c.pauses.all())
    ]
    return min(running, default=NO_DEADLINE)


def all_cases():
    return [
        *AidCase.objects.prefetch_related("clocks__pauses"),
        *Dispute.objects.prefetch_related("clocks__pauses"),
    ]


ACTIONS = [name for moves in (MOVES[AidCase], MOVES[Dispute]) for name in moves]
step = st.one_of(
    st.tuples(st.just("open"), st.sampled_from(["aid", "dispute"]), st.integers(0, 20)),
    st.tuples(st.just("move"), st.sampled_from(ACTIONS), st.integers(0, 9)),
)


class DeadlinesEqualTheClocks(TestCase):
    @settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.lists(step, min_size=3, max_size=30))
    def test_random_sequences_of_moves(self, steps):
        city = OrganisationFactory(code="CITY", kind=Organisation.Kind.CITY_FEDERATION)
        union = OrganisationFactory(parent=city)
        staff = User.objects.create(username="city-staff", role=Role.FEDERATION_STAFF, organisation=city)
        person = make_member(union).person
        lawyer = make_lawyer(city, by=staff, term=(date(2022, 1, 1), date(2026, 12, 31)))
        cases, day = [], START
        for kind, what, n in steps:
            day += timedelta(days=n % 4)
            try:
                if kind == "open":
                    make = make_aid if what == "aid" else make_dispute
                    opened = START + timedelta(days=n)
                    cases.append(make(union, person, by=staff, **{_opened(what): opened}))
                elif cases:
                    case = cases[n % len(cases)]
                    advance(
                        case, what, by=staff, on=max(day, type(case).objects.get(pk=case.pk).state_on),
                        note="说明", text="内容", lawyer=lawyer, days=1 + n, confirmation="requested",
                    )  # fmt: skip
            except ValidationError:
                pass  # a move this kind of case, its state or its clock refuses
            for case in all_cases():
                assert case.deadline == deadline_from_clocks(case), (case, steps)


def _opened(kind: str) -> str:
    return "applied_on" if kind == "aid" else "received_on"


@pytest.fixture
def team(zone, officer, lawyer):
    return make_lawyer(zone, by=officer, user=lawyer)


def test_a_case_becomes_overdue_with_the_days_and_keeps_its_place(zone, officer, member_a):
    """No write between the days: what was near is overdue ten days later, the order the same."""
    received = [date(2024, 5, 6), date(2024, 5, 10), date(2024, 5, 20)]
    disputes = [make_dispute(zone, member_a.person, by=officer, received_on=d) for d in received]
    advance(disputes[0], "dispute.accept", by=officer, on=date(2024, 5, 6))
    done = make_dispute(zone, member_a.person, by=officer, received_on=date(2024, 5, 1))
    advance(done, "dispute.not_accept", by=officer, on=date(2024, 5, 2), note="不属于劳动争议")
    for today in (date(2024, 5, 14), date(2024, 5, 16), date(2024, 5, 22), date(2024, 6, 30)):
        rows = list(selectors.dispute_list(officer, today=today))
        readings = selectors.with_clock_readings(rows, today)
        overdue = [bool(r.overdue) for r in rows]
        assert overdue == [c.clock.overdue for c in readings]  # the list's flag is the clock's
        assert overdue == sorted(overdue, reverse=True), today  # overdue cases first
        assert [r.pk for r in rows] == [d.pk for d in sorted(disputes, key=deadline_from_clocks)] + [done.pk]
        near = selectors.dispute_list(officer, today=today, due=True)
        soon = today + timedelta(days=selectors.NEAR_DAYS)
        assert {r.pk for r in near} == {d.pk for d in disputes if deadline_from_clocks(d) <= soon}
    assert rows[-1].next_due is None and not rows[-1].overdue


MANY = 2000


@pytest.fixture
def many(zone, union_a, officer, admin_a, member_a, team):
    """Disputes and aid cases of the union, one in ten with the lawyer as their mediator or lawyer,
    their deadlines spread over two years (copies of a case the services made, without clocks)."""
    dispute = make_dispute(union_a, member_a.person, by=admin_a, received_on=date(2024, 5, 6))
    aid = make_aid(union_a, member_a.person, by=admin_a, applied_on=date(2024, 3, 4))
    advance(dispute, "dispute.accept", by=admin_a, on=date(2024, 5, 6))
    advance(dispute, "dispute.assign", by=admin_a, on=date(2024, 5, 7), lawyer=team)
    for case, field in ((dispute, "received_on"), (aid, "applied_on")):
        year = case.number.rsplit("-", 1)[0]
        clones(
            case,
            MANY,
            number=lambda i, year=year: f"{year}-{9000 + i}",
            deadline=lambda i: NO_DEADLINE if i % 5 == 0 else date(2024, 1, 1) + timedelta(days=i % 700),
            **{field: lambda i: date(2024, 1, 1) + timedelta(days=i % 300)},
            **{"mediator" if case is dispute else "lawyer": lambda i: team if i % 10 == 0 else None},
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # the planners know there are many
    return dispute, aid


LISTS = [  # a state of the list, the index that reads federation staff's whole list, and a lawyer's
    ("legal_dispute", selectors.dispute_list, selectors.DISPUTE_KEYS, "received", "dispute_deadline_idx", "dispute_mediator_deadline_idx"),
    ("legal_aidcase", selectors.aid_list, selectors.AID_KEYS, "applied", "aidcase_deadline_idx", "aidcase_lawyer_deadline_idx"),
]  # fmt: skip


@pytest.mark.parametrize("who", ["officer", "admin_a", "lawyer"])
@pytest.mark.parametrize("which", ["all", "due", "state"])
def test_each_list_and_its_next_page_read_an_index(many, who, which, request):
    user = request.getfixturevalue(who)
    for table, selector, keys, state, *indexes in LISTS:
        filters = {"all": {}, "due": {"due": True}, "state": {"state": state}}[which]
        rows = selector(user, today=date(2024, 6, 1), **filters)
        first = rows[:51]
        assert not full_scans(first, [table]), (table, plan(first))
        last = rows.first() or rows.model.objects.order_by(*keys).first()
        values = [keyset._value_of(last, k.lstrip("-")) for k in keys]
        following = rows.filter(keyset.after(keys, values))[:51]
        assert not full_scans(following, [table]), (table, plan(following))
        if who != "admin_a":  # along the index in the list's order, nothing sorted
            index = indexes[who == "lawyer"]
            for page in (first, following):
                lines = plan(page)
                assert any(index in line for line in lines), "\n".join(lines)
                assert not any("Sort" in line or "TEMP B-TREE" in line for line in lines), "\n".join(lines)


def test_the_to_do_counts_read_the_stored_deadline(many, officer, django_assert_num_queries):
    with django_assert_num_queries(1):
        counted = selectors.disputes_due_count(officer)
    assert counted == Dispute.objects.filter(deadline__lte=date.today() + timedelta(days=2)).count()


def test_the_migration_fills_every_case_as_the_clocks_say(zone, officer, member_a):
    aid = make_aid(zone, member_a.person, by=officer, applied_on=date(2024, 3, 4))
    advance(aid, "aid.request_material", by=officer, on=date(2024, 3, 5), note="劳动合同")
    dispute = make_dispute(zone, member_a.person, by=officer, received_on=date(2024, 5, 6))
    advance(dispute, "dispute.accept", by=officer, on=date(2024, 5, 7))
    AidCase.objects.update(deadline=date(2000, 1, 1))
    Dispute.objects.update(deadline=date(2000, 1, 1))
    clocks.store_deadlines(AidCase.objects.all())
    clocks.store_deadlines(Dispute.objects.all())
    assert [(c.deadline, deadline_from_clocks(c)) for c in all_cases()] == [
        (NO_DEADLINE, NO_DEADLINE),  # its only clock is paused: it cannot run out
        (date(2024, 5, 21), date(2024, 5, 21)),  # the mediation's 15 days
    ]
