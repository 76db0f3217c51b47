"""Helpers for chart data (gonghui.core.registry.Chart): the years a chart over the years shows."""

from collections.abc import Iterable

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
