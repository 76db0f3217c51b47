"""Working days for legal clocks: Chinese public holidays and the make-up working days (调休).

A day's answer comes from, in order: an officer's correction (CalendarDay), the chinesecalendar
package (each November's release adds the next year), the week (Monday to Friday working).

A year is *loaded* when the package knows it or officers have confirmed that they entered its
arrangement in full (CalendarYear). Every function still answers for a year that is not loaded, by
the week and whatever corrections exist, but such an answer is provisional: a clock over it shows
provisional_warning(start, end), e.g. 「2027年节假日安排尚未录入，按周一至周五计算」.

Periods count as 民法典 art. 201 counts 期间: the day of the event is not counted, counting starts
the next day. add_working_days(start, n) is the n-th working day after start (start itself for
n = 0); working_days_between(start, end) counts the working days after start up to and including
end, so working_days_between(s, add_working_days(s, n)) == n.

Corrections are read in two queries and kept per process: a change through calendar_services clears
this process's copy, and other processes (web workers, the task worker) read them again within
REFRESH_SECONDS.
"""

import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from importlib.metadata import version

import chinese_calendar
from django.utils.translation import gettext as _

from gonghui.core.models import CalendarDay, CalendarYear

REFRESH_SECONDS = 60
PACKAGE_YEARS = range(min(chinese_calendar.holidays).year, max(chinese_calendar.holidays).year + 1)
ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class _Corrections:
    workday: dict[date, bool]
    confirmed_years: frozenset[int]


@dataclass(frozen=True)
class Entry:
    """A holiday or make-up working day of the year, from either source."""

    date: date
    is_workday: bool
    name: str
    package_is_workday: bool | None  # what chinesecalendar says, None when it says nothing special
    correction: CalendarDay | None

    @property
    def is_makeup_workday(self) -> bool:
        return self.is_workday and self.date.weekday() >= 5


_cache: tuple[float, _Corrections] | None = None


def invalidate() -> None:
    global _cache
    _cache = None


def _corrections() -> _Corrections:
    global _cache
    cached = _cache
    if cached is not None and time.monotonic() - cached[0] < REFRESH_SECONDS:
        return cached[1]
    loaded = _Corrections(
        workday={
            day: kind == CalendarDay.Kind.WORKDAY
            for day, kind in CalendarDay.objects.values_list("date", "kind")
        },
        confirmed_years=frozenset(CalendarYear.objects.values_list("year", flat=True)),
    )
    _cache = (time.monotonic(), loaded)
    return loaded


def _checked(day: date) -> date:
    # A datetime never equals a date, so it would silently miss every holiday.
    if isinstance(day, datetime) or not isinstance(day, date):
        raise TypeError(f"expected a date (timezone.localdate() of a datetime), got {day!r}")
    return day


def _package_is_workday(day: date) -> bool | None:
    if day in chinese_calendar.workdays:
        return True
    if day in chinese_calendar.holidays:
        return False
    return None


def _is_workday(day: date, known: _Corrections) -> bool:
    answer = known.workday.get(day)
    if answer is None:
        answer = _package_is_workday(day)
    return day.weekday() < 5 if answer is None else answer


def is_workday(day: date) -> bool:
    return _is_workday(_checked(day), _corrections())


def add_working_days(start: date, n: int) -> date:
    """The n-th working day after start; start itself is not counted."""
    if n < 0:
        raise ValueError(f"n must not be negative, got {n}")
    known = _corrections()
    day = _checked(start)
    while n:
        day += ONE_DAY
        if _is_workday(day, known):
            n -= 1
    return day


def working_days_between(start: date, end: date) -> int:
    """The working days after start up to and including end; 0 when end is not after start."""
    known = _corrections()
    start, end = _checked(start), _checked(end)
    return sum(_is_workday(start + timedelta(days=i), known) for i in range(1, (end - start).days + 1))


def calendar_loaded(year: int) -> bool:
    return year in PACKAGE_YEARS or year in _corrections().confirmed_years


def loaded_years() -> list[int]:
    return sorted(set(PACKAGE_YEARS) | _corrections().confirmed_years)


def unloaded_years(start: date, end: date) -> list[int]:
    """The years from start to end (either order) whose answers are provisional."""
    first, last = sorted((_checked(start).year, _checked(end).year))
    return [year for year in range(first, last + 1) if not calendar_loaded(year)]


def provisional_warning(start: date, end: date) -> str:
    """What a clock from start to end shows beside its date; empty when every year is loaded."""
    years = unloaded_years(start, end)
    if not years:
        return ""
    return _("%(years)s年节假日安排尚未录入，按周一至周五计算") % {"years": _("、").join(map(str, years))}


def next_year_warning(today: date, *, package_only: bool = False) -> str:
    """In the last two months of a year, what to tell officers when next year is not loaded yet.
    package_only: judge by the package alone, when officers' entries cannot be read (before migrate)."""
    year = today.year + 1
    if today.month < 11 or year in PACKAGE_YEARS or (not package_only and calendar_loaded(year)):
        return ""
    return _(
        "%(year)d年节假日安排尚未录入，法定期限暂按周一至周五计算。国务院公布安排后，"
        "请升级 chinesecalendar（现为%(version)s，含%(first)d—%(last)d年），"
        "或在 /calendar/?year=%(year)d 录入安排并确认全年已录入。"
    ) % {
        "year": year,
        "version": version("chinesecalendar"),
        "first": PACKAGE_YEARS[0],
        "last": PACKAGE_YEARS[-1],
    }


def year_entries(year: int) -> list[Entry]:
    """The year's holidays and make-up working days from both sources, with the corrections (one query)."""
    corrected = {
        day.date: day for day in CalendarDay.objects.filter(date__year=year).select_related("changed_by")
    }
    package = {day: name for day, name in chinese_calendar.holidays.items() if day.year == year} | {
        day: name for day, name in chinese_calendar.workdays.items() if day.year == year
    }
    entries = []
    for day in sorted(corrected.keys() | package.keys()):
        correction = corrected.get(day)
        package_is_workday = _package_is_workday(day)
        entries.append(
            Entry(
                date=day,
                is_workday=correction.is_workday if correction else bool(package_is_workday),
                name=correction.name if correction else chinese_calendar.Holiday(package[day]).chinese,
                package_is_workday=package_is_workday,
                correction=correction,
            )
        )
    return entries
