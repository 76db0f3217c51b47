"""The joining rule, once: who may become a member of a union on a day. The member form, the roster
import and the founding's registration all ask here, so they refuse the same things in the same words.

None of these messages names anyone: an officer who types another union's member's ID number learns
which union holds the membership — whom to ask for a transfer — and that the name typed does not
match, never the name on record.
"""

from datetime import date

from django.utils.translation import gettext as _

MIN_AGE, MAX_AGE = 16, 70


def age_on(birth: date, on: date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def age_problem(birth: date, on: date) -> str | None:
    """Why someone born on `birth` may not join on `on`, or None."""
    age = age_on(birth, on)
    if MIN_AGE <= age <= MAX_AGE:
        return None
    return _("入会时年龄为%(age)d周岁，应在%(a)d至%(b)d周岁之间") % {"age": age, "a": MIN_AGE, "b": MAX_AGE}


def name_mismatch() -> str:
    return _("填写的姓名与该公民身份号码登记的姓名不一致，请核对身份证件")


def active_elsewhere(union_name: str) -> str:
    return _("该人员已是%(union)s的在册会员，如需变更请办理会员关系接转") % {"union": union_name}


def rejoin_problem(last_ended: date | None, started_on: date) -> str | None:
    """A former member rejoins on or after the end of their last membership."""
    if last_ended is not None and started_on < last_ended:
        return _("入会日期不能早于该人员上一段会员关系的结束日期%(d)s") % {"d": last_ended.isoformat()}
    return None
