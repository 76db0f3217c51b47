"""The marking rules as plain functions: a criterion's mark from the value a judge entered, a
competitor's part scores and total, the one ranking function with the organisers' tie-break chain,
and the awards by the event's rule. No database access: services and selectors feed them rows."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

CENT = Decimal("0.01")
HUNDRED = Decimal(100)
TIME = "time"
PART = "part:"


def cents(value: Decimal) -> Decimal:
    return Decimal(value).quantize(CENT, ROUND_HALF_UP)


def value_error(criterion, value: Decimal) -> str | None:
    """Why the value is out of the criterion's range (None when it is in range)."""
    kind = criterion.kind
    if value is None:
        return _("请填写%(name)s的分值") % {"name": criterion.name}
    if kind == "judgement":
        if value != value.to_integral_value() or not 0 <= value <= 3:
            return _("%(name)s按0–3级评判，%(value)s超出范围") % {"name": criterion.name, "value": value}
    elif kind == "measurement":
        top = 1 if criterion.deduction is None else 999
        if value != value.to_integral_value() or not 0 <= value <= top:
            if criterion.deduction is None:
                return _("%(name)s只能填0（合格）或1（不合格）") % {"name": criterion.name}
            return _("%(name)s的失误处数应为0–999的整数") % {"name": criterion.name}
    elif not 0 <= value <= 86400:
        return _("%(name)s的用时应为0–86400秒") % {"name": criterion.name}
    return None


def mark(criterion, value: Decimal) -> Decimal:
    """The mark one entered value gives (a judgement: one judge's level ÷ 3 × the maximum)."""
    top = criterion.max_mark
    if criterion.kind == "judgement":
        return cents(Decimal(value) / 3 * top)
    if criterion.kind == "measurement":
        if criterion.deduction is None:
            return top if value == 0 else Decimal("0.00")
        return cents(max(Decimal(0), top - criterion.deduction * Decimal(value)))
    standard, limit = criterion.standard_seconds, criterion.limit_seconds
    if value <= standard:
        return top
    if value >= limit:
        return Decimal("0.00")
    return cents(top * (limit - Decimal(value)) / (limit - standard))


def spread(levels: Iterable[Decimal]) -> int:
    levels = list(levels)
    return int(max(levels) - min(levels)) if levels else 0


@dataclass(frozen=True)
class Entry:
    """What ranks one competitor: total, part scores by part name, time in seconds."""

    ref: object
    total: Decimal
    parts: dict = field(default_factory=dict)
    seconds: int = 0


def standing(parts: Sequence, marks: dict, seconds: int, ref=None) -> Entry:
    """An Entry from the event's parts, (name, weight %, criteria) each, and the criterion marks
    {criterion id: mark} (a judgement's: the mean of its judges' marks). A part scores its marks out
    of 100; the total weighs the parts."""
    part_scores, total = {}, Decimal(0)
    for name, weight, criteria in parts:
        top = sum((c.max_mark for c in criteria), Decimal(0))
        got = sum((marks.get(c.pk, Decimal(0)) for c in criteria), Decimal(0))
        score = cents(got / top * HUNDRED) if top else Decimal("0.00")
        part_scores[name] = score
        total += score * weight / HUNDRED
    return Entry(ref=ref, total=cents(total), parts=part_scores, seconds=seconds)


def chain_error(chain: Sequence[str], part_names: Iterable[str]) -> str | None:
    """Why a tie-break chain is not valid for the event's parts (None when it is)."""
    names = set(part_names)
    if len(set(chain)) != len(chain):
        return _("同分排序规则中有重复的条件")
    for item in chain:
        if item == TIME:
            continue
        if not item.startswith(PART) or item[len(PART) :] not in names:
            return _("同分排序规则中的“%(item)s”不是本项目的评分部分或用时") % {"item": item}
    return None


def describe_step(item: str) -> str:
    """A step of the chain in words: "part:实操" → 实操得分高者在前, "time" → 用时少者在前."""
    if item == TIME:
        return _("用时少者在前")
    return _("%(part)s得分高者在前") % {"part": item[len(PART) :]}


def _key(entry: Entry, chain: Sequence[str]) -> tuple:
    key = [-entry.total]
    for item in chain:
        key.append(entry.seconds if item == TIME else -entry.parts.get(item[len(PART) :], Decimal(0)))
    return tuple(key)


def rank(entries: Iterable[Entry], chain: Sequence[str]) -> list[tuple[Entry, int]]:
    """The entries in order with their places: by total, then by each step of the chain ("part:实操"
    the higher part score first, "time" the less time first); entries still equal share a place and
    the next place is skipped (two share 2nd, the next is 4th). Equal entries keep their given order."""
    ordered = sorted(entries, key=lambda e: _key(e, chain))
    ranked, previous = [], None
    for position, entry in enumerate(ordered, start=1):
        key = _key(entry, chain)
        place = ranked[-1][1] if previous == key else position
        ranked.append((entry, place))
        previous = key
    return ranked


def award_counts(basis: str, numbers: Sequence[Decimal], competitors: int) -> list[int]:
    """How many of each award (first, second, third, merit): the numbers themselves, or a ratio (%) of
    the competitors rounded down."""
    if basis == "ratio":
        return [int((Decimal(competitors) * n / HUNDRED).to_integral_value(ROUND_DOWN)) for n in numbers]
    return [int(n) for n in numbers]


def awards(ranked: Sequence[tuple[Entry, int]], counts: Sequence[int], keys: Sequence[str]) -> dict:
    """{ref: award key or ""}: places within the first count win the first award, the next count the
    second, and so on; a place shared across a boundary wins the better award for all who share it."""
    bounds, running = [], 0
    for count in counts:
        running += count
        bounds.append(running)
    result = {}
    for entry, place in ranked:
        result[entry.ref] = next((key for key, bound in zip(keys, bounds, strict=True) if place <= bound), "")
    return result
