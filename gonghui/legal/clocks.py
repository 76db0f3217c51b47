"""Legal clocks: typed deadlines as data, and the one place that counts their days.

A Limit says what the law gives: its legal basis, how long, in 日 (calendar days) or 工作日 (working
days, through gonghui.core.workdays), from which event, and how far it may be extended. A case
starts a Clock from the event; the clock may pause (a request for missing material stops the
legal-aid review until the material arrives), be extended (both parties agree to mediate longer)
and stops at the milestone it times.

Counting follows 民法典 art. 201–203: the day of the event is not counted; a period in 日 whose last
day is a public holiday or a rest day ends on the next working day; a pause from day p to day q
does not count the days after p up to and including q, so the material's arrival day restarts the
count the day after. One step of a clock's life = one function here; every one recomputes due_on,
and the case's deadline from its clocks (store_deadlines), which the lists sort by.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db.models import Exists, Min, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gonghui.core import workdays
from gonghui.core.errors import field_error
from gonghui.legal.models import NO_DEADLINE, Clock, ClockPause, Unit

AID_LAW = gettext_lazy("《中华人民共和国法律援助法》第四十三条")
MEDIATION_LAW = gettext_lazy("《中华人民共和国劳动争议调解仲裁法》第十四条")
ENTERPRISE_MEDIATION_RULES = gettext_lazy("《企业劳动争议协商调解规定》（人力资源和社会保障部令第17号）")


@dataclass(frozen=True)
class Limit:
    key: str
    basis: str
    length: int
    unit: str
    start_event: str
    max_extension: int = 0
    extension_basis: str = ""

    @property
    def label(self) -> str:
        return Clock.Limit(self.key).label


LIMITS: dict[str, Limit] = {
    Clock.Limit.AID_REVIEW: Limit(
        Clock.Limit.AID_REVIEW, AID_LAW, 7, Unit.DAYS, gettext_lazy("收到法律援助申请之日")
    ),
    Clock.Limit.AID_ASSIGN: Limit(
        Clock.Limit.AID_ASSIGN, AID_LAW, 3, Unit.DAYS, gettext_lazy("作出给予法律援助决定之日")
    ),
    Clock.Limit.DISPUTE_ACCEPT: Limit(
        Clock.Limit.DISPUTE_ACCEPT,
        ENTERPRISE_MEDIATION_RULES,
        3,
        Unit.WORKDAYS,
        gettext_lazy("收到调解申请之日"),
    ),
    Clock.Limit.MEDIATION: Limit(
        Clock.Limit.MEDIATION,
        MEDIATION_LAW,
        15,
        Unit.DAYS,
        gettext_lazy("收到调解申请之日"),
        max_extension=15,
        extension_basis=ENTERPRISE_MEDIATION_RULES,
    ),
}


def _count(unit: str, start: date, end: date) -> int:
    """The days of the unit after start up to and including end (0 when end is not after start)."""
    if unit == Unit.WORKDAYS:
        return workdays.working_days_between(start, end)
    return max((end - start).days, 0)


def _add(unit: str, start: date, n: int) -> date:
    if unit == Unit.WORKDAYS:
        return workdays.add_working_days(start, n)
    last = start + timedelta(days=n)
    while not workdays.is_workday(last):  # 民法典 art. 203: the period ends on the next working day
        last += timedelta(days=1)
    return last


def compute_due(
    *,
    unit: str,
    started_on: date,
    length: int,
    extension: int,
    pauses: list[tuple[date, date | None]],
    today: date,
) -> date:
    """The last day of the period: the start plus its length and extension plus the paused days
    (an open pause counted up to today, i.e. as if the clock resumed today)."""
    paused = sum(_count(unit, begin, end or max(today, begin)) for begin, end in pauses)
    return _add(unit, started_on, length + extension + paused)


@dataclass(frozen=True)
class Reading:
    """What a case and a list show of a clock today."""

    limit: Limit
    clock: Clock
    state: str  # running / paused / stopped
    days: int  # remaining (running, paused) or overdue (when overdue); for a stopped clock, late by
    overdue: bool
    text: str
    warning: str = ""  # the working-day calendar is provisional for a year of the period
    due: date | None = None  # the last day; for a paused clock, the last day if it resumed today

    def __post_init__(self):
        if self.due is None:
            object.__setattr__(self, "due", self.clock.due_on)

    @property
    def css(self) -> str:
        if self.overdue:
            return "overdue"
        if self.state == "running" and self.days <= 2:
            return "near"
        return self.state


def read(clock: Clock, today: date | None = None) -> Reading:
    """The clock as of today: "剩2日" / "超期3日" / "已中止（剩5日）" / "按期完成" / "超期3日完成"."""
    today = today or timezone.localdate()
    limit = LIMITS[clock.limit]
    unit = Unit(clock.unit).label
    open_pause = next((p for p in _pauses(clock) if p.ended_on is None), None)
    warning = (
        workdays.provisional_warning(clock.started_on, clock.due_on) if clock.unit == Unit.WORKDAYS else ""
    )
    if clock.stopped_on is not None:
        late = _count(clock.unit, clock.due_on, clock.stopped_on)
        text = _("超期%(n)d%(unit)s完成") % {"n": late, "unit": unit} if late else _("按期完成")
        return Reading(limit, clock, "stopped", late, False, text, warning)
    if open_pause is not None:  # the days left are those left when it paused: as if resumed today
        due = _due(clock, today)
        left = _count(clock.unit, today, due)
        text = _("已中止（剩%(n)d%(unit)s）") % {"n": left, "unit": unit}
        return Reading(limit, clock, "paused", left, False, text, warning, due)
    if today > clock.due_on:
        late = _count(clock.unit, clock.due_on, today)
        return Reading(
            limit, clock, "running", late, True, _("超期%(n)d%(unit)s") % {"n": late, "unit": unit}, warning
        )
    left = _count(clock.unit, today, clock.due_on)
    text = _("今日届满") if left == 0 else _("剩%(n)d%(unit)s") % {"n": left, "unit": unit}
    return Reading(limit, clock, "running", left, False, text, warning)


def current(clocks, today: date | None = None) -> Reading | None:
    """The clock a list shows for a case: the running one due first, else the last to stop."""
    clocks = list(clocks)
    running = sorted((c for c in clocks if c.stopped_on is None), key=lambda c: c.due_on)
    if running:
        return read(running[0], today)
    stopped = sorted(clocks, key=lambda c: (c.stopped_on, c.pk))
    return read(stopped[-1], today) if stopped else None


def _pauses(clock: Clock) -> list[ClockPause]:
    return list(clock.pauses.all())


def _due(clock: Clock, today: date) -> date:
    return compute_due(
        unit=clock.unit,
        started_on=clock.started_on,
        length=clock.length,
        extension=clock.extension,
        pauses=[(p.started_on, p.ended_on) for p in _pauses(clock)] if clock.pk else [],
        today=today,
    )


def _refresh(clock: Clock, today: date) -> None:
    clock.due_on = _due(clock, today)


def _running_clocks(model, clock_model=Clock, pause_model=ClockPause):
    """The clocks of the outer case that can run out: not stopped, not paused."""
    open_pause = pause_model._default_manager.filter(clock=OuterRef("pk"), ended_on__isnull=True)
    return clock_model._default_manager.filter(
        **{_owner(model): OuterRef("pk")}, stopped_on__isnull=True
    ).exclude(Exists(open_pause))


def store_deadlines(cases: QuerySet, clock_model=Clock, pause_model=ClockPause) -> None:
    """Sets each case's deadline from its clocks, in one UPDATE: the running clock due first,
    NO_DEADLINE when none runs. A paused clock's due_on moves with the days, so it is left out (as
    it cannot run out); a running one's stays put, so the stored deadline needs no nightly update.
    The clock models are the migration's when it fills the column."""
    owner = _owner(cases.model)
    # MIN over the case's clocks (not ORDER BY due_on LIMIT 1, which SQLite reads along the running
    # clocks' due-day index, all of them for each case)
    first = (
        _running_clocks(cases.model, clock_model, pause_model)
        .order_by()
        .values(owner)
        .annotate(first=Min("due_on"))
        .values("first")
    )
    cases.update(deadline=Coalesce(Subquery(first), Value(NO_DEADLINE)))


