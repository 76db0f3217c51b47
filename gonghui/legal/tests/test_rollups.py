"""The legal KPIs read a roll-up that equals the raw computation, whatever the sequence of
consultations, aid applications, mediations and their moves (accepted or not, mediated, extended,
settled or failed, referred, closed); a rebuild gives the rows the services kept; each figure costs
one query however many cases there are."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from gonghui.accounts.models import User
from gonghui.core.figures import rate
from gonghui.core.roles import Role
from gonghui.legal import charts, kpis, rollups, services
from gonghui.legal.models import AidCase, Clock, Consultation, Dispute, LegalMonth
from gonghui.legal.tests.factories import advance, make_aid, make_dispute, make_lawyer
from gonghui.members.tests.factories import make_member
from gonghui.orgs.models import Organisation
from gonghui.orgs.tests.factories import OrganisationFactory

YEARS = range(2023, 2027)
ROLLED_UP = [g for g in kpis.GROUPS if g.key != "legal.lawyers"]  # the team is a few rows: read raw


def raw_figures(root: Organisation, year: int) -> dict:
    """The figures straight from the cases, as a person would count them."""
    days = (date(year, 1, 1), date(year, 12, 31))
    mine = Q(org__path__startswith=root.path)
    disputes = Dispute.objects.filter(mine, received_on__range=days)
    concluded = disputes.exclude(outcome="")
    ended = Clock.objects.filter(
        limit=Clock.Limit.MEDIATION, dispute__in=concluded, stopped_on__isnull=False
    ).values_list("stopped_on", "due_on")
    return {
        "legal_consultations": Consultation.objects.filter(mine, asked_on__range=days).count(),
        "legal_aid_cases": AidCase.objects.filter(mine, applied_on__range=days).count(),
        "disputes": disputes.count(),
        "mediation_success_rate": rate(
            concluded.filter(outcome=Dispute.Outcome.AGREEMENT).count(), concluded.count()
        ),
        "disputes_to_arbitration": disputes.filter(referred_to=Dispute.Referral.ARBITRATION).count(),
        "mediations_within_limit": rate(sum(stopped <= due for stopped, due in ended), len(ended)),
    }


def raw_outcomes(root: Organisation, year: int) -> list[int]:
    """The chart's bars for the year, each case in the one that says what became of it."""
    bars = [0] * 6
    for d in Dispute.objects.filter(org__path__startswith=root.path, received_on__year=year):
        if d.outcome == Dispute.Outcome.AGREEMENT:
            bars[0] += 1
        elif d.referred_to == Dispute.Referral.ARBITRATION:
            bars[1] += 1
        elif d.referred_to == Dispute.Referral.LITIGATION:
            bars[2] += 1
        elif d.outcome:
            bars[3] += 1
        elif d.state == Dispute.State.NOT_ACCEPTED:
            bars[4] += 1
        else:
            bars[5] += 1
    return bars


def kept_figures(root: Organisation, year: int) -> dict:
    figures = {}
    for group in ROLLED_UP:
        figures |= group.compute(root, year)
    return {key: figure["value"] for key, figure in figures.items()}


def rows() -> set:
    fields = [f.attname for f in LegalMonth._meta.fields if f.name != "id"]
    return {r for r in LegalMonth.objects.values_list(*fields) if any(r[2:])}


class World:
    """A city, two zones, three unions, a member of each, two mediators and the city's staff."""

    def __init__(self):
        self.city = OrganisationFactory(code="CITY", kind=Organisation.Kind.CITY_FEDERATION)
        zone = OrganisationFactory(code="ZONE", kind=Organisation.Kind.ZONE_FEDERATION, parent=self.city)
        zone2 = OrganisationFactory(code="ZONE2", kind=Organisation.Kind.ZONE_FEDERATION, parent=self.city)
        self.orgs = [self.city, zone, zone2] + [OrganisationFactory(parent=p) for p in (zone, zone, zone2)]
        self.staff = User.objects.create(
            username="city-staff", role=Role.FEDERATION_STAFF, organisation=self.city
        )
        self.people = [make_member(union).person for union in self.orgs[3:]]
        term = (date(2022, 1, 1), date(2026, 12, 31))
        self.lawyers = [
            make_lawyer(self.city, by=self.staff, name=n, term=term) for n in ("周律师", "吴律师")
        ]
        self.disputes: list[Dispute] = []

    def move(self, dispute: Dispute, action: str, on: date, **extra) -> None:
        on = min(max(on, Dispute.objects.get(pk=dispute.pk).state_on), timezone.localdate())
        advance(dispute, action, by=self.staff, on=on, **extra)


EXTRA = {
    "dispute.assign": lambda w, n: {"lawyer": w.lawyers[n % 2]},
    "dispute.succeed": lambda w, n: {"text": "支付欠薪", "amount": "1000.00"},
    "dispute.fail": lambda w, n: {"note": "未达成协议"},
    "dispute.not_accept": lambda w, n: {"note": "不属于劳动争议"},
    "dispute.extend": lambda w, n: {"days": 1 + n % 15, "note": "双方同意"},
    "dispute.confirmation": lambda w, n: {"confirmation": "requested"},
}
ACCEPTED = ("dispute.accept", "dispute.assign", "dispute.start")
LIVES = [
    (),
    ("dispute.not_accept",),
    ("dispute.accept",),
    ACCEPTED,
    (*ACCEPTED, "dispute.extend"),
    (*ACCEPTED, "dispute.succeed"),
    (*ACCEPTED, "dispute.extend", "dispute.succeed", "dispute.close"),
    (*ACCEPTED, "dispute.fail"),
    (*ACCEPTED, "dispute.fail", "dispute.arbitration"),
    (*ACCEPTED, "dispute.fail", "dispute.litigation", "dispute.close"),
    (*ACCEPTED, "dispute.succeed", "dispute.confirmation"),
]
LATER = ["dispute.accept", "dispute.succeed", "dispute.fail", "dispute.arbitration", "dispute.close"]

