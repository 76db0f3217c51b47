"""Roll-ups: counts per organisation and month that the services keep exact as they write.

A roll-up row of an organisation counts its whole subtree (itself and everything under it), so a
figure for any organisation reads that organisation's own rows only — a few dozen rows a year,
whatever the size of the subtree. A change adds its differences to the rows of the organisation it
touches and of each organisation above it, in the transaction of the change.
"""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import F

Key = tuple[int, date, str]  # (organisation id, first day of the month, field)


def month_of(day: date) -> date:
    return day.replace(day=1)


def ancestor_paths(path: str) -> list[str]:
    """ "/CITY/ZONE/U0001/" → ["/CITY/", "/CITY/ZONE/", "/CITY/ZONE/U0001/"]."""
    codes = path.strip("/").split("/")
    return ["/" + "/".join(codes[: i + 1]) + "/" for i in range(len(codes))]


def ancestors_by_id(organisations) -> dict[int, list[int]]:
    """organisation id → the ids of the organisation and of each one above it (from the paths)."""
    ids = dict(organisations.values_list("path", "pk"))
    return {pk: [ids[p] for p in ancestor_paths(path)] for path, pk in ids.items()}


def add_up(
    out: Counter, rows: Iterable[tuple[int, date | None, int]], field: str, ancestors: dict[int, list[int]]
) -> Counter:
    """Adds counts grouped by the organisation they belong to, (organisation id, month, n), to that
    organisation's rows and those of each organisation above it (a rebuild's step)."""
    for organisation_id, month, n in rows:
        if n:
            for above in ancestors[organisation_id]:
                out[above, month, field] += n
    return out


def _order(item) -> tuple:
    (organisation_id, month), _fields = item
    return organisation_id, month or date.min  # a row without a month (counts that hold in every month)


def difference(after: Counter, before: Counter) -> Counter:
    """after − before, keeping negative counts (Counter's own subtraction drops them)."""
    out = Counter(after)
    out.subtract(before)
    return out


def apply(model, changes: Counter) -> None:
    """Adds each (organisation, month, field) → n to the model's rows, creating the missing rows."""
    rows: dict[tuple[int, date], dict[str, int]] = {}
    for (organisation_id, month, field), n in changes.items():
        if n:
            rows.setdefault((organisation_id, month), {})[field] = n
    for (organisation_id, month), fields in sorted(rows.items(), key=_order):
        _add(model, organisation_id, month, fields)


def _add(model, organisation_id: int, month: date, fields: dict[str, int]) -> None:
    increments = {field: F(field) + n for field, n in fields.items()}
    existing = model.objects.filter(organisation_id=organisation_id, month=month)
    if existing.update(**increments):
        return
    try:
        with transaction.atomic():
            model.objects.create(organisation_id=organisation_id, month=month, **fields)
    except IntegrityError:  # another transaction created the row meanwhile
        existing.update(**increments)


def replace_all(model, changes: Counter) -> int:
    """Replaces every row of the model by these counts (a rebuild); returns the number of rows."""
    rows: dict[tuple[int, date], dict[str, int]] = {}
    for (organisation_id, month, field), n in changes.items():
        if n:
            rows.setdefault((organisation_id, month), {})[field] = n
    model.objects.all().delete()
    model.objects.bulk_create(
        [model(organisation_id=o, month=m, **fields) for (o, m), fields in sorted(rows.items(), key=_order)],
        batch_size=5000,
    )
    return len(rows)


@dataclass(frozen=True)
class Total:
    """A figure added up from an organisation's own rows of a roll-up model, for a year and the year
    before: its fields summed (a leading "-" subtracts one) over the months of the year, or with
    through=True over every month up to the year's end (undated=True: and the rows without a month)."""

    model: Any
    fields: tuple[str, ...]
    through: bool = False
    undated: bool = False


def read_totals(organisation_id: int, year: int, totals: dict) -> dict:
    """Every total, {"value": …, "previous": …}, in ONE statement: per model an aggregate of the
    organisation's own rows (found by the (organisation, month) index), the aggregates side by side."""
    by_model: dict[Any, list] = {}
    for key, total in totals.items():
        by_model.setdefault(total.model, []).append((key, total))
    if not by_model:
        return {}
    selects, columns, params = [], [], []
    for n, (model, wanted) in enumerate(by_model.items()):
        meta = model._meta
        sums = []
        for key, total in wanted:
            terms = " ".join(
                f"{'-' if name.startswith('-') else '+'} {_column(meta, name.lstrip('-'))}"
                for name in total.fields
            )
            places = max(
                getattr(meta.get_field(name.lstrip("-")), "decimal_places", None) or 0
                for name in total.fields
            )
            for when, y in (("value", year), ("previous", year - 1)):
                condition, condition_params = _months(meta, y, total.through, total.undated)
                sums.append(f"SUM(CASE WHEN {condition} THEN {terms} END)")
                params.extend(condition_params)
                columns.append((key, when, places))
        where, where_params = _months(
            meta, year, any(t.through for _k, t in wanted), any(t.undated for _k, t in wanted), since=year - 1
        )
        selects.append(
            f"(SELECT {', '.join(sums)} FROM {connection.ops.quote_name(meta.db_table)} "  # noqa: S608 (names from the models)
            f"WHERE {_column(meta, 'organisation')} = %s AND {where}) AS r{n}"
        )
        params.extend([organisation_id, *where_params])
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {' CROSS JOIN '.join(selects)}", params)  # noqa: S608 (as above)
        row = cursor.fetchone()
    out: dict = {}
    for (key, when, places), value in zip(columns, row, strict=True):
        out.setdefault(key, {})[when] = _number(value, places)
    return out


def _column(meta, name: str) -> str:
    return connection.ops.quote_name(meta.get_field(name).column)


def _months(meta, year: int, through: bool, undated: bool, since: int | None = None) -> tuple[str, list]:
    """The rows of the months of the year (from January of `since`), or of every month up to its end."""
    month, day = _column(meta, "month"), connection.ops.adapt_datefield_value
    if through:
        sql, params = f"{month} <= %s", [day(date(year, 12, 1))]
    else:
        sql, params = f"{month} BETWEEN %s AND %s", [day(date(since or year, 1, 1)), day(date(year, 12, 1))]
    return (f"({sql} OR {month} IS NULL)", params) if undated else (sql, params)


def _number(value, places: int):
    """A sum as the database gives it (None: no rows), as an int or, for decimals, an exact Decimal
    (SQLite adds decimals as floats)."""
    if value is None:
        value = 0
    if not places:
        return int(value)
    return Decimal(str(value)).quantize(Decimal(1).scaleb(-places))
