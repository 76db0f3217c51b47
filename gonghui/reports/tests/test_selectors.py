"""The KPIs computed on a small world built by hand, every figure checked, edges included."""

from datetime import date
from decimal import Decimal

import pytest

from gonghui.activities import services as act
from gonghui.activities.models import Activity
from gonghui.core import registry
from gonghui.members.services import member_leave, member_transfer
from gonghui.members.tests.factories import make_member
from gonghui.orgs.models import Organisation
from gonghui.orgs.services import organisation_dissolve
from gonghui.orgs.tests.factories import EnterpriseFactory, OrganisationFactory
from gonghui.reports.selectors import change, kpi_definitions, kpis_for, report_sentences

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(zone, union_a, union_b, admin_a, officer, city_officer):
    """ZONE (unions A, B, D, E, F, G, H) and, beside it under CITY, OTHER with union C."""
    city = zone.parent
    other = OrganisationFactory(code="OTHER", kind=Organisation.Kind.ZONE_FEDERATION, parent=city)
    union_c = OrganisationFactory(code="UC", parent=other)
    union_d = OrganisationFactory(code="UD", parent=zone, established_on=date(2023, 5, 1))
    union_e = OrganisationFactory(code="UE", parent=zone, established_on=date(2024, 3, 1))
    union_f = OrganisationFactory(code="UF", parent=zone, established_on=date(2010, 1, 1))
    OrganisationFactory(  # founded and dissolved in 2024: new that year, not standing at its end
        code="UG", parent=zone, established_on=date(2024, 2, 1), dissolved_on=date(2024, 9, 1)
    )
    OrganisationFactory(code="UH", parent=zone, established_on=date(2025, 1, 1))  # not yet

    p = {}
    p[1] = make_member(union_a, started_on=date(2020, 1, 1))
    p[2] = make_member(union_a, started_on=date(2024, 2, 1))  # new in 2024
    p[3] = make_member(union_a, started_on=date(2020, 1, 1))
    member_transfer(membership=p[3], to_union=union_b, on=date(2024, 5, 1), by=admin_a)  # inside ZONE
    p[4] = make_member(union_c, started_on=date(2019, 1, 1))
    # between zones: by the city's officers, not by either zone's
    p[4] = member_transfer(membership=p[4], to_union=union_a, on=date(2024, 6, 1), by=city_officer)
    p[5] = make_member(union_a, started_on=date(2021, 1, 1))
    member_transfer(membership=p[5], to_union=union_c, on=date(2024, 7, 1), by=city_officer)  # out of ZONE
    p[10] = make_member(union_a, started_on=date(2020, 1, 1))
    member_transfer(
        membership=p[10], to_union=union_c, on=date(2024, 12, 31), by=city_officer
    )  # gone by year end
    p[6] = make_member(union_a, started_on=date(2022, 1, 1))
    member_leave(membership=p[6], on=date(2024, 3, 1), by=admin_a)
    p[6] = make_member(
        union_b, id_number=p[6].person.reveal_id_number(), name=p[6].person.name, started_on=date(2024, 8, 1)
    )  # left and rejoined elsewhere in ZONE
    p[7] = make_member(union_a, started_on=date(2024, 1, 10))
    member_leave(membership=p[7], on=date(2024, 2, 10), by=admin_a)
    p[7] = make_member(
        union_a, id_number=p[7].person.reveal_id_number(), name=p[7].person.name, started_on=date(2024, 4, 1)
    )  # joined, left and rejoined in the same year
    p[8] = make_member(union_d, started_on=date(2023, 6, 1))  # new in 2023
    p[9] = make_member(union_f, started_on=date(2018, 1, 1))
    member_leave(membership=p[9], on=date(2024, 6, 30), by=officer)
    organisation_dissolve(organisation=union_f, on=date(2024, 6, 30), by=officer)  # dissolved mid-year

    EnterpriseFactory(is_key=True, headcount=20, union=union_a)  # target, covered
    EnterpriseFactory(headcount=150, federation=zone)  # target, no union
    EnterpriseFactory(headcount=50, union=union_b)  # in no category: not a target
    EnterpriseFactory(is_new_employment_form=True, headcount=30, union=union_e)  # covered from 2024
    EnterpriseFactory(is_key=True, headcount=10, federation=zone, founded_on=date(2024, 5, 1))  # from 2024
    EnterpriseFactory(is_key=True, headcount=10, union=union_f)  # covered 2023, union gone in 2024
    EnterpriseFactory(is_key=True, union=union_c)  # another zone's
    EnterpriseFactory(headcount=100, federation=zone)  # exactly 100: a target

    def held(organiser, kind, on, attendees, registered_extra=(), by=officer):
        activity = act.activity_create(organiser=organiser, kind=kind, title=f"{kind}{on}", held_on=on, by=by)
        regs = [act.activity_register(activity=activity, person=m.person, by=by) for m in attendees]
        for m in registered_extra:
            act.activity_register(activity=activity, person=m.person, by=by)
        return act.activity_record_attendance(activity=activity, attended=[r.pk for r in regs], by=by)

    held(union_a, Activity.Kind.LECTURE, date(2024, 3, 1), [p[1], p[2]], registered_extra=[p[4]])
    held(union_a, Activity.Kind.STUDY_SESSION, date(2024, 4, 1), [p[1]])
    held(union_a, Activity.Kind.OUTING, date(2024, 7, 1), [p[2], p[7]])
    cancelled = act.activity_create(
        organiser=union_a, kind=Activity.Kind.LECTURE, title="取消", held_on=date(2024, 5, 1), by=officer
    )
    act.activity_cancel(activity=cancelled, by=officer)
    act.activity_create(  # never recorded as held
        organiser=union_a, kind=Activity.Kind.LECTURE, title="未举办", held_on=date(2024, 6, 1), by=officer
    )
    held(zone, Activity.Kind.LECTURE, date(2023, 11, 1), [p[3]])
    held(union_c, Activity.Kind.LECTURE, date(2024, 5, 5), [p[5]], by=city_officer)  # the other zone's

    def welfare(on, members, sign=True):
        d = act.welfare_create(
            union=union_a,
            title=f"福利{on}",
            occasion="holiday",
            distributed_on=on,
            item="月饼",
            amount=Decimal("150.00"),
            by=admin_a,
        )
        for m in members:
            act.welfare_add_recipient(distribution=d, person=m.person, by=admin_a)
        if sign:
            act.welfare_sign_off(distribution=d, by=officer)

    welfare(date(2024, 9, 15), [p[1], p[2], p[4]])
    welfare(date(2024, 10, 1), [p[1]], sign=False)  # not signed off: does not count
    welfare(date(2023, 12, 20), [p[5], p[3]])
    return {"city": city, "zone": zone, "union_a": union_a}