step = st.tuples(
    st.sampled_from(["consultation", "aid"] + ["dispute"] * 4 + ["later"] * 2),
    st.integers(0, 5),  # an organisation, or a dispute
    st.dates(date(2023, 1, 1), date(2025, 12, 31)),
    st.integers(0, len(LIVES) - 1),  # how far a new dispute goes at once
    st.lists(st.integers(0, 6), min_size=5, max_size=5),  # days between its moves
)


class RollupsEqualTheRawFigures(TestCase):
    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.lists(step, min_size=5, max_size=25))
    def test_random_histories(self, steps):
        world = World()
        for kind, which, day, life, gaps in steps:
            org, person = world.orgs[which], world.people[which % 3]
            try:
                if kind == "consultation":
                    services.consultation_record(
                        org=org,
                        person=person,
                        channel="visit",
                        topic="wages",
                        asked_on=day,
                        question="加班费",
                        by=world.staff,
                    )
                elif kind == "aid":
                    make_aid(org, person, by=world.staff, applied_on=day)
                elif kind == "dispute":
                    dispute = make_dispute(org, person, by=world.staff, received_on=day)
                    world.disputes.append(dispute)
                    for action, gap in zip(LIVES[life], gaps * 2, strict=False):
                        day += timedelta(days=gap)
                        world.move(dispute, action, day, **EXTRA.get(action, lambda w, n: {})(world, gap))
                elif world.disputes:
                    dispute = world.disputes[which % len(world.disputes)]
                    action = LATER[life % len(LATER)]
                    world.move(dispute, action, day, **EXTRA.get(action, lambda w, n: {})(world, life))
            except ValidationError:
                pass  # a move the dispute's state or its clock refuses
        for root in Organisation.objects.all():
            for year in YEARS:
                assert kept_figures(root, year) == raw_figures(root, year), (root.code, year)
                chart = charts.disputes_by_outcome(root, year)
                assert [bars for _name, bars in chart.series] == [
                    raw_outcomes(root, year),
                    raw_outcomes(root, year - 1),
                ], (root.code, year)
        kept = rows()
        rollups.rebuild()
        assert rows() == kept


@pytest.mark.django_db
class TestEdges:
    @pytest.fixture
    def world(self, db):
        return World()

    def test_a_mediation_counts_in_the_month_it_was_received_whenever_it_ends(self, world):
        union = world.orgs[3]
        late = make_dispute(union, world.people[0], by=world.staff, received_on=date(2024, 12, 20))
        for action, on in zip(
            ACCEPTED, (date(2024, 12, 20), date(2024, 12, 23), date(2024, 12, 24)), strict=True
        ):
            world.move(late, action, on, **EXTRA.get(action, lambda w, n: {})(world, 0))
        world.move(late, "dispute.fail", date(2025, 1, 20), note="未达成协议")  # after the 15 days
        world.move(late, "dispute.arbitration", date(2025, 1, 21))
        assert kept_figures(union, 2024) == raw_figures(union, 2024)
        assert kept_figures(union, 2024)["mediations_within_limit"] == 0.0
        assert kept_figures(union, 2024)["disputes_to_arbitration"] == 1
        assert kept_figures(union, 2025)["disputes"] == 0
        assert LegalMonth.objects.get(organisation=world.city).month == date(2024, 12, 1)

    def test_a_mediator_assigned_or_a_case_refused_moves_only_what_it_should(self, world):
        union = world.orgs[3]
        dispute = make_dispute(union, world.people[0], by=world.staff, received_on=date(2024, 5, 6))
        world.move(dispute, "dispute.accept", date(2024, 5, 6))
        before = rows()
        world.move(dispute, "dispute.assign", date(2024, 5, 7), lawyer=world.lawyers[0])
        world.move(dispute, "dispute.start", date(2024, 5, 8))
        assert rows() == before  # who mediates is not counted
        refused = make_dispute(union, world.people[0], by=world.staff, received_on=date(2024, 5, 9))
        world.move(refused, "dispute.not_accept", date(2024, 5, 10), note="不属于劳动争议")
        assert charts.disputes_by_outcome(union, 2024).series[0][1] == [0, 0, 0, 0, 1, 1]
        assert kept_figures(union, 2024) == raw_figures(union, 2024)

    def test_each_figure_is_one_query_however_many_cases(self, world, django_assert_num_queries):
        def queries():
            counts = []
            for group in kpis.GROUPS:
                with django_assert_num_queries(1) as captured:
                    group.compute(world.city, 2024)
                counts.append(len(captured))
            with django_assert_num_queries(1):
                charts.disputes_by_outcome(world.city, 2024)
            return counts

        make_dispute(world.orgs[3], world.people[0], by=world.staff, received_on=date(2024, 3, 1))
        first = queries()
        for i in range(8):
            dispute = make_dispute(
                world.orgs[3 + i % 3], world.people[i % 3], by=world.staff, received_on=date(2024, 1 + i, 2)
            )
            for action in (*ACCEPTED, "dispute.succeed" if i % 2 else "dispute.fail"):
                world.move(
                    dispute, action, date(2024, 1 + i, 3 + i), **EXTRA.get(action, lambda w, n: {})(world, i)
                )
            make_aid(
                world.orgs[3 + i % 3], world.people[i % 3], by=world.staff, applied_on=date(2024, 1 + i, 5)
            )
        assert queries() == first == [1] * len(kpis.GROUPS)
        assert kept_figures(world.city, 2024) == raw_figures(world.city, 2024)
