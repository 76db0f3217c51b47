"""Fast inserts of already validated rows: COPY on PostgreSQL, executemany elsewhere.

Used inside the import's single transaction. Primary keys are allocated up front (from the
sequence on PostgreSQL, above the current maximum on SQLite, whose write lock the transaction
holds), so memberships and audit rows can point at the people inserted with them.
"""

import json
from collections.abc import Iterable, Iterator

from django.db import connection
from django.db.models import Model


def columns_of(model: type[Model], fields: list[str]) -> list[str]:
    return [model._meta.get_field(f).column for f in fields]


def allocate_ids(model: type[Model], count: int) -> list[int]:
    if count == 0:
        return []
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, count]
            )
            return [row[0] for row in cursor.fetchall()]
        cursor.execute(f'SELECT COALESCE(MAX("id"), 0) FROM "{table}"')  # noqa: S608 (a model's own table)
        start = cursor.fetchone()[0]
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        row = cursor.fetchone()
        start = max(start, row[0] if row else 0)
        return list(range(start + 1, start + 1 + count))


class JSONText(str):
    """A JSON value already serialised by the caller; inserted as it is."""


def _adapt(rows: Iterable[tuple], adapters: dict) -> Iterator[tuple]:
    """Adapts the values of some columns, each distinct value once (an import shares its timestamps)."""
    caches: dict[int, dict] = {i: {} for i in adapters}
    for row in rows:
        row = list(row)
        for i, adapt in adapters.items():
            value = row[i]
            cache = caches[i]
            key = value if not isinstance(value, dict | JSONText) else None
            if key is not None and key in cache:
                row[i] = cache[key]
            else:
                row[i] = adapted = adapt(value)
                if key is not None:
                    cache[key] = adapted
        yield tuple(row)


def _json(value) -> str:
    return value if isinstance(value, JSONText) else json.dumps(value, ensure_ascii=False)


# Column types that psycopg sends in COPY's binary format straight from the Python values we insert
# (str, int, date, aware datetime, None): the server then parses no text — a tenth less of its work.
BINARY_TYPES = {
    "bigint": "int8",
    "integer": "int4",
    "smallint": "int2",
    "text": "text",
    "date": "date",
    "timestamp with time zone": "timestamptz",
    "boolean": "bool",
}


def _binary_types(model: type[Model], fields: list[str]) -> list[str] | None:
    """The columns' types for a binary COPY, or None when one of them is sent as text (JSON, inet…)."""
    types = []
    for f in fields:
        field = model._meta.get_field(f)
        kind = (
            field.db_type(connection) if not field.is_relation else field.target_field.rel_db_type(connection)
        )
        kind = "text" if kind.startswith("varchar") else kind
        if kind not in BINARY_TYPES:
            return None
        types.append(BINARY_TYPES[kind])
    return types


def insert(model: type[Model], fields: list[str], rows: Iterable[tuple], *, adapted: bool = False) -> None:
    """Inserts rows (tuples in the order of fields; JSON fields as dicts or JSONText) into the model's
    table, streaming: rows may be any iterable, consumed once. adapted: the caller already gives every
    value in the form the database takes (dates as text on SQLite, JSON as JSONText)."""
    table = model._meta.db_table
    columns = columns_of(model, fields)
    adapters = {}
    for i, f in enumerate(fields if not adapted else ()):
        kind = model._meta.get_field(f).get_internal_type()
        if kind == "JSONField":
            adapters[i] = _json
        elif kind == "DateTimeField" and connection.vendor != "postgresql":
            adapters[i] = connection.ops.adapt_datetimefield_value
        elif kind == "DateField" and connection.vendor != "postgresql":
            adapters[i] = connection.ops.adapt_datefield_value
    if adapters:
        rows = _adapt(rows, adapters)
    quoted = ", ".join(f'"{c}"' for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            types = _binary_types(model, fields)
            binary = " (FORMAT BINARY)" if types else ""
            with cursor.cursor.copy(f'COPY "{table}" ({quoted}) FROM STDIN{binary}') as copy:
                if types:
                    copy.set_types(types)
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(f'INSERT INTO "{table}" ({quoted}) VALUES ({marks})', rows)  # noqa: S608
