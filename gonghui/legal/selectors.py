"""Reads of the legal service: lists in the reader's scope with each case's clock, overdue cases
first; the officers' to-do counts; a worker's own cases."""

from datetime import timedelta

from django.db.models import (
    Case,
    DateField,
    F,
    IntegerField,
    Prefetch,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import NullIf
from django.utils import timezone

from gonghui.core.scope import scope_of
from gonghui.legal import clocks, workflow
from gonghui.legal.models import NO_DEADLINE, AidCase, Clock, Consultation, Dispute, Lawyer

NEAR_DAYS = 2  # a case whose clock runs out within two days is "near its deadline"

# The lists' orders, as keyset keys (gonghui.core.keyset): unique, NOT NULL, the id last. By the stored
# deadline: past-due cases first, then by the deadline, then those with no running clock, newest first.
DISPUTE_KEYS = ["deadline", "-received_on", "-pk"]
AID_KEYS = ["deadline", "-applied_on", "-pk"]
CONSULTATION_KEYS = ["state", "-asked_on", "-pk"]  # 待答复 (requested) before 已答复


def _with_clocks(qs: QuerySet, today) -> QuerySet:
    """Each case with next_due (its deadline, None when no clock runs) and overdue (as of today), and
    its clocks and their pauses prefetched (two queries)."""
    return qs.annotate(
        next_due=NullIf(F("deadline"), Value(NO_DEADLINE), output_field=DateField()),
        overdue=Case(When(deadline__lt=today, then=Value(1)), default=Value(0), output_field=IntegerField()),
    ).prefetch_related(Prefetch("clocks", queryset=Clock.objects.prefetch_related("pauses")))


def _near(today):
    return {"deadline__lte": today + timedelta(days=NEAR_DAYS)}


def _read_clocks(cases, today) -> list:
    for case in cases:
        case.clock = clocks.current(case.clocks.all(), today)
    return cases


def dispute_list(
    user, *, state: str = "", year: int | None = None, due: bool = False, today=None
) -> QuerySet:
    today = today or timezone.localdate()
    qs = Dispute.objects.visible_to(user).select_related("org", "person", "mediator")
    if state:
        qs = qs.filter(state=state)
    if year:
        qs = qs.filter(received_on__year=year)
    if due:
        qs = qs.filter(**_near(today))
    qs = _with_clocks(qs, today)
    return qs.order_by(*DISPUTE_KEYS)


def aid_list(user, *, state: str = "", year: int | None = None, due: bool = False, today=None) -> QuerySet:
    today = today or timezone.localdate()
    qs = AidCase.objects.visible_to(user).select_related("org", "person", "lawyer")
    if state:
        qs = qs.filter(state=state)
    if year:
        qs = qs.filter(applied_on__year=year)
    if due:
        qs = qs.filter(**_near(today))
    qs = _with_clocks(qs, today)
    return qs.order_by(*AID_KEYS)


def with_clock_readings(page, today=None):
    """The page's cases, each with .clock (legal.clocks.Reading or None)."""
    return _read_clocks(list(page), today or timezone.localdate())


def consultation_list(user, *, state: str = "", year: int | None = None) -> QuerySet:
    qs = Consultation.objects.visible_to(user).select_related("org", "person", "lawyer")
    if state:
        qs = qs.filter(state=state)
    if year:
        qs = qs.filter(asked_on__year=year)
    return qs.order_by(*CONSULTATION_KEYS)


def lawyer_list(user) -> QuerySet:
    return Lawyer.objects.visible_to(user).select_related("engaged_by", "user").order_by("name", "pk")


def lawyers_for(user, on=None) -> QuerySet:
    """The lawyers an officer may assign on a day: in scope and in their term."""
    on = on or timezone.localdate()
    return lawyer_list(user).filter(term_start__lte=on, term_end__gte=on)


def history(case) -> QuerySet:
    return case.events.select_related("by").order_by("on", "at", "pk")


def _due_count(model, user) -> int | None:
    if not scope_of(user).can("legal.case_files"):
        return None
    return model.objects.visible_to(user).filter(**_near(timezone.localdate())).count()


def disputes_due_count(user) -> int | None:
    """Mediations whose clock runs out within two days or has run out (to-do of staff and mediators)."""
    return _due_count(Dispute, user)


def aid_due_count(user) -> int | None:
    return _due_count(AidCase, user)


def mine(user) -> dict:
    """A worker's own cases: their state and clock, nothing of the file."""
    today = timezone.localdate()
    return {
        "consultations": list(Consultation.objects.visible_to(user).order_by("-asked_on", "-pk")),
        "aid_cases": _read_clocks(list(_with_clocks(AidCase.objects.visible_to(user), today)), today),
        "disputes": _read_clocks(list(_with_clocks(Dispute.objects.visible_to(user), today)), today),
    }


def may_change(case, user) -> bool:
    return type(case).objects.writable_by(user).filter(pk=case.pk).exists()


def moves_for(case, user) -> list:
    """The moves this user may make on the case now (the buttons of its page); the caller has
    checked may_change."""
    kinds = workflow.actor_kinds(case, scope_of(user))
    return [move for move in workflow.moves_from(case) if move.actors & kinds]
