"""What a claim is worth under its plan's rules: pure functions of the plan, the enrolment and the claims
already decided, one line of explanation per rule. Services call `assess` when a claim is filed (a
claim the rules refuse outright is not accepted) and again when the amount is set (核定)."""

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext as _

from gonghui.core.errors import field_error

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
MAX_AMOUNT = Decimal(10) ** 10  # what the columns hold (12 digits, 2 of them decimals)


def money(value, *, field: str, label: str, allow_none: bool = False) -> Decimal | None:
    """A sum of money in yuan: a Decimal with at most two places, not negative; refused naming the field."""
    if value is None or value == "":
        if allow_none:
            return None
        raise field_error(field, _("请填写%(label)s") % {"label": label}, code="required")
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        raise field_error(field, _("%(label)s不是有效的金额") % {"label": label}) from None
    if not amount.is_finite():
        raise field_error(field, _("%(label)s不是有效的金额") % {"label": label})
    if abs(amount) >= MAX_AMOUNT:
        raise field_error(field, _("%(label)s不能超过一百亿元") % {"label": label})
    if amount.as_tuple().exponent < -2 and amount != amount.quantize(CENT):
        raise field_error(field, _("%(label)s最多保留两位小数（精确到分）") % {"label": label})
    if amount < 0:
        raise field_error(field, _("%(label)s不能为负数") % {"label": label})
    return amount.quantize(CENT)


def yuan(amount: Decimal) -> str:
    return f"{amount:,.2f}"


def percent(ratio: Decimal) -> str:
    return f"{(ratio * 100).normalize():f}%"


def months_before(day: date, months: int) -> date:
    """The same day `months` months earlier (the month's last day where that day does not exist)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    for d in (day.day, 30, 29, 28):
        try:
            return date(year, month + 1, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def stay_days(admitted: date | None, discharged: date | None) -> int:
    """Days in hospital: discharge minus admission, a same-day stay counting one."""
    if admitted is None or discharged is None:
        return 0
    return max((discharged - admitted).days, 1)


def required_participants(plan, headcount: int) -> int:
    """How many of an enterprise's eligible staff must be enrolled: all of them below the plan's headcount
    line, else the plan's minimum share (rounded up)."""
    if headcount < plan.all_below_headcount:
        return headcount
    return math.ceil(plan.min_participation * headcount)


def age_in(year: int, birth_year: int) -> int:
    return year - birth_year


@dataclass(frozen=True)
class Prior:
    """A claim of the same enrolment whose amount is set (it counts against limits)."""

    event_on: date
    admitted_on: date | None
    discharged_on: date | None
    cause_hash: str
    amount: Decimal


@dataclass(frozen=True)
class Facts:
    """What the rules read of the claim being assessed."""

    event_on: date
    admitted_on: date | None
    discharged_on: date | None
    cause_hash: str
    total_cost: Decimal
    insurance_paid: Decimal


@dataclass
class Assessment:
    amount: Decimal = ZERO
    lines: list[str] = field(default_factory=list)
    refusal: str = ""  # why nothing is payable, "" when something is
    refused_field: str = "event_on"

    def refuse(self, message: str, field: str = "event_on") -> "Assessment":
        self.lines.append(message)
        self.refusal, self.refused_field, self.amount = message, field, ZERO
        return self


def _same_stay(plan, admitted_on: date | None, cause_hash: str, priors: Sequence[Prior]) -> list[Prior]:
    """Earlier stays for the same cause that end within the plan's months before this admission."""
    if not plan.same_cause_months or admitted_on is None:
        return []
    since = months_before(admitted_on, plan.same_cause_months)
    return [
        p
        for p in priors
        if p.cause_hash == cause_hash
        and p.discharged_on is not None
        and since <= p.discharged_on <= admitted_on
    ]


