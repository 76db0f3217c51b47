from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from gonghui.contests import kpis, rollups, services, talent
from gonghui.contests.models import (
    ContestMonth,
    Event,
    EventHistory,
    Flag,
    Registration,
    Result,
    Score,
    ScoreChange,
)
from gonghui.contests.tests.factories import (
    criteria,
    make_contest,
    make_user,
    score_all,
)
from gonghui.core import registry
from gonghui.core.models import AuditLog
from gonghui.core.roles import Role
from gonghui.core.scope import NotInScope
from gonghui.members.tests.factories import make_member
from gonghui.orgs.tests.factories import EnterpriseFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def message(excinfo, field):
    return " ".join(excinfo.value.message_dict[field])


# --- contests ---


def test_a_contest_is_created_by_staff_of_its_organiser_and_audited(zone, officer):
    contest = make_contest(zone, by=officer)
    assert list(contest.organisers.all()) == [zone]
    assert AuditLog.objects.filter(action="contest.create", object_id=str(contest.pk)).exists()


def test_contest_bad_input_names_the_field(zone, officer):
    with pytest.raises(ValidationError) as excinfo:
        services.contest_create(
            title="竞赛", year=2024, level="zone", held_on=date(2025, 1, 3), organisers=[zone], by=officer
        )
    assert "2024年度" in message(excinfo, "held_on")
    with pytest.raises(ValidationError) as excinfo:
        services.contest_create(
            title="竞赛", year=2024, level="zone", held_on=date(2024, 1, 3), organisers=[], by=officer
        )
    assert "主办单位" in message(excinfo, "organisers")
    with pytest.raises(ValidationError) as excinfo:
        services.contest_create(
            title="竞赛", year=2024, level="galaxy", held_on=date(2024, 1, 3), organisers=[zone], by=officer
        )
    assert "level" in excinfo.value.message_dict
    assert not AuditLog.objects.filter(action="contest.create").exists()


def test_union_admins_and_other_zones_cannot_run_a_contest(zone, officer, admin_a):
    with pytest.raises(NotInScope):
        make_contest(zone, by=admin_a)
    other = OrganisationFactory(code="ZONE9", kind="zone_federation", parent=zone.parent)
    with pytest.raises(NotInScope):
        make_contest(zone, by=make_user("z9", Role.FEDERATION_STAFF, other))


def test_the_scheme_is_refused_with_reasons(event, officer):
    with pytest.raises(ValidationError) as excinfo:
        services.part_add(event=event, name="附加", weight=Decimal(10), by=officer)
    assert "不能超过100" in message(excinfo, "weight")
    part = event.parts.get(name="实操")
    with pytest.raises(ValidationError) as excinfo:
        services.criterion_add(
            part=part, name="观察", kind="judgement", max_mark=10, levels=["a", "b"], by=officer
        )
    assert "0、1、2、3" in message(excinfo, "levels")
    with pytest.raises(ValidationError) as excinfo:
        services.criterion_add(
            part=part,
            name="限时",
            kind="time",
            max_mark=10,
            standard_seconds=60,
            limit_seconds=30,
            by=officer,
        )
    assert "最长用时" in message(excinfo, "limit_seconds")
    with pytest.raises(ValidationError) as excinfo:
        services.event_set_rules(
            event=event,
            tie_break=["part:笔试"],
            award_basis="count",
            first=1,
            second=1,
            third=1,
            merit=0,
            by=officer,
        )
    assert "笔试" in message(excinfo, "tie_break")
    with pytest.raises(ValidationError) as excinfo:
        services.event_set_rules(
            event=event,
            tie_break=[],
            award_basis="count",
            first="1.5",
            second=1,
            third=1,
            merit=0,
            by=officer,
        )
    assert "整数" in message(excinfo, "first")


# --- registration ---


def test_union_admin_registers_a_member_and_a_worker_registers_themself(
    event, admin_a, member_a, worker, union_a
):
    other = make_member(union_a, enterprise=member_a.enterprise)
    mine = services.registration_create(event=event, person=worker.person, by=worker)
    theirs = services.registration_create(event=event, person=other.person, by=admin_a)
    assert (mine.number, theirs.number) == (1, 2)
    assert mine.enterprise == member_a.enterprise and mine.union == union_a
    assert AuditLog.objects.get(action="contest.register", object_id=str(mine.pk)).detail["self"] is True
    stranger = make_member(union_a)
    with pytest.raises(NotInScope):
        services.registration_create(event=event, person=stranger.person, by=worker)


