"""The academy's roll-ups: what classes and places add to the rows of the organisations above them.

TrainingMonth: a class held (offline, or online once put on line) adds, in the month it starts, 1 to
offline or online and its course's hours, for the course's federation and each organisation above it.
TraineeYear: a place held (an enrolment enrolled, completed or not completed; not waiting, not
cancelled) adds 1, in the year its class starts, for the trainee's union on the day of enrolment and
each organisation above it, under the employer of that day.

Both are computed by the same grouped queries for a change (the classes and enrolments it touches,
before and after) and for a rebuild (all of them), so the figures never depend on which path wrote
them; only the groups, never the raw rows, are spread over the organisations above in Python.
"""

from collections import Counter
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import ExtractYear, TruncMonth

from gonghui.academy.models import Enrolment, TraineeYear, TrainingClass, TrainingMonth
from gonghui.core import rollups
from gonghui.orgs.models import Organisation

HELD = Q(mode=TrainingClass.Mode.OFFLINE) | Q(mode=TrainingClass.Mode.ONLINE, published=True)

YearKey = tuple[int, int, int | None]  # (organisation id, year, enterprise id)


def _ids(paths: Iterable[str] | None) -> dict[str, int]:
    """path → id of these organisations and of those above them (None: every organisation)."""
    organisations = Organisation.objects.all()
    if paths is not None:
        organisations = organisations.filter(
            path__in={above for path in paths for above in rollups.ancestor_paths(path)}
        )
    return dict(organisations.values_list("path", "pk"))


def class_figures(classes: Q | None) -> Counter:
    """(organisation, month, field) → n for the classes held among these (None: every class)."""
    groups = list(
        TrainingClass.objects.filter(HELD, classes or Q())
        .values("course__federation__path", month=TruncMonth("starts_on"))
        .annotate(
            offline=Count("pk", filter=Q(mode=TrainingClass.Mode.OFFLINE)),
            online=Count("pk", filter=Q(mode=TrainingClass.Mode.ONLINE)),
            hours=Sum("course__hours"),
        )
        .order_by()
    )
    out: Counter = Counter()
    if not groups:
        return out
    ids = _ids(None if classes is None else {g["course__federation__path"] for g in groups})
    for g in groups:
        for path in rollups.ancestor_paths(g["course__federation__path"]):
            for name in ("offline", "online", "hours"):
                out[ids[path], g["month"], name] += g[name]
    return out


def trainee_figures(enrolments: Q | None) -> Counter:
    """(organisation, year, enterprise) → places held among these enrolments (None: every one)."""
    groups = list(
        Enrolment.objects.filter(enrolments or Q(), status__in=Enrolment.SEATED)
        .values("union__path", "enterprise_id", year=ExtractYear("training_class__starts_on"))
        .annotate(n=Count("pk"))
        .order_by()
    )
    out: Counter = Counter()
    if not groups:
        return out
    ids = _ids(None if enrolments is None else {g["union__path"] for g in groups})
    for g in groups:
        for path in rollups.ancestor_paths(g["union__path"]):
            out[ids[path], g["year"], g["enterprise_id"]] += g["n"]
    return out


def _add_places(changes: Counter) -> None:
    """Adds each (organisation, year, enterprise) → n to TraineeYear, creating the missing rows."""
    for (organisation_id, year, enterprise_id), n in sorted(
        changes.items(), key=lambda item: (item[0][0], item[0][1], item[0][2] or 0)
    ):
        if not n:
            continue
        existing = TraineeYear.objects.filter(
            organisation_id=organisation_id, year=year, enterprise_id=enterprise_id
        )
        if existing.update(places=F("places") + n):
            continue
        try:
            with transaction.atomic():
                TraineeYear.objects.create(
                    organisation_id=organisation_id, year=year, enterprise_id=enterprise_id, places=n
                )
        except IntegrityError:  # another transaction created the row meanwhile
            existing.update(places=F("places") + n)


@dataclass
class Touched:
    """The classes and enrolments a change touches; the caller adds the ids of those it creates."""

    classes: list[int] = field(default_factory=list)
    enrolments: list[int] = field(default_factory=list)


def _figures(touched: Touched) -> tuple[Counter, Counter]:
    """A class moved to another year moves its places with it: a class's figures include theirs."""
    months = class_figures(Q(pk__in=touched.classes)) if touched.classes else Counter()
    if not (touched.classes or touched.enrolments):
        return months, Counter()
    return months, trainee_figures(Q(pk__in=touched.enrolments) | Q(training_class_id__in=touched.classes))


@contextmanager
def changing(*, classes: Iterable[int] = (), enrolments: Iterable[int] = ()):
    """Around a change of some classes (with all their enrolments) and enrolments, by id: their
    roll-up rows follow. Call inside the change's transaction; add to the Touched it yields the ids
    of the rows the change creates."""
    touched = Touched(list(classes), list(enrolments))
    months_before, years_before = _figures(touched)
    yield touched
    months_after, years_after = _figures(touched)
    rollups.apply(TrainingMonth, rollups.difference(months_after, months_before))
    _add_places(rollups.difference(years_after, years_before))


def rebuild() -> int:
    """Both tables from all the classes and enrolments (four grouped queries); the rows written."""
    written = rollups.replace_all(TrainingMonth, class_figures(None))
    places = trainee_figures(None)
    TraineeYear.objects.all().delete()
    TraineeYear.objects.bulk_create(
        [
            TraineeYear(organisation_id=o, year=y, enterprise_id=e, places=n)
            for (o, y, e), n in sorted(
                places.items(), key=lambda item: (item[0][0], item[0][1], item[0][2] or 0)
            )
            if n
        ],
        batch_size=5000,
    )
    return written + sum(1 for n in places.values() if n)
