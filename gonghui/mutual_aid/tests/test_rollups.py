"""The mutual-aid KPIs read roll-ups that equal the raw computation, whatever the sequence of
enrolments, claims, reviews, returns, rejections, decisions and payments; a rebuild gives the rows
the services kept; each figure costs one query however many rows there are."""

import statistics
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from gonghui.accounts.models import User
from gonghui.core.roles import Role
from gonghui.members.tests.factories import make_member
from gonghui.mutual_aid import charts, kpis, rollups, services
from gonghui.mutual_aid.models import AidMonth, AidPayDays, Claim, Enrolment, LedgerEntry, Plan, Status
from gonghui.mutual_aid.tests.factories import CRITICAL, document, file_claim, make_plan
from gonghui.orgs.models import Organisation
from gonghui.orgs.tests.factories import EnterpriseFactory, OrganisationFactory

YEARS = range(2023, 2027)
# A plan that pays a share of what the member paid themselves, with no waiting period or limits: any
# claim in cover is payable, with amounts in cents.
OWN_SHARE = CRITICAL | {
    "name": "2024—2025年职工意外伤害互助",
    "kind": Plan.Kind.ACCIDENT,
    "term_years": 2,
    "enrol_until": date(2024, 12, 31),
    "fixed_sum": None,
    "cost_ratio": Decimal("0.655"),
    "term_limit": None,
    "exclusion_days": 0,
}


