"""The clock at its edges: weekends and holidays at the end of a period, pauses over them, working
days, extensions, stopped clocks. 2024: National Day 1–7 October, 29 September (a Sunday) worked."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from gonghui.legal import clocks
from gonghui.legal.models import Clock, Unit
from gonghui.legal.tests.factories import advance, make_aid, make_dispute

D, W = Unit.DAYS, Unit.WORKDAYS
pytestmark = pytest.mark.django_db  # the working-day calendar reads officers' corrections


def due(unit, start, length, pauses=(), extension=0, today=date(2024, 12, 31)):
    return clocks.compute_due(
        unit=unit, started_on=start, length=length, extension=extension, pauses=list(pauses), today=today
    )


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        (date(2024, 3, 4), date(2024, 3, 11)),  # Monday + 7 = Monday
        (date(2024, 3, 2), date(2024, 3, 11)),  # ends on Saturday 9 March: the next working day
        (date(2024, 9, 26), date(2024, 10, 8)),  # ends on 3 October, a holiday: after the holiday
    ],
)
def test_a_period_in_days_ends_on_a_working_day(start, expected):
    assert due(D, start, 7) == expected


def test_the_day_of_the_event_is_not_counted():
    assert due(D, date(2024, 3, 4), 1) == date(2024, 3, 5)


def test_working_days_skip_the_holiday_and_count_the_make_up_sunday():
    # received Friday 27 September: Sunday 29 (worked), Monday 30, then Tuesday 8 October
    assert due(W, date(2024, 9, 27), 3) == date(2024, 10, 8)


def test_a_pause_over_a_weekend_adds_the_paused_days():
    # paused Wednesday 6 to Monday 11 March: 5 days; 4 + 12 = Saturday 16 → Monday 18
    assert due(D, date(2024, 3, 4), 7, [(date(2024, 3, 6), date(2024, 3, 11))]) == date(2024, 3, 18)


def test_a_pause_over_the_holiday_counts_only_its_working_days():
    # 26 September to 8 October holds 4 working days (27, 29, 30 September, 8 October)
    assert due(W, date(2024, 9, 25), 3, [(date(2024, 9, 26), date(2024, 10, 8))]) == date(2024, 10, 10)


def test_an_open_pause_counts_up_to_today():
    assert due(D, date(2024, 3, 4), 7, [(date(2024, 3, 6), None)], today=date(2024, 3, 8)) == date(
        2024, 3, 13
    )


def test_an_extension_lengthens_the_period():
    assert due(D, date(2024, 5, 6), 15) == date(2024, 5, 21)
    assert due(D, date(2024, 5, 6), 15, extension=15) == date(2024, 6, 5)


@pytest.fixture
def aid(zone, officer, member_a):
    return make_aid(zone, member_a.person, by=officer, applied_on=date(2024, 3, 4))


@pytest.fixture
def dispute(zone, officer, member_a):
    return make_dispute(zone, member_a.person, by=officer, received_on=date(2024, 5, 6))


def review(case) -> Clock:
    return case.clocks.get(limit=Clock.Limit.AID_REVIEW)


def test_a_running_clock_reads_days_left_then_overdue(aid):
    clock = review(aid)
    assert clock.due_on == date(2024, 3, 11)
    assert clocks.read(clock, date(2024, 3, 9)).text == "剩2日"
    assert clocks.read(clock, date(2024, 3, 11)).text == "今日届满"
    reading = clocks.read(clock, date(2024, 3, 14))
    assert (reading.text, reading.overdue, reading.css) == ("超期3日", True, "overdue")
    assert clocks.read(clock, date(2024, 3, 10)).css == "near"


def test_a_request_for_material_pauses_the_review_until_it_arrives(aid, officer):
    advance(aid, "aid.request_material", by=officer, on=date(2024, 3, 6), note="工资条、劳动合同")
    reading = clocks.read(review(aid), date(2024, 3, 20))
    assert (reading.state, reading.text, reading.overdue) == ("paused", "已中止（剩5日）", False)
    assert reading.due == date(2024, 3, 25)  # 20 March + the 5 days left
    advance(aid, "aid.material_received", by=officer, on=date(2024, 3, 11))
    assert review(aid).due_on == date(2024, 3, 18)
    assert clocks.read(review(aid), date(2024, 3, 16)).text == "剩2日"


def test_a_stopped_clock_reads_on_time_or_late(aid, officer):
    advance(aid, "aid.grant", by=officer, on=date(2024, 3, 8))
    assert clocks.read(review(aid), date(2024, 12, 31)).text == "按期完成"
    assign = aid.clocks.get(limit=Clock.Limit.AID_ASSIGN)
    assert (assign.started_on, assign.due_on) == (date(2024, 3, 8), date(2024, 3, 11))


def test_a_decision_after_the_limit_reads_late(zone, officer, member_a):
    late = make_aid(zone, member_a.person, by=officer, applied_on=date(2024, 3, 4))
    advance(late, "aid.refuse", by=officer, on=date(2024, 3, 14), note="不符合经济困难标准")
    assert clocks.read(review(late)).text == "超期3日完成"


def test_the_mediation_clock_extends_once_up_to_fifteen_days(dispute, officer):
    advance(dispute, "dispute.extend", by=officer, on=date(2024, 5, 20), days=10)
    mediation = dispute.clocks.get(limit=Clock.Limit.MEDIATION)
    assert (mediation.extension, mediation.due_on) == (10, date(2024, 5, 31))
    with pytest.raises(ValidationError) as refused:
        advance(dispute, "dispute.extend", by=officer, on=date(2024, 5, 21), days=6)
    assert "延长天数须为1至5日" in str(refused.value.message_dict["days"])
    assert dispute.clocks.get(limit=Clock.Limit.MEDIATION).extension == 10


def test_a_pause_after_the_limit_is_refused(aid, officer):
    with pytest.raises(ValidationError) as refused:
        advance(aid, "aid.request_material", by=officer, on=date(2024, 3, 12), note="身份证明")
    assert "期限已于2024-03-11届满" in str(refused.value.message_dict["on"])
    assert not review(aid).pauses.exists()


def test_the_list_shows_the_running_clock_due_first(dispute, officer):
    reading = clocks.current(dispute.clocks.all(), date(2024, 5, 8))
    assert (reading.limit.key, reading.text) == ("dispute_accept", "剩1工作日")
    advance(dispute, "dispute.accept", by=officer, on=date(2024, 5, 7))
    reading = clocks.current(dispute.clocks.all(), date(2024, 5, 8))
    assert (reading.limit.key, reading.text) == ("mediation", "剩13日")
