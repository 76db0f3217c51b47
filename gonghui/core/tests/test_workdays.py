from datetime import date, datetime, timedelta

import pytest

from gonghui.core import workdays
from gonghui.core.calendar_services import calendar_correct, calendar_correction_remove, calendar_year_confirm
from gonghui.core.models import CalendarDay

pytestmark = pytest.mark.django_db

NOT_LOADED_2027 = "2027年节假日安排尚未录入，按周一至周五计算"


def test_a_makeup_saturday_is_a_working_day():
    assert workdays.is_workday(date(2025, 10, 11))
    assert workdays.is_workday(date(2025, 9, 28))  # a 调休 Sunday


def test_national_day_is_a_holiday():
    assert not workdays.is_workday(date(2025, 10, 1))
    assert not workdays.is_workday(date(2025, 10, 6))  # a Monday inside the week off


def test_ordinary_weeks_work_monday_to_friday():
    assert workdays.is_workday(date(2025, 10, 14))
    assert not workdays.is_workday(date(2025, 10, 18))


def test_a_correction_overrides_the_package(officer):
    calendar_correct(start=date(2025, 10, 11), end=date(2025, 10, 11), kind="holiday", by=officer)
    calendar_correct(start=date(2025, 10, 1), end=date(2025, 10, 1), kind="workday", by=officer)
    assert not workdays.is_workday(date(2025, 10, 11))
    assert workdays.is_workday(date(2025, 10, 1))

    calendar_correction_remove(day=CalendarDay.objects.get(date=date(2025, 10, 11)), by=officer)
    assert workdays.is_workday(date(2025, 10, 11))


def test_the_day_of_the_event_is_not_counted():
    friday = date(2025, 10, 17)
    assert workdays.add_working_days(friday, 0) == friday
    assert workdays.add_working_days(friday, 1) == date(2025, 10, 20)
    assert workdays.working_days_between(friday, friday) == 0
    assert workdays.working_days_between(friday, date(2025, 10, 20)) == 1


def test_add_working_days_over_the_national_day_week():
    assert workdays.add_working_days(date(2025, 9, 30), 1) == date(2025, 10, 9)
    assert workdays.add_working_days(date(2025, 9, 30), 3) == date(2025, 10, 11)
    # 法律援助 applied for on Monday 2025-09-29: seven working days end on 2025-10-15.
    assert workdays.add_working_days(date(2025, 9, 29), 7) == date(2025, 10, 15)
    # An application made during the holiday starts counting after it.
    assert workdays.add_working_days(date(2025, 10, 3), 1) == date(2025, 10, 9)
    assert workdays.add_working_days(date(2025, 9, 26), 1) == date(2025, 9, 28)


def test_working_days_between_undoes_add_working_days():
    start = date(2025, 9, 20)
    for n in range(40):
        assert workdays.working_days_between(start, workdays.add_working_days(start, n)) == n
    assert workdays.working_days_between(date(2025, 10, 15), date(2025, 10, 1)) == 0


def test_2027_is_not_loaded_and_its_answers_are_provisional():
    assert workdays.calendar_loaded(2026)
    assert not workdays.calendar_loaded(2027)
    assert workdays.loaded_years() == list(range(2004, 2027))
    assert workdays.is_workday(date(2027, 1, 1))  # a Friday: by the week, until officers enter 元旦

    applied = date(2026, 12, 28)
    due = workdays.add_working_days(applied, 7)
    assert due == date(2027, 1, 6)
    assert workdays.unloaded_years(applied, due) == [2027]
    assert workdays.provisional_warning(applied, due) == NOT_LOADED_2027
    assert workdays.provisional_warning(date(2025, 9, 29), date(2025, 10, 15)) == ""
    assert workdays.provisional_warning(date(2027, 12, 30), date(2028, 1, 5)) == (
        "2027、2028年节假日安排尚未录入，按周一至周五计算"
    )


