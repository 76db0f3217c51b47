"""The members' roll-up (MemberMonth): what one person's membership history adds to the rows of each
organisation it passes through and of those above them.

For every organisation whose subtree holds a membership of the person: +1 started in the month it
started, +1 ended in the month it ended (at a transfer the old one ends and the new one starts on
the same day), and, per year, +1 new in the month of the person's first start of that year that is
not a transfer from another union of the same subtree (a transfer from outside, joining, rejoining
are new; a person who joins twice in a year is new once). The services call person_changing around
a change; rebuild recomputes all from the memberships.
"""

import operator
from collections import Counter, defaultdict
from collections.abc import Iterable
from contextlib import contextmanager
from datetime import date, datetime
from functools import reduce
from typing import NamedTuple

from django.db import connection
from django.db.models import Case, Count, Exists, F, IntegerField, Max, Min, OuterRef, Q, When
from django.db.models.functions import ExtractYear, TruncMonth

from gonghui.core import rollups
from gonghui.members.models import MemberMonth, Membership
from gonghui.orgs.models import Organisation


class Period(NamedTuple):
    path: str  # the union's
    started_on: date
    start_reason: str
    ended_on: date | None
    end_reason: str


FIELDS = ("union__path", "started_on", "start_reason", "ended_on", "end_reason")


def contribution(periods: list[Period], ids_by_path: dict[str, int], out: Counter | None = None) -> Counter:
    """The person's counts, added to out (a new Counter by default)."""
    out = Counter() if out is None else out
    first_new: dict[tuple[str, int], date] = {}  # (organisation path, year) → first new start
    for period in periods:
        joined = period.start_reason == Membership.StartReason.JOINED
        sources = (
            ()
            if joined
            else [
                other.path
                for other in periods
                if other.ended_on == period.started_on
                and other.end_reason == Membership.EndReason.TRANSFERRED_OUT
            ]
        )
        for path in rollups.ancestor_paths(period.path):
            organisation_id = ids_by_path[path]
            out[organisation_id, rollups.month_of(period.started_on), "started"] += 1
            if period.ended_on is not None:
                out[organisation_id, rollups.month_of(period.ended_on), "ended"] += 1
            from_inside = not joined and any(source.startswith(path) for source in sources)
            if not from_inside:
                key = (path, period.started_on.year)
                if key not in first_new or period.started_on < first_new[key]:
                    first_new[key] = period.started_on
    for (path, _year), day in first_new.items():
        out[ids_by_path[path], rollups.month_of(day), "new"] += 1
    return out


def _periods(person_ids: Iterable[int]) -> dict[int, list[Period]]:
    periods: dict[int, list[Period]] = defaultdict(list)
    rows = Membership.objects.filter(person_id__in=list(person_ids)).values_list("person_id", *FIELDS)
    for person_id, *fields in rows:
        periods[person_id].append(Period(*fields))
    return periods


def _figures(person_ids: list[int]) -> Counter:
    if not person_ids:
        return Counter()
    periods = _periods(person_ids)
    paths = {
        p for history in periods.values() for period in history for p in rollups.ancestor_paths(period.path)
    }
    ids = dict(Organisation.objects.filter(path__in=paths).values_list("path", "pk"))
    total: Counter = Counter()
    for history in periods.values():
        total.update(contribution(history, ids))
    return total


@contextmanager
def person_changing(*person_ids: int | None):
    """Around a change of some people's memberships (None: a person not yet saved, who has none):
    their roll-up rows follow. Call inside the change's transaction."""
    known = [pk for pk in person_ids if pk is not None]
    before = _figures(known)
    changed: list[int] = []
    yield changed  # the caller adds the ids of people it created
    rollups.apply(MemberMonth, rollups.difference(_figures(known + changed), before))


def record_new_joiners(union: Organisation, started: Iterable[date]) -> None:
    """The roll-up of people created with one membership each, joining union on these days (a roster
    import): started and new in each month, for the union and the organisations above it."""
    months = Counter(rollups.month_of(day) for day in started)
    ids = dict(
        Organisation.objects.filter(path__in=rollups.ancestor_paths(union.path)).values_list("path", "pk")
    )
    changes: Counter = Counter()
    for organisation_id in ids.values():
        for month, n in months.items():
            changes[organisation_id, month, "started"] += n
            changes[organisation_id, month, "new"] += n
    rollups.apply(MemberMonth, changes)


def _at_depth(union: str, depth: int, deepest: int) -> Case:
    """The id of the organisation at that depth above (or at) the union the lookup `union` names."""
    return Case(
        *(
            When(**{f"{union}__depth": depth + up}, then=F("__".join([union] + ["parent"] * up)))
            for up in range(deepest - depth + 1)
        ),
        output_field=IntegerField(),
    )


def _firsts_sql(depth: int, deepest: int) -> tuple[str, tuple]:
    """For each organisation at that depth, person and year: the month of the person's first start
    of the year in a union of its subtree that is not a transfer from another union of it."""
    organisation = _at_depth("union", depth, deepest)
    from_inside = Exists(
        Membership.objects.filter(
            person_id=OuterRef("person_id"),
            ended_on=OuterRef("started_on"),
            end_reason=Membership.EndReason.TRANSFERRED_OUT,
        ).filter(
            reduce(
                operator.or_,
                (
                    Q(**{"__".join(["union"] + ["parent"] * up): OuterRef("organisation")})
                    for up in range(deepest + 1)
                ),
            )
        )
    )
    firsts = (
        Membership.objects.filter(union__depth__gte=depth)
        .annotate(organisation=organisation)
        .filter(Q(start_reason=Membership.StartReason.JOINED) | ~from_inside)
        .values("organisation", "person_id", year=ExtractYear("started_on"))
        .annotate(first_month=TruncMonth(Min("started_on")))
        .values_list("organisation", "first_month")
        .order_by()
    )
    return firsts.query.sql_with_params()


def _as_date(value) -> date:
    """A month as a raw cursor returns it: a date, a timestamp (PostgreSQL) or text (SQLite)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, str):
        return date.fromisoformat(value[:10])
    return value


def rebuild() -> int:
    """Grouped in the database: memberships started and ended by union and month (then added up the
    tree), and new members by organisation and month, one query for each depth of the tree."""
    ancestors = rollups.ancestors_by_id(Organisation.objects.all())
    memberships = Membership.objects.order_by()
    total: Counter = Counter()
    started = memberships.values_list("union_id", TruncMonth("started_on")).annotate(n=Count("pk"))
    rollups.add_up(total, started, "started", ancestors)
    ended = (
        memberships.filter(ended_on__isnull=False)
        .values_list("union_id", TruncMonth("ended_on"))
        .annotate(n=Count("pk"))
    )
    rollups.add_up(total, ended, "ended", ancestors)
    deepest = Organisation.objects.aggregate(deepest=Max("depth"))["deepest"] or 0
    with connection.cursor() as cursor:
        for depth in range(deepest + 1):
            sql, params = _firsts_sql(depth, deepest)
            columns = ", ".join(
                f"firsts.{connection.ops.quote_name(c)}" for c in ("organisation", "first_month")
            )
            grouped = f"SELECT {columns}, COUNT(*) FROM ({sql}) firsts GROUP BY {columns}"  # noqa: S608 (a queryset's SQL)
            cursor.execute(grouped, params)
            for organisation_id, month, n in cursor.fetchall():
                total[organisation_id, _as_date(month), "new"] += n
    return rollups.replace_all(MemberMonth, total)
