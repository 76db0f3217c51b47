"""The coverage KPIs and the chart by category computed from the raw rows (enterprises and their
unions): what the roll-up must always equal."""

from django.db.models import Count

from gonghui.core.figures import Figures, both_years, rate, split, year_bounds
from gonghui.orgs.kpis import CATEGORIES, IN_CATEGORY, existing, in_subtree, standing_at
from gonghui.orgs.models import Enterprise, Organisation


def raw_coverage(root: Organisation, year: int) -> Figures:
    aggregates = {
        "target_enterprises": lambda y: Count("pk", filter=existing(y)),
        "target_enterprises_covered": lambda y: Count(
            "pk", filter=existing(y) & standing_at("union__", year_bounds(y)[1])
        ),
    }
    row = Enterprise.objects.filter(in_subtree(root) & IN_CATEGORY).aggregate(**both_years(aggregates, year))
    figures = split(row, aggregates)
    figures["coverage_rate"] = {
        when: rate(figures["target_enterprises_covered"][when], figures["target_enterprises"][when])
        for when in ("value", "previous")
    }
    return figures


def raw_coverage_by_category(root: Organisation, year: int) -> list[list[int]]:
    """[targets by category, covered by category] at the year's end."""
    covered = standing_at("union__", year_bounds(year)[1])
    aggregates = {}
    for c, (_label, category) in CATEGORIES.items():
        aggregates[f"t_{c}"] = Count("pk", filter=category)
        aggregates[f"c_{c}"] = Count("pk", filter=category & covered)
    row = Enterprise.objects.filter(in_subtree(root) & existing(year)).aggregate(**aggregates)
    return [[row[f"{kind}_{c}"] for c in CATEGORIES] for kind in ("t", "c")]
