"""Reading a query's plan in tests: a search or list page must be served by an index, never by a
full scan of a table that grows with the data, on either database."""

import re

from django.db import connection, transaction
from django.db.models import QuerySet


def plan(queryset: QuerySet) -> list[str]:
    """The lines of the query's plan. On PostgreSQL sequential scans are priced out first, so that
    a scan left in the plan means no index can serve the query (a tiny test table would otherwise
    be scanned whatever its indexes)."""
    sql, params = queryset.query.sql_with_params()
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(f"EXPLAIN {sql}", params)
            return [row[0] for row in cursor.fetchall()]
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        return [row[-1] for row in cursor.fetchall()]


def full_scans(queryset: QuerySet, tables: list[str]) -> list[str]:
    """The plan's lines that read the whole of one of these tables: a sequential scan, or on SQLite
    a walk of a whole table or index whose order the query then sorts again."""
    lines = plan(queryset)
    names = "|".join(map(re.escape, tables))
    if connection.vendor == "postgresql":
        return [line for line in lines if re.search(rf"Seq Scan on ({names})\b", line)]
    sorted_again = any("USE TEMP B-TREE FOR ORDER BY" in line for line in lines)
    return [
        line
        for line in lines
        if re.match(rf"SCAN ({names})\b", line.strip())
        and (sorted_again or not re.search(r"USING (COVERING )?INDEX", line))
    ]