def test_officers_load_a_year_by_entering_and_confirming_it(officer):
    calendar_correct(start=date(2027, 1, 1), end=date(2027, 1, 3), kind="holiday", name="元旦", by=officer)
    assert not workdays.is_workday(date(2027, 1, 1))
    assert not workdays.calendar_loaded(2027)  # entered in part: still provisional

    calendar_year_confirm(year=2027, by=officer)
    assert workdays.calendar_loaded(2027)
    assert workdays.loaded_years()[-1] == 2027
    assert workdays.provisional_warning(date(2026, 12, 28), date(2027, 1, 7)) == ""


def test_a_datetime_is_refused_rather_than_missing_every_holiday():
    with pytest.raises(TypeError):
        workdays.is_workday(datetime(2025, 10, 1, 9, 0))
    with pytest.raises(TypeError):
        workdays.add_working_days(datetime(2025, 10, 1, 9, 0), 1)
    with pytest.raises(ValueError):
        workdays.add_working_days(date(2025, 10, 1), -1)


def test_many_clocks_read_the_corrections_once(officer, django_assert_num_queries):
    calendar_correct(start=date(2027, 2, 5), end=date(2027, 2, 13), kind="holiday", name="春节", by=officer)
    calendar_correct(start=date(2027, 2, 14), end=date(2027, 2, 14), kind="workday", by=officer)
    applications = [date(2025, 1, 1) + timedelta(days=i) for i in range(1000)]  # into 2027
    with django_assert_num_queries(2):  # the corrections; the years officers confirmed
        clocks = [
            (
                workdays.add_working_days(applied, 7),
                workdays.working_days_between(applied, date(2027, 3, 1)),
                workdays.provisional_warning(applied, workdays.add_working_days(applied, 15)),
            )
            for applied in applications
        ]
    assert sum(1 for _, _, warning in clocks if warning) > 0
    with django_assert_num_queries(0):
        assert workdays.add_working_days(date(2027, 2, 4), 1) == date(2027, 2, 14)


def test_a_change_in_another_process_is_read_within_the_refresh_interval(officer, monkeypatch):
    now = 1000.0
    monkeypatch.setattr(workdays.time, "monotonic", lambda: now)
    assert workdays.is_workday(date(2025, 10, 14))
    CalendarDay.objects.create(date=date(2025, 10, 14), kind="holiday", changed_by=officer)
    assert workdays.is_workday(date(2025, 10, 14))  # this process has not been told
    now += workdays.REFRESH_SECONDS
    assert not workdays.is_workday(date(2025, 10, 14))


def test_year_entries_mark_their_source(officer):
    calendar_correct(
        start=date(2025, 10, 11), end=date(2025, 10, 11), kind="holiday", note="测试", by=officer
    )
    entries = {e.date: e for e in workdays.year_entries(2025)}
    national_day = entries[date(2025, 10, 1)]
    assert (national_day.is_workday, national_day.name, national_day.correction) == (False, "国庆节", None)
    makeup = entries[date(2025, 9, 28)]
    assert makeup.is_makeup_workday and makeup.package_is_workday and makeup.correction is None
    corrected = entries[date(2025, 10, 11)]
    assert not corrected.is_workday and corrected.package_is_workday
    assert corrected.correction.note == "测试"
    assert date(2025, 10, 14) not in entries
    assert workdays.year_entries(2027) == []


@pytest.mark.parametrize(
    ("today", "warns"),
    [
        (date(2026, 10, 31), False),
        (date(2026, 11, 1), True),
        (date(2026, 12, 31), True),
        (date(2025, 12, 1), False),  # the package knows 2026
    ],
)
def test_next_year_warning_in_the_last_two_months(today, warns):
    warning = workdays.next_year_warning(today)
    assert bool(warning) == warns
    if warns:
        assert warning.startswith(f"{today.year + 1}年节假日安排尚未录入")
        assert "chinesecalendar（现为1.11.0，含2004—2026年）" in warning
