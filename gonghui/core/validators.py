"""Validation of what the platform keys on: resident ID, credit code, mobile phone, a person's name.

Each function returns the normalised value or raises ValidationError with a Chinese message that
names the field and the reason.
"""

import math
import re
import unicodedata
from datetime import date
from functools import cache

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum import numdb
from stdnum.cn import ric, uscc
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength

# Residence permits of Hong Kong, Macao and Taiwan residents use these region codes with the
# resident ID's check-digit rule; python-stdnum rejects them, our members hold them.
RESIDENCE_PERMIT_REGIONS = {"810000", "820000", "830000"}
EARLIEST_BIRTH_YEAR = 1900
RESIDENT_ID_RE = re.compile(r"\d{17}[\dX]")
NUMBER_SEPARATORS_RE = re.compile(r"[\s\-]")


def normalise_number(value) -> str:
    """Full-width to half-width, spaces and dashes dropped, upper case (x → X)."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFKC", str(value))
    return NUMBER_SEPARATORS_RE.sub("", text).upper()


def birth_date_of(number: str) -> date:
    return date(int(number[6:10]), int(number[10:12]), int(number[12:14]))


def gender_of(number: str) -> str:
    return "M" if int(number[16]) % 2 else "F"


def validate_resident_id(value, *, today: date | None = None) -> str:
    """today: pass it when checking many numbers (reading the clock's timezone costs ~10 µs)."""
    number = normalise_number(value)
    if not number:
        raise ValidationError(_("公民身份号码不能为空"), code="required")
    if len(number) != 18:
        raise ValidationError(_("公民身份号码应为18位，当前为%(n)d位") % {"n": len(number)}, code="length")
    if not RESIDENT_ID_RE.fullmatch(number):
        raise ValidationError(_("公民身份号码只能由数字和末位X组成"), code="format")
    try:
        born = birth_date_of(number)
    except ValueError:
        raise ValidationError(_("公民身份号码中的出生日期无效"), code="birth_date") from None
    if born.year < EARLIEST_BIRTH_YEAR or born > (today or timezone.localdate()):
        raise ValidationError(_("公民身份号码中的出生日期不合理"), code="birth_date")
    if ric.calc_check_digit(number) != number[17]:
        raise ValidationError(_("公民身份号码校验码错误"), code="checksum")
    if number[:6] not in RESIDENCE_PERMIT_REGIONS and not region_possible(number[:6], born.year):
        raise ValidationError(_("公民身份号码中的地区码无效"), code="region")
    return number


def region_possible(code: str, birth_year: int) -> bool:
    """The region code exists and was not abolished before the birth year.

    python-stdnum also refuses a region created after the birth year, but a number is assigned where
    the person is registered when it is first issued, often years after birth (a 1990 birth in a
    district created in 2000 holds that district's code), so that check would refuse real numbers.
    """
    last = _region_last_year(code)
    return last is not None and last >= birth_year


@cache
def _region_last_year(code: str) -> float | None:
    """The last year a region code was in use (infinity while it still is); None if it never was.
    Cached by code alone: a roster holds a few thousand codes but many more (code, year) pairs."""
    info = {k: v for _part, props in numdb.get("cn/loc").info(code) for k, v in props.items()}
    if not info.get("county"):
        return None
    last = None
    for county in info["county"].split(","):
        if not county.startswith("["):
            return math.inf
        end = county[1:].split("]")[0].split("-")[1]
        if not end:
            return math.inf
        last = max(last or 0, int(end))
    return last


NAME_MAX = 50
HAN_NAME_RE = re.compile(r"[\u4e00-\u9fff]+")  # most names: common Han characters only, nothing to look up
NAME_PUNCTUATION = {"·", " "}


def normalise_name(value) -> str:
    """NFC, runs of spaces to one, the middle dots of transcribed names (•, ・) to ·."""
    name = " ".join(unicodedata.normalize("NFC", str(value or "")).split())
    return name.replace("•", "·").replace("・", "·")


def validate_person_name(value) -> str:
    """One rule for a person's name everywhere (forms, roster import, founding registration): letters
    of any script, combining marks, the middle dot and spaces — no markup, no formula, no control or
    direction characters (U+202E…); at most NAME_MAX characters."""
    name = normalise_name(value)
    if not name:
        raise ValidationError(_("姓名不能为空"), code="required")
    if not HAN_NAME_RE.fullmatch(name):
        bad = sorted(
            {c for c in name if c not in NAME_PUNCTUATION and unicodedata.category(c)[0] not in "LM"}
        )
        if bad:
            shown = " ".join(c if c.isprintable() else f"U+{ord(c):04X}" for c in bad)
            raise ValidationError(
                _("含有不能用于姓名的字符：%(chars)s") % {"chars": shown}, code="characters"
            )
    if len(name) > NAME_MAX:
        raise ValidationError(_("不能超过%(n)d个字") % {"n": NAME_MAX}, code="length")
    return name


def validate_credit_code(value) -> str:
    code = normalise_number(value)
    if not code:
        raise ValidationError(_("统一社会信用代码不能为空"), code="required")
    try:
        return uscc.validate(code)
    except InvalidLength:
        raise ValidationError(_("统一社会信用代码应为18位"), code="length") from None
    except InvalidChecksum:
        raise ValidationError(_("统一社会信用代码校验位错误"), code="checksum") from None
    except (InvalidFormat, InvalidComponent):
        raise ValidationError(_("统一社会信用代码含有无效字符"), code="format") from None


MOBILE_RE = re.compile(r"1[3-9]\d{9}")


def validate_mobile(value) -> str:
    number = normalise_number(value)
    if number.startswith("+86"):
        number = number[3:]
    elif number.startswith("0086"):
        number = number[4:]
    if number.endswith(".0"):  # a phone that Excel stored as a float
        number = number[:-2]
    if not MOBILE_RE.fullmatch(number):
        raise ValidationError(_("手机号码应为11位大陆手机号（1开头，第二位3-9）"), code="mobile")
    return number


def validate_not_future(value: date, label: str) -> date:
    if value > timezone.localdate():
        raise ValidationError(_("%(label)s不能晚于今天") % {"label": label}, code="future")
    return value


def mask_id(number: str) -> str:
    """What pages show of an ID number: its last four characters. With the birth year (all a page or
    a clear column shows of the birth date), they leave over 100,000 possible numbers: the region code
    and the day of birth stay hidden. (Keeping the region, as 360102********1234 does, leaves only the
    birth date to guess: a few thousand numbers, one when the birth date is shown beside it.)"""
    return f"{'*' * 14}{number[-4:]}"


def birth_year_of(number: str) -> int:
    return int(number[6:10])


def mask_mobile(number: str) -> str:
    return f"{number[:3]}****{number[-4:]}" if len(number) == 11 else number


def mask_name(name: str) -> str:
    """What a public page shows of a name: 张三明 → 张*明, 李四 → 李*, 欧阳娜娜 → 欧**娜."""
    name = (name or "").strip()
    if len(name) < 2:
        return name
    if len(name) == 2:
        return f"{name[0]}*"
    return f"{name[0]}{'*' * (len(name) - 2)}{name[-1]}"
