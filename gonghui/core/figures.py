"""Helpers for KPI functions: every figure for a year and for the year before, in one aggregate query.

A KPI group builds, for each of its keys, an aggregate expression of the year; both_years asks for it
twice (the year and the year before) in the same query, and split turns the row into
{key: {"value": …, "previous": …}}. "At year end" means at the end of 31 December of that year.
"""

from collections.abc import Callable, Iterable
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

Figures = dict[str, dict[str, object]]  # {"unions_total": {"value": 195, "previous": 179}, ...}


def year_bounds(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


def both_years(aggregates: dict[str, Callable[[int], object]], year: int) -> dict[str, object]:
    """key → expression for the year, key__previous → the same for the year before."""
    out = {}
    for key, expression in aggregates.items():
        out[key] = expression(year)
        out[f"{key}__previous"] = expression(year - 1)
    return out


def split(row: dict, keys: Iterable[str]) -> Figures:
    return {key: {"value": row[key], "previous": row[f"{key}__previous"]} for key in keys}


def rate(part: int, whole: int) -> float | None:
    """part ÷ whole × 100 to one decimal place, rounding half up; None without a whole."""
    if not whole:
        return None
    return float((Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP))


def about(n: int) -> str:
    """A figure as the report words it: rounded down to a sensible unit (tens below 1,000, then the
    two leading digits), with 余 only when something was dropped. 1846 → "1800余", 1800 → "1800",
    12345 → "12000余", 345 → "340余", 7 → "7"."""
    if n < 10:
        return str(n)
    unit = 10 if n < 1000 else 10 ** (len(str(n)) - 2)
    rounded = n // unit * unit
    return str(n) if rounded == n else _("%(n)d余") % {"n": rounded}


def format_rate(value: float | None) -> str:
    """The one way a rate is written: one decimal place and a percent sign ("33.3%"); "—" for none."""
    return "—" if value is None else f"{value:.1f}%"
