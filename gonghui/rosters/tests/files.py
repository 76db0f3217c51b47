"""Roster files for tests and the benchmark: fictional people, written the way offices send them."""

from datetime import date, datetime
from pathlib import Path

import xlsxwriter

from gonghui.core.validators import validate_resident_id
from gonghui.demo.fake import OCCUPATIONS, SKILL_LEVELS, Faker
from gonghui.members.vocabulary import EDUCATION
from gonghui.rosters.excel import COLUMNS

HEADERS = [c.header for c in COLUMNS]


def write_xlsx(path: Path, rows: list[list], headers: list[str] = HEADERS) -> Path:
    """Writes rows as given: str as text, numbers as numbers, dates as Excel dates."""
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_numbers": False})
    sheet = book.add_worksheet("名册")
    date_format = book.add_format({"num_format": "yyyy-mm-dd"})
    for col, header in enumerate(headers):
        sheet.write_string(0, col, header)
    for r, row in enumerate(rows, start=1):
        for col, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, date):
                value = value if isinstance(value, datetime) else datetime.combine(value, datetime.min.time())
                sheet.write_datetime(r, col, value, date_format)
            elif isinstance(value, int | float):
                sheet.write_number(r, col, value)
            else:
                sheet.write_string(r, col, value)
    book.close()
    return path


def valid_id(faker: Faker, born: date | None = None, **kwargs) -> str:
    """A fictional ID number our validator accepts (the demo generator's districts include some it
    refuses for certain birth years)."""
    while True:
        number = faker.resident_id(born=born or faker.birth_date(1970, 2003), **kwargs)
        try:
            return validate_resident_id(number)
        except Exception:  # noqa: S112 - try another
            continue


def member_row(faker: Faker, enterprise: str, *, started_on: date = date(2024, 3, 1), **overrides) -> list:
    id_number = overrides.pop("id_number", None) or valid_id(faker)
    values = {
        "name": faker.name(),
        "id_number": id_number,
        "mobile": faker.mobile(),
        "enterprise": enterprise,
        "started_on": started_on,
        "gender": ("男" if int(id_number[16]) % 2 else "女")
        if isinstance(id_number, str) and len(id_number) == 18
        else "",
        "ethnicity": "汉族",
        "education": faker.random.choice(EDUCATION),
        "occupation": faker.random.choice(OCCUPATIONS),
        "skill_level": faker.random.choice(SKILL_LEVELS),
        "card_number": "",
    }
    values.update(overrides)
    return [values[c.key] for c in COLUMNS]


def roster_rows(count: int, enterprises: list[str], *, seed: int = 2025) -> list[list]:
    faker = Faker(seed=seed)
    return [
        member_row(
            faker,
            enterprises[i % len(enterprises)],
            started_on=faker.date_between(date(2020, 1, 1), date(2024, 12, 31)),
        )
        for i in range(count)
    ]