def test_registering_twice_is_refused_by_a_message_and_by_the_database(event, admin_a, member_a):
    first = services.registration_create(event=event, person=member_a.person, by=admin_a)
    with pytest.raises(ValidationError) as excinfo:
        services.registration_create(event=event, person=member_a.person, by=admin_a)
    assert "不能重复报名" in message(excinfo, "person")
    with pytest.raises(IntegrityError), transaction.atomic():
        Registration.objects.create(
            event=event,
            person=first.person,
            membership=first.membership,
            union=first.union,
            enterprise=first.enterprise,
            number=99,
        )
    assert Registration.objects.count() == 1


def test_another_unions_admin_cannot_register_my_member(event, admin_b, member_a):
    with pytest.raises(NotInScope):
        services.registration_create(event=event, person=member_a.person, by=admin_b)
    assert not Registration.objects.exists()


def test_eligibility_member_on_the_contest_date_and_employer_in_scope(
    event, officer, union_a, union_b, admin_a
):
    late = make_member(union_a, started_on=date(2024, 6, 1), enterprise=EnterpriseFactory(union=union_a))
    with pytest.raises(ValidationError) as excinfo:
        services.registration_create(event=event, person=late.person, by=admin_a)
    assert "2024-05-20" in message(excinfo, "person")
    # an enterprise-level contest of union A: a member of union B is outside the organisers' scope
    own = make_contest(union_a, by=officer, level="enterprise", title="岗位练兵")
    small = services.event_create(contest=own, name="电芯目检", by=officer)
    member_b = make_member(union_b, enterprise=EnterpriseFactory(union=union_b))
    with pytest.raises(ValidationError) as excinfo:
        services.registration_create(event=small, person=member_b.person, by=officer)
    assert "不在主办单位范围内" in message(excinfo, "person")
    assert not AuditLog.objects.filter(action="contest.register").exists()


# --- judging ---


@pytest.fixture
def entered(event, admin_a, union_a, member_a):
    second = make_member(union_a, name="周明", enterprise=member_a.enterprise)
    return [
        services.registration_create(event=event, person=m.person, by=admin_a) for m in (member_a, second)
    ]


def test_a_judge_from_the_competitors_enterprise_is_refused(event, officer, entered):
    colleague = services.judge_add(event=event, name="钱工", enterprise=entered[0].enterprise, by=officer)
    with pytest.raises(ValidationError) as excinfo:
        services.score_record(
            registration=entered[0],
            criterion=criteria(event)["安全检查"],
            judge=colleague,
            value=0,
            by=officer,
        )
    assert "须回避" in message(excinfo, "judge")
    assert not Score.objects.exists()


def test_scores_out_of_range_or_from_outsiders_are_refused(event, panel, entered, officer):
    c = criteria(event)
    with pytest.raises(ValidationError) as excinfo:
        services.score_record(
            registration=entered[0], criterion=c["操作规范"], judge=panel[0], value=4, by=panel[0].user
        )
    assert "0–3" in message(excinfo, "value")
    with pytest.raises(ValidationError) as excinfo:
        services.score_record(
            registration=entered[0], criterion=c["用时"], judge=panel[0], value="快", by=panel[0].user
        )
    assert "用时应为数字" in message(excinfo, "value")
    with pytest.raises(NotInScope):  # someone else's judge account
        services.score_record(
            registration=entered[0], criterion=c["用时"], judge=panel[0], value=1, by=panel[1].user
        )
    with pytest.raises(NotInScope):  # staff may transcribe only for a judge without an account
        services.score_record(
            registration=entered[0], criterion=c["用时"], judge=panel[0], value=1, by=officer
        )
    with pytest.raises(ValidationError) as excinfo:
        services.score_record(
            registration=entered[0], criterion=c["用时"], judge=panel[3], value=1, by=panel[3].user
        )
    assert "监督" in message(excinfo, "judge")
    assert not Score.objects.exists() and not AuditLog.objects.filter(action="contest.score").exists()


def test_a_change_needs_a_reason_and_is_kept_in_the_history(event, panel, entered):
    c = criteria(event)["理论考试"]
    judge = panel[0]
    services.score_record(registration=entered[0], criterion=c, judge=judge, value=5, by=judge.user)
    with pytest.raises(ValidationError) as excinfo:
        services.score_record(registration=entered[0], criterion=c, judge=judge, value=3, by=judge.user)
    assert "原因" in message(excinfo, "reason")
    score = services.score_record(
        registration=entered[0], criterion=c, judge=judge, value=3, by=judge.user, reason="复核试卷"
    )
    assert score.mark == Decimal("97.00")
    assert list(ScoreChange.objects.values_list("old_value", "new_value", "reason")) == [
        (None, Decimal(5), ""),
        (Decimal(5), Decimal(3), "复核试卷"),
    ]