def _stays_in_year(plan, priors: Sequence[Prior], year: int) -> int:
    """Decided claims of the year, a stay that continues an earlier one for the same cause not counted again."""
    return sum(
        1
        for p in priors
        if p.event_on.year == year
        and not _same_stay(plan, p.admitted_on, p.cause_hash, [q for q in priors if q is not p])
    )


def assess(*, plan, enrolment, birth_year: int, facts: Facts, priors: Sequence[Prior]) -> Assessment:
    result = Assessment()
    lines = result.lines
    day = facts.event_on
    shares = enrolment.shares

    # 1. cover
    if not enrolment.covered_from <= day <= enrolment.covered_until:
        return result.refuse(
            _("出险日期%(day)s不在保障期（%(start)s至%(end)s）内，不予给付")
            % {"day": day, "start": enrolment.covered_from, "end": enrolment.covered_until}
        )
    lines.append(
        _("保障期：%(start)s至%(end)s，出险日期%(day)s在保障期内")
        % {"start": enrolment.covered_from, "end": enrolment.covered_until, "day": day}
    )
    # 2. age
    age = age_in(day.year, birth_year)
    if not plan.min_age <= age <= plan.max_age:
        return result.refuse(
            _("出险时%(age)d岁，不在本计划%(min)d至%(max)d岁的保障范围内，不予给付")
            % {"age": age, "min": plan.min_age, "max": plan.max_age}
        )
    lines.append(
        _("年龄：出险时%(age)d岁，在%(min)d至%(max)d岁保障范围内")
        % {"age": age, "min": plan.min_age, "max": plan.max_age}
    )
    # 3. exclusion period, counted from the first day of unbroken cover (a renewal carries it)
    nth = (day - enrolment.continuous_since).days + 1
    if plan.exclusion_days:
        if nth <= plan.exclusion_days:
            return result.refuse(
                _("免责期第%(n)d天（共%(days)d天），不予给付") % {"n": nth, "days": plan.exclusion_days}
            )
        lines.append(
            _("免责期：连续参保自%(since)s，出险为第%(n)d天，已过%(days)d天免责期")
            % {"since": enrolment.continuous_since, "n": nth, "days": plan.exclusion_days}
        )
    # 4. reduced liability right after the exclusion period
    factor = Decimal(1)
    if plan.reduced_days and nth <= plan.exclusion_days + plan.reduced_days:
        factor = plan.reduced_ratio
        lines.append(
            _("减责期第%(n)d天（共%(days)d天），按%(ratio)s给付")
            % {"n": nth - plan.exclusion_days, "days": plan.reduced_days, "ratio": percent(factor)}
        )
    # 5. the same cause within N months is one stay; otherwise the claim counts against the yearly count
    merged = _same_stay(plan, facts.admitted_on, facts.cause_hash, priors)
    earlier_days = sum(stay_days(p.admitted_on, p.discharged_on) for p in merged)
    if merged:
        lines.append(
            _("同一病因%(months)d个月内再次住院，与此前%(days)d天合并为一次住院，不另计给付次数")
            % {"months": plan.same_cause_months, "days": earlier_days}
        )
    elif plan.claims_per_year:
        count = _stays_in_year(plan, priors, day.year)
        if count >= plan.claims_per_year:
            return result.refuse(
                _("本年度已给付%(count)d次，达到每年%(limit)d次的上限，不予给付")
                % {"count": count, "limit": plan.claims_per_year}
            )
        lines.append(
            _("给付次数：本年度第%(n)d次（每年最多%(limit)d次）")
            % {"n": count + 1, "limit": plan.claims_per_year}
        )
    # 6. benefits
    base = ZERO
    if plan.daily_tiers:
        days = stay_days(facts.admitted_on, facts.discharged_on)
        if not days:
            lines.append(_("住院津贴：无住院日期，不计"))
        else:
            first, last = earlier_days + 1, earlier_days + days
            lines.append(
                _("住院%(days)d天（%(a)s至%(b)s），按第%(first)d至%(last)d天计")
                % {
                    "days": days,
                    "a": facts.admitted_on,
                    "b": facts.discharged_on,
                    "first": first,
                    "last": last,
                }
            )
            for tier in plan.daily_tiers:
                low = max(first, tier["from"])
                high = min(last, tier["to"] or last)
                if low > high:
                    continue
                n = high - low + 1
                per_day = Decimal(tier["amount"])
                if not per_day:
                    lines.append(
                        _("第%(a)d至%(b)d天：%(n)d天，不予给付（免赔天数）") % {"a": low, "b": high, "n": n}
                    )
                    continue
                part = per_day * n * shares
                base += part
                lines.append(
                    _("第%(a)d至%(b)d天：%(n)d天×%(per)s元×%(shares)d份=%(part)s元")
                    % {
                        "a": low,
                        "b": high,
                        "n": n,
                        "per": yuan(per_day),
                        "shares": shares,
                        "part": yuan(part),
                    }
                )
    if plan.fixed_sum:
        part = plan.fixed_sum * shares
        base += part
        lines.append(
            _("定额给付：%(sum)s元×%(shares)d份=%(part)s元")
            % {"sum": yuan(plan.fixed_sum), "shares": shares, "part": yuan(part)}
        )
    if plan.cost_ratio:
        out = facts.total_cost - facts.insurance_paid
        part = (out * plan.cost_ratio).quantize(CENT, ROUND_HALF_UP)
        base += part
        lines.append(
            _("自付费用：总费用%(total)s元−医保报销%(ins)s元=%(out)s元，×%(ratio)s=%(part)s元")
            % {
                "total": yuan(facts.total_cost),
                "ins": yuan(facts.insurance_paid),
                "out": yuan(out),
                "ratio": percent(plan.cost_ratio),
                "part": yuan(part),
            }
        )
    amount = base
    if factor != 1:
        amount = (base * factor).quantize(CENT, ROUND_HALF_UP)
        lines.append(
            _("减责：%(base)s元×%(ratio)s=%(amount)s元")
            % {"base": yuan(base), "ratio": percent(factor), "amount": yuan(amount)}
        )
    # 7. limits, each per share
    if plan.claim_limit is not None:
        cap = plan.claim_limit * shares
        if amount > cap:
            lines.append(_("单次限额%(cap)s元：超出部分不予给付，按%(cap)s元计") % {"cap": yuan(cap)})
            amount = cap
        else:
            lines.append(_("单次限额%(cap)s元：未超过") % {"cap": yuan(cap)})
    for limit, used, label in (
        (plan.year_limit, sum((p.amount for p in priors if p.event_on.year == day.year), ZERO), _("年度")),
        (plan.term_limit, sum((p.amount for p in priors), ZERO), _("保障期内")),
    ):
        if limit is None:
            continue
        cap = limit * shares
        left = max(cap - used, ZERO)
        if amount > left:
            lines.append(
                _("%(label)s限额%(cap)s元，已给付%(used)s元，尚余%(left)s元，按%(left)s元计")
                % {"label": label, "cap": yuan(cap), "used": yuan(used), "left": yuan(left)}
            )
            amount = left
        else:
            lines.append(
                _("%(label)s限额%(cap)s元，已给付%(used)s元，尚余%(left)s元，未超过")
                % {"label": label, "cap": yuan(cap), "used": yuan(used), "left": yuan(left)}
            )
    amount = amount.quantize(CENT, ROUND_HALF_UP)
    if amount <= 0:
        return result.refuse(_("按本计划规则核定金额为0元，不予给付"), "total_cost")
    if amount >= MAX_AMOUNT:
        return result.refuse(_("核定金额超过一百亿元，请核对计划的给付标准"), "total_cost")
    result.amount = amount
    lines.append(_("核定给付：%(amount)s元") % {"amount": yuan(amount)})
    return result
