"""Reads for contests: lists in the user's scope, an event's marking scheme and standings (computed
from the scores by the marking functions), and what a judge, a union admin or a worker sees."""

from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet

from gonghui.contests import marking
from gonghui.contests.models import (
    Contest,
    Criterion,
    Event,
    Flag,
    Judge,
    Part,
    Registration,
    Result,
    Score,
    ScoreChange,
)
from gonghui.core.scope import scope_of
from gonghui.members.models import Membership


def contest_list(user, *, year: int | None = None) -> QuerySet[Contest]:
    """One query for the contests, one for their organisers (prefetched)."""
    qs = Contest.objects.visible_to(user)
    if year:
        qs = qs.filter(year=year)
    return (
        qs.annotate(event_count=Count("events", distinct=True))
        .prefetch_related("organisers")
        .order_by("-year", "-held_on", "-pk")
    )


def events_of(contest: Contest) -> QuerySet[Event]:
    return contest.events.annotate(competitors=Count("registrations")).order_by("pk")


def scheme(event: Event) -> list[Part]:
    """The event's parts, each with its criteria as a list (two queries)."""
    return list(event.parts.prefetch_related(Prefetch("criteria", queryset=Criterion.objects.order_by("pk"))))


def criteria_of(parts: list[Part]) -> list[Criterion]:
    return [c for part in parts for c in part.criteria.all()]


def registrations_of(event: Event) -> QuerySet[Registration]:
    return event.registrations.select_related("person", "union", "enterprise").order_by("number")


def marks_by_registration(event: Event, criteria: list[Criterion]) -> tuple[dict, dict]:
    """({registration id: {criterion id: mark}}, {registration id: seconds}) from the scores (one
    query): a judgement's mark is the mean of its judges' marks; time criteria add up to the seconds."""
    by_kind = {c.pk: c for c in criteria}
    collected = defaultdict(lambda: defaultdict(list))
    for registration_id, criterion_id, value, mark in Score.objects.filter(
        registration__event=event
    ).values_list("registration_id", "criterion_id", "value", "mark"):
        collected[registration_id][criterion_id].append((value, mark))
    marks, seconds = {}, {}
    for registration_id, per_criterion in collected.items():
        marks[registration_id] = {
            criterion_id: marking.cents(sum((m for _v, m in rows), Decimal(0)) / len(rows))
            for criterion_id, rows in per_criterion.items()
        }
        seconds[registration_id] = sum(
            int(rows[0][0])
            for criterion_id, rows in per_criterion.items()
            if by_kind[criterion_id].kind == Criterion.Kind.TIME
        )
    return marks, seconds


def standings(event: Event, parts: list[Part] | None = None) -> list[tuple[marking.Entry, int]]:
    """Every competitor ranked from the scores as they stand (refs are registration ids)."""
    parts = scheme(event) if parts is None else parts
    marks, seconds = marks_by_registration(event, criteria_of(parts))
    schemed = [(p.name, p.weight, list(p.criteria.all())) for p in parts]
    entries = [
        marking.standing(schemed, marks.get(pk, {}), seconds.get(pk, 0), ref=pk)
        for pk in event.registrations.order_by("number").values_list("pk", flat=True)
    ]
    return marking.rank(entries, event.tie_break)


def missing_scores(event: Event, criteria: list[Criterion]) -> int:
    """How many (competitor, criterion) pairs have no score yet (one query)."""
    scored = (
        Score.objects.filter(registration__event=event).values("registration_id", "criterion_id").distinct()
    )
    return event.registrations.count() * len(criteria) - scored.count()


def open_flags(event: Event) -> QuerySet[Flag]:
    return Flag.objects.filter(registration__event=event, resolved_at__isnull=True).select_related(
        "registration__person", "criterion"
    )


def judge_of(user, event: Event) -> Judge | None:
    return Judge.objects.filter(event=event, user_id=getattr(user, "pk", None)).first()


def judging_list(user) -> QuerySet[Judge]:
    """The events the user judges (their scoring pages)."""
    return (
        Judge.objects.filter(user_id=user.pk)
        .select_related("event__contest")
        .order_by("-event__contest__year", "event__pk")
    )


def judge_list(event: Event) -> QuerySet[Judge]:
    return event.judges.select_related("user", "enterprise").order_by("capacity", "pk")


def sheet(judge: Judge, registration: Registration, criteria: list[Criterion]) -> list[dict]:
    """The judge's scoring sheet for one competitor: each criterion with the judge's own value (and, for
    measurement and time, the value recorded by any judge: one value counts) and whether it is flagged."""
    scores = Score.objects.filter(registration=registration)
    own = {s.criterion_id: s for s in scores if s.judge_id == judge.pk}
    any_judge = {s.criterion_id: s for s in scores}
    flagged = set(
        Flag.objects.filter(registration=registration, resolved_at__isnull=True).values_list(
            "criterion_id", flat=True
        )
    )
    rows = []
    for criterion in criteria:
        score = own.get(criterion.pk) if criterion.is_judgement else any_judge.get(criterion.pk)
        rows.append({"criterion": criterion, "score": score, "flagged": criterion.pk in flagged})
    return rows