def _settle(case) -> None:
    """The case's deadline after a step of one of its clocks, on the row and on the instance (a
    move saves the case after its effect on the clocks)."""
    cases = type(case)._default_manager.filter(pk=case.pk)
    store_deadlines(cases)
    case.deadline = cases.values_list("deadline", flat=True).get()


# ---- a clock's life: called by legal.workflow inside the case's transaction ----------------------


def start(*, case, limit: str, on: date) -> Clock:
    spec = LIMITS[limit]
    clock = Clock(limit=limit, unit=spec.unit, length=spec.length, started_on=on, **{_owner(case): case})
    _refresh(clock, on)
    clock.save()
    _settle(case)
    return clock


def running(case, limit: str) -> Clock | None:
    return case.clocks.filter(limit=limit, stopped_on__isnull=True).first()


def stop(*, case, limit: str, on: date) -> Clock | None:
    clock = running(case, limit)
    if clock is None:
        return None
    if on < clock.started_on:
        raise field_error("on", _("办理日期不能早于期限起算日%(d)s") % {"d": clock.started_on})
    if clock.pauses.filter(ended_on__isnull=True).exists():
        resume(case=case, limit=limit, on=on)
        clock.refresh_from_db()
    clock.stopped_on = on
    clock.save(update_fields=["stopped_on"])
    _settle(case)
    return clock


