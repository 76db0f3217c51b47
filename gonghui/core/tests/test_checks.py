from datetime import date

import pytest
from django.core import checks
from django.db import DatabaseError
from django.utils import timezone

from gonghui.core import workdays
from gonghui.core.calendar_services import calendar_correct, calendar_year_confirm
from gonghui.core.checks import next_year_calendar

pytestmark = pytest.mark.django_db


def test_warns_in_december_while_next_year_is_not_loaded():
    (warning,) = next_year_calendar(today=date(2026, 12, 1))
    assert warning.level == checks.WARNING and warning.id == "gonghui.W001"
    assert warning.msg.startswith("2027年节假日安排尚未录入，法定期限暂按周一至周五计算")


def test_silent_before_november_and_once_officers_confirmed_next_year(officer):
    assert next_year_calendar(today=date(2026, 10, 31)) == []
    calendar_correct(start=date(2027, 1, 1), end=date(2027, 1, 1), kind="holiday", name="元旦", by=officer)
    calendar_year_confirm(year=2027, by=officer)
    assert next_year_calendar(today=date(2026, 12, 1)) == []


def test_registered_with_django(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args: date(2026, 11, 15))
    assert "gonghui.W001" in [message.id for message in checks.run_checks()]


def test_warns_by_the_package_alone_when_the_database_cannot_be_read(monkeypatch):
    def unreadable():
        raise DatabaseError("no such table: core_calendarday")

    monkeypatch.setattr(workdays, "_corrections", unreadable)
    assert [m.id for m in next_year_calendar(today=date(2026, 12, 1))] == ["gonghui.W001"]
    assert next_year_calendar(today=date(2025, 12, 1)) == []
