"""The contests' roll-up (ContestMonth): a registration adds 1 participant, and its result in a
locked event 1 award when it won one, in its contest's month, for the competitor's union on
registration and each organisation above it.

A change and a rebuild compute the same grouped queries (over the events a change touches, before
and after it, or over every event); only the groups are spread over the organisations above.
"""

from collections import Counter
from collections.abc import Iterable
from contextlib import contextmanager
from datetime import date

from django.db.models import Count, F, Q
from django.db.models.functions import ExtractMonth

from gonghui.contests.models import ContestMonth, Event, Registration, Result
from gonghui.core import rollups
from gonghui.orgs.models import Organisation


def _groups(queryset, union: str, contest: str) -> list[dict]:
    return list(
        queryset.values(
            path=F(f"{union}__path"), year=F(f"{contest}__year"), month=ExtractMonth(f"{contest}__held_on")
        )
        .annotate(n=Count("pk"))
        .order_by()
    )


def figures(events: Iterable[int] | None) -> Counter:
    """(organisation, month, field) → n for these events (None: every event)."""
    within = Q() if events is None else Q(event_id__in=list(events))
    counted = {
        "participants": _groups(Registration.objects.filter(within), "union", "event__contest"),
        "awards": _groups(
            Result.objects.filter(within, event__status=Event.Status.LOCKED).exclude(award=""),
            "registration__union",
            "event__contest",
        ),
    }
    paths = {g["path"] for groups in counted.values() for g in groups}
    out: Counter = Counter()
    if not paths:
        return out
    organisations = Organisation.objects.all()
    if events is not None:
        organisations = organisations.filter(
            path__in={above for path in paths for above in rollups.ancestor_paths(path)}
        )
    ids = dict(organisations.values_list("path", "pk"))
    for name, groups in counted.items():
        for g in groups:
            for path in rollups.ancestor_paths(g["path"]):
                out[ids[path], date(g["year"], g["month"], 1), name] += g["n"]
    return out


@contextmanager
def event_changing(event_id: int):
    """Around a change of an event's registrations, status or results: its roll-up rows follow.
    Call inside the change's transaction."""
    before = figures([event_id])
    yield
    rollups.apply(ContestMonth, rollups.difference(figures([event_id]), before))


def rebuild() -> int:
    return rollups.replace_all(ContestMonth, figures(None))
