"""The organisation tree's roll-ups: the unions' (UnionMonth), what each grassroots union adds to its
own rows and those of the organisations above it, and the coverage of target enterprises
(EnterpriseMonth). The services call union_changing and enterprises_changing around a change;
rebuild and rebuild_coverage recompute all with grouped queries."""

from collections import Counter
from contextlib import contextmanager

from django.db.models import BooleanField, Count, ExpressionWrapper
from django.db.models.functions import TruncMonth

from gonghui.core import rollups
from gonghui.orgs.kpis import CATEGORIES, IN_CATEGORY
from gonghui.orgs.models import Enterprise, EnterpriseMonth, Organisation, UnionMonth


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
    """Unions founded and dissolved, grouped by union and month in the database, then added up the tree."""
    ancestors = rollups.ancestors_by_id(Organisation.objects.all())
    unions = Organisation.objects.grassroots().filter(established_on__isnull=False).order_by()
    total: Counter = Counter()
    for field, day in (("established", "established_on"), ("dissolved", "dissolved_on")):
        grouped = (
            unions.filter(**{f"{day}__isnull": False})
            .values_list("pk", TruncMonth(day))
            .annotate(n=Count("pk"))
        )
        rollups.add_up(total, grouped, field, ancestors)
    return rollups.replace_all(UnionMonth, total)


# --- the coverage of target enterprises (EnterpriseMonth) ---

ENTERPRISE_GROUP = (
    "federation__path",
    "union__path",
    "founded",
    "union_established",
    "union_dissolved",
    *CATEGORIES,
)


def _enterprise_groups(enterprises):
    """Target enterprises grouped by what their roll-up rows depend on — one query."""
    return (
        enterprises.filter(IN_CATEGORY)
        .annotate(
            founded=TruncMonth("founded_on"),
            union_established=TruncMonth("union__established_on"),
            union_dissolved=TruncMonth("union__dissolved_on"),
            **{
                category: ExpressionWrapper(condition, output_field=BooleanField())
                for category, (_label, condition) in CATEGORIES.items()
            },
        )
        .values_list(*ENTERPRISE_GROUP)
        .annotate(n=Count("pk"))
        .order_by()
    )


def enterprise_contribution(group: tuple, ids_by_path: dict[str, int], out: Counter) -> Counter:
    """n target enterprises alike (areas, union, months, categories): +n targets in the month of their
    founding (none: no month) and, while their union stands, +n covered_started in the later of their
    founding month and the union's, +n covered_ended in the month the union was dissolved; the same in
    the fields of each category they are in; for each organisation whose subtree holds them (their
    area's and their union's, once each)."""
    federation_path, union_path, founded, established, dissolved, *in_categories, n = group
    prefixes = [""] + [f"{c}_" for c, is_in in zip(CATEGORIES, in_categories, strict=True) if is_in]
    paths = set(rollups.ancestor_paths(federation_path))
    if union_path:
        paths.update(rollups.ancestor_paths(union_path))
    covered_from = None
    if established is not None:
        covered_from = max(established, founded) if founded else established
        if dissolved is not None and dissolved <= covered_from:
            covered_from = None
    for path in paths:
        organisation_id = ids_by_path[path]
        for prefix in prefixes:
            out[organisation_id, founded, f"{prefix}targets"] += n
            if covered_from is not None:
                out[organisation_id, covered_from, f"{prefix}covered_started"] += n
                if dissolved is not None:
                    out[organisation_id, dissolved, f"{prefix}covered_ended"] += n
    return out


def _enterprise_figures(enterprises) -> Counter:
    groups = list(_enterprise_groups(enterprises))
    paths = {p for g in groups for path in g[:2] if path for p in rollups.ancestor_paths(path)}
    ids = _ids(paths)
    out: Counter = Counter()
    for group in groups:
        enterprise_contribution(group, ids, out)
    return out


@contextmanager
def enterprises_changing(enterprises):
    """Around a change of some enterprises (a queryset: created, their category, area or union changed,
    their union dissolved): their roll-up rows follow. Call inside the change's transaction; the
    caller adds the ids of enterprises it creates to the list it is given."""
    known = list(enterprises.values_list("pk", flat=True))
    before = _enterprise_figures(Enterprise.objects.filter(pk__in=known))
    created: list[int] = []
    yield created
    after = _enterprise_figures(Enterprise.objects.filter(pk__in=known + created))
    rollups.apply(EnterpriseMonth, rollups.difference(after, before))


def rebuild_coverage() -> int:
    return rollups.replace_all(EnterpriseMonth, _enterprise_figures(Enterprise.objects.all()))
