"""Officers' corrections of the working-day calendar. Each write checks its actor and records its audit
rows in the same transaction; gonghui.core.workdays reads the result."""

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core import workdays
from gonghui.core.audit import audit_record
from gonghui.core.errors import field_error
from gonghui.core.models import CalendarDay, CalendarYear
from gonghui.core.scope import scope_of

MAX_RANGE_DAYS = 60


def _check_actor(by) -> None:
    scope_of(by).require("calendar.correct")


def _changed() -> None:
    # Now, for reads later in this transaction; again at commit, for reads that came in between.
    workdays.invalidate()
    transaction.on_commit(workdays.invalidate)


@transaction.atomic
def calendar_correct(
    *, start: date, end: date, kind: str, by, name: str = "", note: str = ""
) -> list[CalendarDay]:
    """Marks every date from start to end (both included) as a day off or a working day, as the State
    Council announces them: 2027-02-05 to 2027-02-13 春节 放假, 2027-02-14 上班. Replaces earlier corrections."""
    _check_actor(by)
    if kind not in CalendarDay.Kind.values:
        raise field_error("kind", _("类型只能是“放假”或“上班”"))
    if end < start:
        raise field_error("end", _("结束日期不能早于开始日期"))
    if (end - start).days >= MAX_RANGE_DAYS:
        raise field_error(
            "end", _("结束日期超出范围：一次最多录入%(n)d天，请分段录入") % {"n": MAX_RANGE_DAYS}
        )
    values = {"kind": kind, "name": (name or "").strip(), "note": (note or "").strip(), "changed_by": by}
    CalendarDay(date=start, **values).full_clean(validate_unique=False)
    days = []
    for offset in range((end - start).days + 1):
        day, created = CalendarDay.objects.select_for_update().get_or_create(
            date=start + timedelta(days=offset), defaults=values
        )
        before = None if created else {"kind": day.kind, "name": day.name, "note": day.note}
        if not created:
            for field, value in values.items():
                setattr(day, field, value)
            day.changed_at = timezone.now()
            day.save(update_fields=[*values, "changed_at"])
        audit_record(
            actor=by,
            action="calendar.correct",
            obj=day,
            detail={"kind": kind, "name": day.name, "note": day.note, "before": before},
        )
        days.append(day)
    _changed()
    return days


@transaction.atomic
def calendar_correction_remove(*, day: CalendarDay, by) -> None:
    """The date goes back to what chinesecalendar (or the week) says."""
    _check_actor(by)
    audit_record(
        actor=by,
        action="calendar.remove",
        obj=day,
        detail={"kind": day.kind, "name": day.name, "note": day.note},
    )
    day.delete()
    _changed()


@transaction.atomic
def calendar_year_confirm(*, year: int, by) -> CalendarYear:
    """Officers have entered the year's arrangement in full: its working days stop being provisional."""
    _check_actor(by)
    if not CalendarDay.objects.filter(date__year=year).exists():
        raise field_error("year", _("%(year)d年还没有录入任何节假日，不能确认全年已录入") % {"year": year})
    confirmation, created = CalendarYear.objects.get_or_create(year=year, defaults={"confirmed_by": by})
    if created:
        audit_record(actor=by, action="calendar.year_confirm", obj=confirmation)
        _changed()
    return confirmation


@transaction.atomic
def calendar_year_withdraw(*, year: int, by) -> None:
    """The year's arrangement is incomplete after all: its working days are provisional again."""
    _check_actor(by)
    confirmation = CalendarYear.objects.select_for_update().filter(year=year).first()
    if confirmation is not None:
        audit_record(actor=by, action="calendar.year_withdraw", obj=confirmation)
        confirmation.delete()
        _changed()