def test_a_disagreement_of_more_than_one_level_is_flagged_and_resolved_by_a_re_score(event, panel, entered):
    c = criteria(event)["操作规范"]
    one, two = panel[0], panel[1]
    services.score_record(registration=entered[0], criterion=c, judge=one, value=3, by=one.user)
    services.score_record(registration=entered[0], criterion=c, judge=two, value=1, by=two.user)
    flag = Flag.objects.get(resolved_at__isnull=True)
    assert flag.spread == 2
    with pytest.raises(ValidationError) as excinfo:
        services.score_record(registration=entered[0], criterion=c, judge=two, value=1, by=two.user)
    assert "原因" in message(excinfo, "reason")
    services.score_record(
        registration=entered[0], criterion=c, judge=two, value=2, by=two.user, reason="复看录像"
    )
    flag.refresh_from_db()
    assert flag.resolved_by == two.user and flag.resolution == "复看录像"
    assert AuditLog.objects.filter(action="contest.score", detail__flagged=True).count() == 1


def test_lock_needs_both_sign_offs_then_changes_need_a_re_open(event, panel, entered, officer):
    score_all(entered[0], panel, wrong=5, levels=(3, 3), seconds=280)
    chief, supervisor = panel[2].user, panel[3].user
    with pytest.raises(ValidationError) as excinfo:
        services.event_sign_off(event=event, by=chief)
    assert "还有4项评分未录入" in message(excinfo, "reason")
    score_all(entered[1], panel, wrong=10, levels=(2, 3), seconds=320)
    with pytest.raises(NotInScope):
        services.event_sign_off(event=event, by=panel[0].user)
    services.event_sign_off(event=event, by=chief)
    with pytest.raises(ValidationError) as excinfo:
        services.event_sign_off(event=event, by=chief)
    assert "裁判长已签字" in message(excinfo, "reason")
    event.refresh_from_db()
    assert not event.is_locked
    services.event_sign_off(event=event, by=supervisor)
    event.refresh_from_db()
    assert event.is_locked
    results = {r.registration_id: r for r in Result.objects.all()}
    assert (results[entered[0].pk].place, results[entered[0].pk].award) == (1, "first")
    assert (results[entered[1].pk].place, results[entered[1].pk].award) == (2, "second")
    assert results[entered[0].pk].total == Decimal("98.50")  # 95 × 30% + 100 × 70%

    c = criteria(event)["理论考试"]
    with pytest.raises(ValidationError) as excinfo:
        services.score_record(
            registration=entered[0], criterion=c, judge=panel[0], value=0, by=panel[0].user, reason="x"
        )
    assert "已锁定" in message(excinfo, "value")
    with pytest.raises(ValidationError) as excinfo:
        services.event_reopen(event=event, reason=" ", by=officer)
    assert "原因" in message(excinfo, "reason")
    services.event_reopen(event=event, reason="选手申诉，复核理论试卷", by=officer)
    event.refresh_from_db()
    assert (event.status, event.round) == ("open", 2) and not Result.objects.exists()
    assert list(EventHistory.objects.values_list("to_state", "note")) == [
        ("locked", ""),
        ("open", "选手申诉，复核理论试卷"),
    ]
    services.score_record(
        registration=entered[1], criterion=c, judge=panel[0], value=0, by=panel[0].user, reason="复核"
    )
    services.event_sign_off(event=event, by=supervisor)
    services.event_sign_off(event=event, by=chief)
    assert Event.objects.get(pk=event.pk).is_locked and Result.objects.count() == 2


def test_one_person_cannot_be_both_chief_and_supervisor(event, officer):
    user = make_user("both")
    services.judge_add(event=event, user=user, capacity="chief", by=officer)
    with pytest.raises(ValidationError) as excinfo:
        services.judge_add(event=event, user=user, capacity="supervisor", by=officer)
    assert "已是本项目的裁判" in message(excinfo, "user")
    with pytest.raises(ValidationError) as excinfo:
        services.judge_add(event=event, user=make_user("second-chief"), capacity="chief", by=officer)
    assert "已有裁判长" in message(excinfo, "capacity")


def test_ties_share_a_place_and_publish_needs_the_lock(
    event, panel, entered, officer, union_a, admin_a, member_a
):
    third = services.registration_create(
        event=event, person=make_member(union_a, enterprise=member_a.enterprise).person, by=admin_a
    )
    for registration in (*entered, third):
        score_all(registration, panel, wrong=5, levels=(3, 3), seconds=280)
    with pytest.raises(ValidationError) as excinfo:
        services.event_publish(event=event, by=officer)
    assert "锁定后" in message(excinfo, "reason")
    services.event_sign_off(event=event, by=panel[2].user)
    services.event_sign_off(event=event, by=panel[3].user)
    assert sorted(Result.objects.values_list("place", "award")) == [(1, "first")] * 3
    services.event_publish(event=event, by=officer)
    assert Event.objects.get(pk=event.pk).is_published


