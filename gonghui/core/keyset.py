"""Keyset (cursor) pagination for list pages: each page is one indexed range read, as fast on the
thousandth page as on the first, whatever the size of the list.

A page is asked for by a signed cursor holding the sort keys of the row it starts after (下一页) or
before (上一页), or by a jump to a value of the first key (a letter of the pinyin, a date). The keys
must end with a unique one (the primary key) and be NOT NULL; the list's ordering is the keys'.
A cursor that was altered, made for another ordering or holds values that no longer parse gives
the first page with a note, never an error. Nothing is counted: a page knows only whether there is
a next and a previous one (the view shows a count from the roll-ups, or none).
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from django.core import signing
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import CharField, F, Func, Q, QuerySet
from django.utils.translation import gettext_lazy as _

SALT = "gonghui.core.keyset"
CURSOR_PARAM = "cursor"
JUMP_PARAM = "from"
STALE = _("分页位置已失效或被改动，已回到第一页")


@dataclass
class KeysetPage:
    rows: list
    next_cursor: str | None = None
    previous_cursor: str | None = None
    note: str = ""
    jumped: bool = False
    extra: dict = field(default_factory=dict)

    def __iter__(self):
        return iter(self.rows)

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, index):
        return self.rows[index]

    @property
    def object_list(self) -> list:
        return self.rows

    @property
    def has_next(self) -> bool:
        return self.next_cursor is not None

    @property
    def has_previous(self) -> bool:
        return self.previous_cursor is not None

    @property
    def has_other_pages(self) -> bool:
        return self.has_next or self.has_previous


def _parse(model, lookup: str, value):
    """A key's value from a cursor or a jump, as its field reads it (an annotation's as it is)."""
    *path, last = lookup.split("__")
    try:
        for part in path:
            model = model._meta.get_field(part).related_model
        field = model._meta.pk if last == "pk" else model._meta.get_field(last)
    except FieldDoesNotExist:
        if not isinstance(value, str | int):
            raise ValueError(value) from None
        return value
    return field.to_python(value)


def _value_of(row, lookup: str):
    for part in lookup.split("__"):
        row = row.pk if part == "pk" else getattr(row, part)
    return row


def _dump(value):
    return value.isoformat() if isinstance(value, date | datetime) else value


def after(keys: Sequence[str], values: Sequence, *, backwards: bool = False) -> Q:
    """Rows after these key values in the keys' order (before them, backwards): the lexicographic
    comparison spelled out as (k1 > v1) OR (k1 = v1 AND k2 > v2) OR …, with k1 ≥ v1 beside it, which
    is what lets either database read it as one range of an index starting with k1."""
    condition = Q()
    equal = Q()
    for key, value in zip(keys, values, strict=True):
        descending = key.startswith("-") != backwards
        name = key.lstrip("-")
        condition |= equal & Q(**{f"{name}__{'lt' if descending else 'gt'}": value})
        equal &= Q(**{name: value})
    first = keys[0].lstrip("-")
    descending = keys[0].startswith("-") != backwards
    return Q(**{f"{first}__{'lte' if descending else 'gte'}": values[0]}) & condition


def _reversed(keys: Sequence[str]) -> list[str]:
    return [k[1:] if k.startswith("-") else f"-{k}" for k in keys]


def paginate(
    queryset: QuerySet, keys: Sequence[str], *, cursor: str | None = None, jump=None, size: int = 50
) -> KeysetPage:
    """One page of queryset in the order of keys (e.g. ["person__name_pinyin", "person_id", "pk"]),
    from a cursor of an earlier page, or from a jump: rows whose first key is at or past that value.
    One query; two when a page read backwards turns out to be the first one."""
    keys = list(keys)
    shape = "|".join(keys)
    note = ""
    position = None
    if cursor:
        try:
            position = signing.loads(cursor, salt=SALT)
            if position.get("s") != shape or position.get("d") not in ("n", "p"):
                raise ValueError
            values = [
                _parse(queryset.model, k.lstrip("-"), v) for k, v in zip(keys, position["v"], strict=True)
            ]
        except (signing.BadSignature, ValueError, TypeError, KeyError, AttributeError, ValidationError):
            position, note = None, STALE
    jumped = False
    if position is None and jump not in (None, ""):
        first = keys[0].lstrip("-")
        try:
            value = _parse(queryset.model, first, jump)
        except (ValidationError, ValueError, TypeError):
            value = None
        if value is not None:
            queryset = queryset.filter(**{f"{first}__{'lte' if keys[0].startswith('-') else 'gte'}": value})
            jumped = True
    if position is not None and position["d"] == "p":
        rows = list(
            queryset.filter(after(keys, values, backwards=True)).order_by(*_reversed(keys))[: size + 1]
        )
        more_before = len(rows) > size
        rows = rows[:size][::-1]
        if not more_before:  # the start of the list: shown as the first page, full
            first_page = paginate(queryset, keys, size=size)
            first_page.note = note
            return first_page
        page = KeysetPage(rows, note=note)
        page.previous_cursor = _cursor(shape, keys, rows[0], "p")
        page.next_cursor = _cursor(shape, keys, rows[-1], "n")
        return page
    if position is not None:
        queryset = queryset.filter(after(keys, values))
    rows = list(queryset.order_by(*keys)[: size + 1])
    page = KeysetPage(rows[:size], note=note, jumped=jumped)
    if len(rows) > size:
        page.next_cursor = _cursor(shape, keys, rows[size - 1], "n")
    if (position is not None or jumped) and page.rows:
        page.previous_cursor = _cursor(shape, keys, page.rows[0], "p")
    return page


def _cursor(shape: str, keys: Sequence[str], row, direction: str) -> str:
    values = [_dump(_value_of(row, k.lstrip("-"))) for k in keys]
    return signing.dumps({"s": shape, "d": direction, "v": values}, salt=SALT, compress=True)


def page_of(request, queryset: QuerySet, keys: Sequence[str], *, size: int = 50, jump=None) -> KeysetPage:
    """The page a request asks for (?cursor=…, or ?from=… when the view passes no jump of its own)."""
    return paginate(
        queryset,
        keys,
        cursor=request.GET.get(CURSOR_PARAM),
        jump=request.GET.get(JUMP_PARAM) if jump is None else jump,
        size=size,
    )


def unindexed(lookup: str) -> Func:
    """The column's value as an expression no index is on: ordered or filtered by it, a narrow list
    (a union's) is read through its own index and sorted, instead of the database walking the whole
    city along the column's index for the list's few."""
    return Func(F(lookup), template="(%(expressions)s || '')", output_field=CharField())


def starts_with(lookup: str, prefix: str) -> Q:
    """Values starting with prefix, as a range (prefix ≤ value < the next prefix): one range of a
    B-tree index on either database for a column compared code point by code point (SQLite's
    default, BytewiseCharField on PostgreSQL), where LIKE is read through an index on neither."""
    following = prefix[:-1] + chr(ord(prefix[-1]) + 1)
    return Q(**{f"{lookup}__gte": prefix, f"{lookup}__lt": following})