def competitor_rows(event: Event, judge: Judge) -> list[dict]:
    """The competitors on a judge's list: how many criteria the judge has scored, open flags, and
    whether the judge must stand aside (same enterprise)."""
    scored = dict(
        Score.objects.filter(registration__event=event, judge=judge)
        .values_list("registration_id")
        .annotate(n=Count("pk"))
        .values_list("registration_id", "n")
    )
    flagged = set(
        Flag.objects.filter(registration__event=event, resolved_at__isnull=True).values_list(
            "registration_id", flat=True
        )
    )
    return [
        {
            "registration": r,
            "scored": scored.get(r.pk, 0),
            "flagged": r.pk in flagged,
            "conflict": judge.enterprise_id is not None and judge.enterprise_id == r.enterprise_id,
        }
        for r in registrations_of(event)
    ]


def results_of(event: Event) -> QuerySet[Result]:
    return event.results.select_related("registration__person", "registration__enterprise").order_by(
        "place", "registration__number"
    )


def reached_people(user, person_ids) -> set[int]:
    """Of these people, those whose names the user may read in full (members they reach, themselves)."""
    scope = scope_of(user)
    if scope.everything:
        return set(person_ids)
    reached = set(
        Membership.objects.visible_to(user)
        .filter(person_id__in=person_ids)
        .values_list("person_id", flat=True)
    )
    if scope.person_id in person_ids:
        reached.add(scope.person_id)
    return reached


def masked_name(name: str) -> str:
    """张三 → 张*, 张小明 → 张*明: how a published ranking names someone the reader does not reach."""
    if len(name) <= 2:
        return name[:1] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def my_entries(user) -> QuerySet[Registration]:
    """A worker's own entries, with their results where the event is published."""
    return (
        Registration.objects.visible_to(user)
        .select_related("event__contest", "result")
        .order_by("-event__contest__year", "event__pk")
    )


def open_events_for(user) -> QuerySet[Event]:
    """Events the worker may still enter: open, in a contest open to them, not yet entered."""
    scope = scope_of(user)
    entered = Registration.objects.filter(event=OuterRef("pk"), person_id=scope.person_id)
    return (
        Event.objects.visible_to(user)
        .filter(status=Event.Status.OPEN)
        .filter(~Q(Exists(entered)))
        .select_related("contest")
        .order_by("contest__held_on", "pk")
    )


def audit_sheet(event: Event) -> dict:
    """What the score audit sheet prints (a fixed number of queries whatever the field's size)."""
    parts = scheme(event)
    criteria = criteria_of(parts)
    registrations = list(registrations_of(event))
    scores = defaultdict(list)
    for score in Score.objects.filter(registration__event=event).select_related("judge").order_by("judge_id"):
        scores[(score.registration_id, score.criterion_id)].append(score)
    marks, _seconds = marks_by_registration(event, criteria)
    placed = {entry.ref: (entry, place) for entry, place in standings(event, parts)}
    results = {r.registration_id: r for r in event.results.all()}
    rows = []
    for registration in registrations:
        entry, place = placed[registration.pk]
        result = results.get(registration.pk)
        rows.append(
            {
                "registration": registration,
                "cells": [
                    {
                        "scores": scores.get((registration.pk, c.pk), []),
                        "mark": marks.get(registration.pk, {}).get(c.pk),
                    }
                    for c in criteria
                ],
                "total": entry.total,
                "place": result.place if result else place,
                "award": result.get_award_display() if result else "",
            }
        )
    rows.sort(key=lambda row: (row["place"], row["registration"].number))
    changes = (
        ScoreChange.objects.filter(score__registration__event=event, old_value__isnull=False)
        .select_related("score__registration__person", "score__criterion", "score__judge", "by")
        .order_by("at", "pk")
    )
    return {
        "event": event,
        "contest": event.contest,
        "parts": parts,
        "criteria": criteria,
        "judges": list(judge_list(event)),
        "rows": rows,
        "sign_offs": list(event.sign_offs.select_related("user").order_by("round", "signed_at")),
        "history": list(event.history.select_related("by")),
        "changes": list(changes),
        "flags": list(
            Flag.objects.filter(registration__event=event).select_related(
                "registration__person", "criterion", "resolved_by"
            )
        ),
    }


def event_list(user, *, contest: int | None = None) -> QuerySet[Event]:
    """One query: the events of the contests the user sees, with their contest and competitor count."""
    qs = Event.objects.visible_to(user).select_related("contest")
    if contest:
        qs = qs.filter(contest_id=contest)
    return qs.annotate(competitors=Count("registrations")).order_by("contest_id", "pk")


def registration_list(user, *, event: int | None = None) -> QuerySet[Registration]:
    """One query: the competitors in the user's scope (a worker: themself), with their union."""
    qs = Registration.objects.visible_to(user).select_related("person", "union", "event")
    if event:
        qs = qs.filter(event_id=event)
    return qs.order_by("event_id", "number")


def score_list(user, *, event: int | None = None) -> QuerySet[Score]:
    """One query: the scores the user reads — a contest's staff all of theirs, a judge their own."""
    qs = Score.objects.visible_to(user).select_related("registration", "criterion", "judge")
    if event:
        qs = qs.filter(registration__event_id=event)
    return qs.order_by("registration_id", "criterion_id", "judge_id")


def scoring_judge(user, event_pk) -> Judge | None:
    """The user's own scoring judge row for the event (a 监督 does not score); None otherwise."""
    return (
        Judge.objects.filter(user_id=getattr(user, "pk", None), capacity__in=Judge.SCORING, event_id=event_pk)
        .select_related("event__contest")
        .first()
    )