def test_a_shared_place_counts_each_competitor_sharing_it(
    event, panel, entered, officer, zone, union_a, union_b, enterprise_b, django_assert_num_queries
):
    """Three competitors equal to the last tie-break share first place: three award person-times,
    each counted in the subtree of their own union; the contest once."""
    other = services.registration_create(
        event=event, person=make_member(union_b, enterprise=enterprise_b).person, by=officer
    )
    for registration in (*entered, other):
        score_all(registration, panel, wrong=5, levels=(3, 3), seconds=280)
    services.event_sign_off(event=event, by=panel[2].user)
    services.event_sign_off(event=event, by=panel[3].user)
    assert sorted(Result.objects.values_list("place", "award")) == [(1, "first")] * 3
    with django_assert_num_queries(3):
        figures = (
            kpis.contests(zone, 2024)
            | registry.kpis["contests.participants"].compute(zone, 2024)
            | registry.kpis["contests.awards"].compute(zone, 2024)
        )
    assert figures == {
        "contests": {"value": 1, "previous": 0},
        "contest_participants": {"value": 3, "previous": 0},
        "contest_awards": {"value": 3, "previous": 0},
    }
    assert registry.kpis["contests.awards"].compute(union_a, 2024)["contest_awards"]["value"] == 2
    assert registry.kpis["contests.awards"].compute(union_b, 2024)["contest_awards"]["value"] == 1
    assert kpis.contests(union_a, 2024)["contests"]["value"] == 0  # organised by the zone


def raw_figures(root, year: int) -> dict:
    """The competitors and award winners of the year's contests, from the registrations and results."""

    def of(y):
        registrations = Registration.objects.filter(union__path__startswith=root.path, event__contest__year=y)
        won = Result.objects.filter(
            registration__in=registrations, event__status=Event.Status.LOCKED
        ).exclude(award="")
        return registrations.count(), won.count()

    (p, a), (pp, pa) = of(year), of(year - 1)
    return {
        "contest_participants": {"value": p, "previous": pp},
        "contest_awards": {"value": a, "previous": pa},
    }


def kept_rows() -> set:
    return {
        r
        for r in ContestMonth.objects.values_list("organisation_id", "month", "participants", "awards")
        if any(r[2:])
    }


def test_the_rollup_follows_registration_lock_and_reopen_and_equals_a_rebuild(
    event, panel, entered, officer, zone, union_a
):
    def check():
        for root in (zone.parent, zone, union_a):
            assert registry.kpis["contests.participants"].compute(root, 2024) | registry.kpis[
                "contests.awards"
            ].compute(root, 2024) == raw_figures(root, 2024)

    check()
    for registration in entered:
        score_all(registration, panel)
    services.event_sign_off(event=event, by=panel[2].user)
    services.event_sign_off(event=event, by=panel[3].user)
    check()
    assert registry.kpis["contests.awards"].compute(zone.parent, 2024)["contest_awards"]["value"] == 2
    services.event_reopen(event=event, reason="选手申诉，复核理论试卷", by=officer)
    check()
    assert registry.kpis["contests.awards"].compute(zone, 2024)["contest_awards"]["value"] == 0
    kept = kept_rows()
    rollups.rebuild()
    assert kept_rows() == kept and ContestMonth.objects.get(organisation=zone).month == date(2024, 5, 1)


def test_kpis_and_talent_evidence(event, panel, entered, zone, officer):
    for registration in entered:
        score_all(registration, panel)
    services.event_sign_off(event=event, by=panel[2].user)
    services.event_sign_off(event=event, by=panel[3].user)
    figures = (
        kpis.contests(zone, 2024)
        | registry.kpis["contests.participants"].compute(zone, 2024)
        | registry.kpis["contests.awards"].compute(zone, 2024)
    )
    assert figures == {
        "contests": {"value": 1, "previous": 0},
        "contest_participants": {"value": 2, "previous": 0},
        "contest_awards": {"value": 2, "previous": 0},
    }
    assert talent.evidence(entered[0].person) == []  # not before the ranking is published
    services.event_publish(event=event, by=officer)
    (entry,) = talent.evidence(entered[0].person)
    assert (entry.kind, entry.level, entry.place, entry.craft) == ("contests.result", "zone", 1, "叉车")
    assert "一等奖" in entry.title and entry.ref == f"contests.result:{entered[0].result.pk}"