# this world has no legal cases
LEGAL_NONE = dict.fromkeys(
    ("lawyers", "legal_consultations", "legal_aid_cases", "disputes", "disputes_to_arbitration"), 0
)
LEGAL_NONE |= {"mediation_success_rate": None, "mediations_within_limit": None}
NO_HONOURS = {level: {"labour_model": 0, "may_day_medal": 0} for level in ("national", "provincial", "city")}


def values(figures, when="value"):
    return {key: figure[when] for key, figure in figures.items()}


NO_HOMES_OR_EVENTS = dict.fromkeys(
    ("worker_homes", "worker_homes_demonstration", "events", "event_attendees"), 0
)


def test_zone_figures_for_2024_and_2023(world):
    figures = kpis_for(world["zone"], 2024)
    assert list(figures) == list(kpi_definitions())
    assert (
        values(figures)
        == {
            "unions_total": 4,  # A, B, D, E (F dissolved mid-year, G founded and dissolved, H not yet)
            "unions_new": 2,  # E, G
            "members_total": 7,  # 1, 2, 3 (now B), 4 (came in), 6 (rejoined), 7, 8 — not 5, 10 (left ZONE), 9 (left)
            "members_new": 4,  # 2, 4 (transfer from outside), 6 (rejoined), 7 (once) — not 3 (inside transfer)
            "target_enterprises": 6,
            "target_enterprises_covered": 2,
            "coverage_rate": 33.3,
            "lectures": 2,  # not the cancelled one, the unheld one, or the other zone's
            "activities": 3,
            "activity_attendees": 5,  # 2 + 1 + 2 who signed in; the registered absentee does not count
            "welfare_recipients": 3,  # the draft distribution does not count
            **NO_HOMES_OR_EVENTS,
            "contests": 0,
            "contest_participants": 0,
            "contest_awards": 0,
            "training_sessions_offline": 0,  # the academy's figures: gonghui/academy/tests/test_kpis.py
            "training_courses_online": 0,
            "training_hours": 0,
            "trainee_person_times": 0,
            "trainee_enterprises": 0,
            **LEGAL_NONE,
            "mutual_aid_enrolments": 0,
            "mutual_aid_claims": 0,
            "mutual_aid_claims_paid": 0,
            "mutual_aid_paid_amount": "0.00",
            "mutual_aid_days_to_pay": None,
            "honours_5y": NO_HONOURS,
        }
    )
    assert values(figures, "previous") == {
        "unions_total": 4,  # A, B, D, F
        "unions_new": 1,  # D
        "members_total": 7,  # 1, 3, 5, 6, 8, 9, 10
        "members_new": 1,  # 8
        "target_enterprises": 5,  # not yet the one founded in 2024
        "target_enterprises_covered": 2,  # A's and F's
        "coverage_rate": 40.0,
        "lectures": 1,  # the zone's own
        "activities": 1,
        "activity_attendees": 1,
        "welfare_recipients": 2,
        **NO_HOMES_OR_EVENTS,
        "contests": 0,
        "contest_participants": 0,
        "contest_awards": 0,
        "training_sessions_offline": 0,  # the academy's figures: gonghui/academy/tests/test_kpis.py
        "training_courses_online": 0,
        "training_hours": 0,
        "trainee_person_times": 0,
        "trainee_enterprises": 0,
        **LEGAL_NONE,
        "mutual_aid_enrolments": 0,
        "mutual_aid_claims": 0,
        "mutual_aid_claims_paid": 0,
        "mutual_aid_paid_amount": "0.00",
        "mutual_aid_days_to_pay": None,
        "honours_5y": NO_HONOURS,
    }