def stop_all(*, case, on: date) -> None:
    for clock in case.clocks.filter(stopped_on__isnull=True):
        stop(case=case, limit=clock.limit, on=on)


def pause(*, case, limit: str, on: date, reason: str) -> Clock:
    clock = running(case, limit)
    if clock is None:
        raise ValidationError(_("该期限未在计算中，不能中止"))
    if on < clock.started_on:
        raise field_error("on", _("中止日期不能早于期限起算日%(d)s") % {"d": clock.started_on})
    if on > clock.due_on:
        raise field_error("on", _("期限已于%(d)s届满，不能再中止计算") % {"d": clock.due_on})
    if clock.pauses.filter(ended_on__isnull=True).exists():
        raise ValidationError(_("该期限已中止计算"))
    ClockPause.objects.create(clock=clock, started_on=on, reason=reason)
    _refresh(clock, on)
    clock.save(update_fields=["due_on"])
    _settle(case)
    return clock


def resume(*, case, limit: str, on: date) -> Clock:
    clock = running(case, limit)
    open_pause = clock.pauses.filter(ended_on__isnull=True).first() if clock else None
    if open_pause is None:
        raise ValidationError(_("该期限未中止，无需恢复计算"))
    if on < open_pause.started_on:
        raise field_error("on", _("恢复日期不能早于中止日期%(d)s") % {"d": open_pause.started_on})
    open_pause.ended_on = on
    open_pause.save(update_fields=["ended_on"])
    _refresh(clock, on)
    clock.save(update_fields=["due_on"])
    _settle(case)
    return clock


def extend(*, case, limit: str, days: int, on: date) -> Clock:
    clock = running(case, limit)
    spec = LIMITS[limit]
    if clock is None:
        raise ValidationError(_("该期限已结束，不能延长"))
    if days < 1 or clock.extension + days > spec.max_extension:
        raise field_error(
            "days",
            _("延长天数须为1至%(max)d日（已延长%(done)d日）")
            % {"max": spec.max_extension - clock.extension, "done": clock.extension}
            if spec.max_extension > clock.extension
            else _("该期限不能再延长"),
        )
    if on > clock.due_on:
        raise field_error("on", _("期限已于%(d)s届满，不能再延长") % {"d": clock.due_on})
    clock.extension += days
    _refresh(clock, on)
    clock.save(update_fields=["extension", "due_on"])
    _settle(case)
    return clock


def _owner(case_or_model) -> str:
    """The clock's foreign key to the kind of case (by name: a migration's models are other classes)."""
    model = case_or_model if isinstance(case_or_model, type) else type(case_or_model)
    return {"AidCase": "aid_case", "Dispute": "dispute"}[model.__name__]
