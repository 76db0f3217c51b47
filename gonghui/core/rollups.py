"""Roll-ups: counts per organisation and month that the services keep exact as they write.

A roll-up row of an organisation counts its whole subtree (itself and everything under it), so a
figure for any organisation reads that organisation's own rows only — a few dozen rows a year,
whatever the size of the subtree. A change adds its differences to the rows of the organisation it
touches and of each organisation above it, in the transaction of the change.
"""

from collections import Counter
from collections.abc import Iterable
from datetime import date

from django.db import IntegrityError, transaction
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