def raw_figures(root: Organisation, year: int) -> dict:
    """The figures straight from the raw rows, as a person would count them."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    mine = Q(union__path__startswith=root.path)
    paid = list(LedgerEntry.objects.filter(mine, paid_on__range=(first, last)).select_related("claim"))
    days = [(e.paid_on - e.claim.filed_on).days for e in paid]
    return {
        "mutual_aid_enrolments": Enrolment.objects.filter(
            mine, covered_from__lte=last, covered_until__gte=first
        ).count(),
        "mutual_aid_claims": Claim.objects.filter(mine, filed_on__range=(first, last)).count(),
        "mutual_aid_claims_paid": len(paid),
        "mutual_aid_paid_amount": str(sum((e.amount for e in paid), Decimal("0.00"))),
        "mutual_aid_days_to_pay": statistics.median(days) if days else None,
    }


def kept_figures(root: Organisation, year: int) -> dict:
    figures = {}
    for group in kpis.GROUPS:
        figures |= group.compute(root, year)
    return {key: figure["value"] for key, figure in figures.items()}


def rows(model) -> set:
    """The non-zero rows (a rebuild writes no row of zeros)."""
    fields = [f.attname for f in model._meta.fields if f.name != "id"]
    return {r for r in model.objects.values_list(*fields) if any(r[2:])}


def user(username, role, organisation) -> User:
    return User.objects.create(username=username, role=role, organisation=organisation)


class World:
    """A city with two zones and three unions, a member or two in each, a city-wide plan."""

    def __init__(self, enrolled_on: list[date]):
        self.city = OrganisationFactory(code="CITY", kind=Organisation.Kind.CITY_FEDERATION)
        zone = OrganisationFactory(code="ZONE", kind=Organisation.Kind.ZONE_FEDERATION, parent=self.city)
        zone2 = OrganisationFactory(code="ZONE2", kind=Organisation.Kind.ZONE_FEDERATION, parent=self.city)
        self.unions = [OrganisationFactory(parent=p) for p in (zone, zone, zone2)]
        self.staff = user("city-staff", Role.FEDERATION_STAFF, self.city)
        self.plan = make_plan(self.city, by=self.staff, **OWN_SHARE)
        self.people, self.admins, self.reviewers = [], {}, {}
        for i, (union, on) in enumerate(zip(self.unions, enrolled_on, strict=True)):
            enterprise = EnterpriseFactory(union=union)
            members = [make_member(union, enterprise=enterprise) for _ in range(1 + i % 2)]
            self.admins[union.pk] = user(f"admin-{i}", Role.UNION_ADMIN, union)
            self.reviewers[union.pk] = user(f"reviewer-{i}", Role.UNION_ADMIN, union)
            services.enrolment_create(
                plan=self.plan,
                union=union,
                enterprise=enterprise,
                memberships=members,
                shares=1 + i,
                enrolled_on=on,
                by=self.admins[union.pk],
            )
            self.people += [(m.person, union) for m in members]
        self.claims: list[Claim] = []
        self.invoice = 0

    def file(self, who: int, filed_on: date, cost: int) -> None:
        person, union = self.people[who % len(self.people)]
        self.invoice += 1
        self.claims.append(
            file_claim(
                self.plan,
                person,
                by=self.admins[union.pk],
                admitted_on=None,
                discharged_on=None,
                filed_on=filed_on,
                event_on=filed_on - timedelta(days=2),
                consent_on=filed_on,
                total_cost=Decimal(cost) / 100,
                insurance_paid=Decimal(cost // 4) / 100,
                invoices=[f"INV{self.invoice:08d}"],
            )
        )

    def act(self, kind: str, which: int, gap: int) -> None:
        if not self.claims:
            return
        claim = Claim.objects.get(pk=self.claims[which % len(self.claims)].pk)
        union_admin, reviewer = self.admins[claim.union_id], self.reviewers[claim.union_id]
        if kind == "union_review":
            services.claim_move(claim=claim, to=Status.UNION_REVIEWED, by=reviewer)
        elif kind == "federation_review":
            services.claim_move(claim=claim, to=Status.FEDERATION_REVIEWED, by=self.staff)
        elif kind == "return":
            services.claim_move(claim=claim, to=Status.RETURNED, by=self.staff, note="缺出院小结")
        elif kind == "resubmit":
            services.claim_resubmit(claim=claim, by=union_admin, documents=[document("出院小结.pdf")])
        elif kind == "reject":
            by = reviewer if claim.status == Status.SUBMITTED else self.staff
            services.claim_move(claim=claim, to=Status.REJECTED, by=by, note="不属于保障范围")
        elif kind == "set_amount":
            services.claim_set_amount(claim=claim, by=self.staff)
        elif kind == "pay":
            paid_on = min(claim.filed_on + timedelta(days=gap), timezone.localdate())
            # the amount is taken as decided on the filing day, so the payment may be dated any day after
            Claim.objects.filter(pk=claim.pk).update(
                changed_at=timezone.make_aware(datetime.combine(claim.filed_on, datetime.min.time()))
            )
            services.claim_pay(claim=claim, paid_on=paid_on, reference=f"P{claim.pk}", by=self.staff)
        elif kind == "archive":
            services.claim_move(claim=claim, to=Status.ARCHIVED, by=self.staff)


# How far a claim goes as soon as it is filed (later steps may move it on).
LIVES = [
    (),
    ("union_review",),
    ("union_review", "return"),
    ("union_review", "return", "resubmit"),
    ("reject",),
    ("union_review", "federation_review"),
    ("union_review", "federation_review", "reject"),
    ("union_review", "federation_review", "set_amount"),
    ("union_review", "federation_review", "set_amount", "pay"),
    ("union_review", "federation_review", "set_amount", "pay"),
    ("union_review", "federation_review", "set_amount", "pay", "archive"),
]
step = st.tuples(
    st.sampled_from(["file"] * 3 + ["union_review", "federation_review", "set_amount", "pay", "resubmit"]),
    st.integers(0, 9),  # a person, or a claim
    st.integers(0, 700),  # a filing day after the cover starts, or days from filing to payment
    st.integers(1, 900_000),  # the cost in cents
    st.integers(0, len(LIVES) - 1),  # how far a new claim goes at once
    st.integers(0, 60),  # days from filing to payment
)


class RollupsEqualTheRawFigures(TestCase):
    @settings(
        max_examples=20,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(
        st.lists(st.dates(date(2024, 1, 1), date(2024, 12, 31)), min_size=3, max_size=3),
        st.lists(step, min_size=6, max_size=30),
    )
    def test_random_histories(self, enrolled_on, steps):
        world = World(enrolled_on)
        for kind, which, days, cost, life, wait in steps:
            try:
                if kind == "file":
                    person, _union = world.people[which % len(world.people)]
                    start = Enrolment.objects.get(person=person).covered_from
                    world.file(which, min(start + timedelta(days=2 + days), date(2025, 12, 31)), cost)
                    for move in LIVES[life]:
                        world.act(move, len(world.claims) - 1, wait)
                else:
                    world.act(kind, which, wait)
            except ValidationError:
                pass  # a move the claim's state or the plan's rules refuse
        for root in Organisation.objects.all():
            for year in YEARS:
                assert kept_figures(root, year) == raw_figures(root, year), (root.code, year)
        kept = rows(AidMonth), rows(AidPayDays)
        rollups.rebuild()
        assert (rows(AidMonth), rows(AidPayDays)) == kept


@pytest.mark.django_db
class TestEdges:
    @pytest.fixture
    def world(self, db, settings, tmp_path):
        settings.MEDIA_ROOT = tmp_path / "media"
        return World([date(2024, 1, 1)] * 3)

    def test_a_claim_for_a_december_stay_paid_in_january_counts_as_paid_in_january(self, world):
        world.file(0, date(2025, 12, 28), 1_000_000)
        for kind in ("union_review", "federation_review", "set_amount"):
            world.act(kind, 0, 0)
        world.act("pay", 0, 13)  # 2026-01-10
        claim = Claim.objects.get()
        assert claim.status == Status.PAID and claim.payment.paid_on == date(2026, 1, 10)
        city = world.city
        assert kept_figures(city, 2025)["mutual_aid_claims"] == 1
        assert kept_figures(city, 2025)["mutual_aid_claims_paid"] == 0
        in_2026 = kept_figures(city, 2026)
        assert in_2026["mutual_aid_claims_paid"] == 1 and in_2026["mutual_aid_claims"] == 0
        assert in_2026["mutual_aid_paid_amount"] == str(claim.amount) == "4912.50"  # (10000 − 2500) × 65.5%
        assert in_2026["mutual_aid_days_to_pay"] == 13
        chart = charts.paid_by_month(city, 2026)
        assert chart.series[0][1][0] == Decimal("4912.50") and sum(chart.series[0][1][1:]) == 0
        assert sum(charts.paid_by_month(city, 2025).series[0][1]) == 0
        for year in (2025, 2026):
            assert kept_figures(city, year) == raw_figures(city, year)

    def test_an_enrolment_counts_once_in_each_year_its_cover_overlaps(self, db, settings, tmp_path):
        settings.MEDIA_ROOT = tmp_path / "media"
        world = World([date(2024, 1, 1), date(2024, 7, 15), date(2024, 12, 31)])  # 1, 2 and 1 members
        assert [kept_figures(world.city, y)["mutual_aid_enrolments"] for y in YEARS] == [0, 4, 4, 0]
        assert set(AidMonth.objects.filter(organisation=world.city).values_list("month", "enrolments")) == {
            (date(2024, 1, 1), 1),
            (date(2024, 7, 1), 2),
            (date(2024, 12, 1), 1),
            (date(2025, 1, 1), 4),
        }

    def test_each_figure_is_one_query_however_many_rows(self, world, django_assert_num_queries):
        def queries_per_group():
            counts = []
            for group in kpis.GROUPS:
                with django_assert_num_queries(1) as captured:
                    group.compute(world.city, 2025)
                counts.append(len(captured))
            with django_assert_num_queries(1):
                charts.paid_by_month(world.city, 2025)
            return counts

        world.file(0, date(2025, 3, 2), 500_000)
        first = queries_per_group()
        for i in range(1, 9):
            world.file(i, date(2025, i, 3), 100_000 + i)
            for kind in ("union_review", "federation_review", "set_amount"):
                world.act(kind, i, 0)
            world.act("pay", i, i * 5)
        assert LedgerEntry.objects.count() == 8
        assert queries_per_group() == first == [1] * len(kpis.GROUPS)
        assert kept_figures(world.city, 2025) == raw_figures(world.city, 2025)

    def test_the_median_of_counted_days_is_the_median_of_the_days(self):
        for days in ([3], [1, 2], [1, 3], [5, 1, 1, 9], [2, 2, 7], [0, 10, 10, 11, 40]):
            counts = {d: days.count(d) for d in days}
            assert kpis.median_of(list(counts.items())) == statistics.median(days)
        assert kpis.median_of([]) is None and kpis.median_of([(4, 0)]) is None
