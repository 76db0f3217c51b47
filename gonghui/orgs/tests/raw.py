"""The coverage KPIs computed from the raw rows (enterprises and their unions): what the roll-up must
always equal."""

from django.db.models import Count

from gonghui.core.figures import Figures, both_years, rate, split, year_bounds
from gonghui.orgs.kpis import IN_CATEGORY, existing, in_subtree, standing_at
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
