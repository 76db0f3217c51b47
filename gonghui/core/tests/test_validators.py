from datetime import date

import pytest
from django.core.exceptions import ValidationError
from stdnum.cn import ric

from gonghui.core.validators import mask_id, validate_credit_code, validate_mobile, validate_resident_id


def with_check_digit(body: str) -> str:
    return body + ric.calc_check_digit(body + "0")


@pytest.mark.parametrize(
    "raw",
    [
        with_check_digit("36090219900101123"),
        " " + with_check_digit("36090219900101123")[:9] + " " + with_check_digit("36090219900101123")[9:],
        "３６０９０２１９９００１０１１２３" + with_check_digit("36090219900101123")[-1],
    ],
)
def test_valid_numbers_are_normalised(raw):
    assert validate_resident_id(raw) == with_check_digit("36090219900101123")


def test_lower_case_x_is_upper_cased():
    body = next(
        b for b in (f"36090219900101{n:03d}" for n in range(1000)) if ric.calc_check_digit(b + "0") == "X"
    )
    assert validate_resident_id(body + "x") == body + "X"


def test_a_district_created_after_the_birth_year_is_accepted():
    # 360902 dates from 2000; a person born in 1990 and first registered there holds it.
    assert validate_resident_id(with_check_digit("36090219900101123"))


def test_a_district_abolished_before_the_birth_year_is_refused():
    with pytest.raises(ValidationError, match="地区码无效"):
        validate_resident_id(with_check_digit("36220120050101123"))


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("18000101", "不合理"),
        ("20990101", "不合理"),
        ("19900230", "出生日期无效"),
    ],
)
def test_implausible_birth_dates_are_refused(body, message):
    with pytest.raises(ValidationError, match=message):
        validate_resident_id(with_check_digit(f"360902{body}123"))


@pytest.mark.parametrize("region", ["810000", "820000", "830000"])
def test_residence_permits_of_hong_kong_macao_and_taiwan_residents_are_accepted(region):
    assert validate_resident_id(with_check_digit(f"{region}19900101123")).startswith(region)


def test_a_residence_permit_with_a_wrong_check_digit_is_refused():
    number = with_check_digit("81000019900101123")
    wrong = number[:-1] + ("0" if number[-1] != "0" else "1")
    with pytest.raises(ValidationError, match="校验码"):
        validate_resident_id(wrong)


def test_mask():
    assert mask_id("360102199001011234") == "**************1234"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("13800138000", "13800138000"),
        ("138 0013 8000", "13800138000"),
        ("+8613800138000", "13800138000"),
        ("13800138000.0", "13800138000"),
        ("１３８００１３８０００", "13800138000"),
    ],
)
def test_mobiles(raw, expected):
    assert validate_mobile(raw) == expected


@pytest.mark.parametrize("raw", ["12800138000", "0795-5551234", "1380013800", ""])
def test_not_mobiles(raw):
    with pytest.raises(ValidationError, match="手机号码"):
        validate_mobile(raw)


def test_credit_codes():
    from gonghui.demo.fake import Faker

    code = Faker(1).credit_code()
    assert validate_credit_code(code.lower()) == code
    wrong = code[:-1] + ("0" if code[-1] != "0" else "1")
    with pytest.raises(ValidationError, match="校验位"):
        validate_credit_code(wrong)
    with pytest.raises(ValidationError, match="18位"):
        validate_credit_code(code[:-1])


def test_today_is_a_plausible_birth_date_but_tomorrow_is_not(monkeypatch):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda: date(2000, 1, 1))
    assert validate_resident_id(with_check_digit("36090220000101123"))
    with pytest.raises(ValidationError):
        validate_resident_id(with_check_digit("36090220000102123"))
