"""Helpers for chart data (gonghui.core.registry.Chart): the years a chart over the years shows."""

from collections.abc import Iterable

from django.db.models import F, Sum

from gonghui.core.registry import ChartData

YEARS_SHOWN = 6


def years_up_to(year: int, first: int | None) -> list[int]:
    """The report's year and up to five before it, none before the first year with records."""
    start = year - YEARS_SHOWN + 1
    return list(range(max(start, first) if first is not None else year, year + 1))


def running_totals(by_year: dict[int, int], years: Iterable[int]) -> list[int]:
    """Year-end totals from the year's changes: the sum of every change up to each year."""
    years = list(years)
    totals, total = [], sum(n for y, n in by_year.items() if y < years[0])
    for year in years:
        total += by_year.get(year, 0)
        totals.append(total)
    return totals


def over_the_years(rollup, root, year: int, *, total: tuple[str, str], new: str, labels, unit) -> ChartData:
    """A roll-up's year-end total (total[0] − total[1], summed up to each year) and the year's `new`,
    for the report's year and up to five before it (one query)."""
    plus, minus = total
    rows = (
        rollup.objects.filter(organisation=root, month__year__lte=year)
        .values("month__year")
        .annotate(net=Sum(F(plus) - F(minus)), new=Sum(new))
    )
    net = {r["month__year"]: r["net"] for r in rows}
    added = {r["month__year"]: r["new"] for r in rows}
    years = years_up_to(year, min(net, default=None))
    return ChartData(
        x_labels=[str(y) for y in years],
        series=[(labels[0], running_totals(net, years)), (labels[1], [added.get(y, 0) for y in years])],
        unit=unit,
    )