def test_a_transfer_between_zones_is_not_new_to_the_city(world):
    figures = values(kpis_for(world["city"], 2024))
    assert figures["members_new"] == 3  # 2, 6, 7: 4 came from inside the city
    assert figures["members_total"] == 9  # 5 and 10 are still members, in the other zone
    assert figures["unions_total"] == 5  # C counts too
    assert figures["lectures"] == 3


def test_a_union_as_root(world):
    figures = kpis_for(world["union_a"], 2024)
    assert figures["unions_total"] == {"value": 1, "previous": 1}
    assert figures["members_new"] == {"value": 3, "previous": 0}  # 2, 4, 7; 3 moved out, 6 rejoined in B
    assert figures["members_total"] == {"value": 4, "previous": 5}  # 1, 2, 4, 7 / 1, 3, 5, 6, 10
    assert figures["lectures"] == {"value": 2, "previous": 0}


KPI_QUERIES = 9  # the roll-up totals of every group in one statement; 8 groups of raw rows, one each


def test_the_report_costs_the_same_queries_whatever_the_size(world, django_assert_num_queries):
    assert len([group for group in registry.kpis if not group.totals]) == KPI_QUERIES - 1
    for root in (world["zone"], world["union_a"]):
        with django_assert_num_queries(KPI_QUERIES):  # both years at once
            kpis_for(root, 2024)


def test_an_empty_subtree_has_zeros_and_no_rate(zone):
    figures = kpis_for(zone, 2024)
    assert figures["coverage_rate"] == {"value": None, "previous": None}
    assert figures["unions_total"] == {"value": 0, "previous": 0}
    assert change(figures["coverage_rate"]) is None


def test_the_sentences(world):
    sentences = report_sentences(world["zone"], kpis_for(world["zone"], 2024))
    assert sentences[0].startswith("全区共有企业工会4家，较去年新增2家，新增工会会员4人；年末在册会员7人")
    assert "覆盖率33.3%" in sentences[1]
    assert "宣讲会和专题学习会2场" in sentences[2]


def test_every_kpi_has_its_definition():
    for kpi in kpi_definitions().values():
        assert str(kpi.label) and len(str(kpi.definition)) > 10
