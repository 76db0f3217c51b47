"""The unions' roll-up (UnionMonth): what each grassroots union adds to its own rows and those of the
organisations above it. The services call union_changing around a change; rebuild recomputes all."""

from collections import Counter
from contextlib import contextmanager

from gonghui.core import rollups
from gonghui.orgs.models import Organisation, UnionMonth


def contribution(union: Organisation, ids_by_path: dict[str, int]) -> Counter:
    """+1 established in its founding month, +1 dissolved in the month it was dissolved, for the union
    and each organisation above it; nothing for a federation or a union without a founding date."""
    out: Counter = Counter()
    if not union.is_grassroots or union.established_on is None:
        return out
    for path in rollups.ancestor_paths(union.path):
        organisation_id = ids_by_path[path]
        out[organisation_id, rollups.month_of(union.established_on), "established"] += 1
        if union.dissolved_on is not None:
            out[organisation_id, rollups.month_of(union.dissolved_on), "dissolved"] += 1
    return out


def _ids(paths) -> dict[str, int]:
    return dict(Organisation.objects.filter(path__in=list(paths)).values_list("path", "pk"))


@contextmanager
def union_changing(union: Organisation):
    """Around a change of one organisation (created, dissolved): its roll-up rows follow. Call inside
    the change's transaction; union is the object the change saves."""
    before = Organisation.objects.filter(pk=union.pk).first() if union.pk is not None else None
    ids = _ids(rollups.ancestor_paths(union.path)) if union.path else {}
    old = contribution(before, ids) if before is not None else Counter()
    yield
    ids = _ids(rollups.ancestor_paths(union.path))
    rollups.apply(UnionMonth, rollups.difference(contribution(union, ids), old))


def rebuild() -> int:
    ids = dict(Organisation.objects.values_list("path", "pk"))
    total: Counter = Counter()
    for union in Organisation.objects.grassroots().filter(established_on__isnull=False).iterator():
        total.update(contribution(union, ids))
    return rollups.replace_all(UnionMonth, total)
