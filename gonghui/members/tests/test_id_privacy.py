"""An ID number cannot be rebuilt without a reveal: neither from what the pages and exports show, nor
from every clear column of the database together (everything but the ciphertext and the keyed hash,
which need the key). Each test counts the numbers consistent with what is known — the valid region
codes, the birth dates, the known digits and the check digit — and requires at least 10,000."""

import re
from datetime import date, timedelta
from functools import cache

import pytest
from django.db import connection
from django.urls import reverse
from stdnum import numdb
from stdnum.cn import ric

from gonghui.core.validators import region_possible
from gonghui.members.models import Person
from gonghui.members.tests.factories import fake, make_member
from gonghui.rosters.services import roster_export

pytestmark = pytest.mark.django_db
ENOUGH = 10_000
SECRET_COLUMNS = {"id_encrypted", "id_hash"}  # unreadable without the field key


PERMITS = {"810000", "820000", "830000"}  # residence permits of Hong Kong, Macao and Taiwan residents


@cache
def region_codes() -> tuple[str, ...]:
    """Every region code the validator knows (python-stdnum's table), and the residence permits'."""
    return tuple(sorted(set(_walk(numdb.get("cn/loc").prefixes)) | PERMITS))


def _walk(prefixes, prefix=""):
    for _length, low, _high, _props, children in prefixes:
        if len(prefix + low) == 6:
            yield prefix + low
        else:
            yield from _walk(children, prefix + low)


def candidates(*, known: dict[int, str], birth_year: int | None = None, gender: str | None = None) -> int:
    """How many valid numbers agree with the known digits (position → digit, 0-based), the birth year
    and the gender; counting stops at ENOUGH."""
    years = [birth_year] if birth_year else range(1900, date.today().year + 1)
    days = [day for y in years for n in range(366) if (day := date(y, 1, 1) + timedelta(days=n)).year == y]
    sequences = list(_sequences(known, gender))
    count = 0
    for region in region_codes():
        if any(known.get(i, d) != d for i, d in enumerate(region)):
            continue
        for day in days:
            if not (region in PERMITS or region_possible(region, day.year)):
                continue
            body = f"{region}{day:%Y%m%d}"
            if any(known.get(6 + i, d) != d for i, d in enumerate(body[6:])):
                continue
            for sequence in sequences:
                number = body + sequence
                if ric.calc_check_digit(number) == known.get(17, ric.calc_check_digit(number)):
                    count += 1
                    if count >= ENOUGH:
                        return count
    return count


def _sequences(known: dict[int, str], gender: str | None):
    fixed = [known.get(i) for i in (14, 15, 16)]
    for n in range(1000):
        digits = f"{n:03d}"
        if any(f is not None and f != d for f, d in zip(fixed, digits, strict=True)):
            continue
        if gender is not None and (int(digits[2]) % 2 == 1) != (gender == "M"):
            continue
        yield digits


def known_digits(shown: str) -> dict[int, str]:
    """The digits a masked number shows, by position."""
    assert len(shown) == 18, shown
    return {i: c for i, c in enumerate(shown) if c != "*"}


@pytest.fixture
def people(union_a, enterprise_a):
    """Members whose numbers are easy to narrow: a residence permit (one region code), a leap day,
    New Year's Day, someone born this century."""
    numbers = [
        fake.resident_id(born=date(1990, 1, 1)),
        fake.resident_id(born=date(1988, 2, 29)),
        fake.resident_id(born=date(2001, 12, 31)),
    ]
    permit = "810000199001011234"
    numbers.append(permit[:17] + ric.calc_check_digit(permit))
    return [make_member(union_a, id_number=n, enterprise=enterprise_a).person for n in numbers]


def test_the_clear_columns_of_the_database_do_not_narrow_a_number(people):
    columns = [f.column for f in Person._meta.concrete_fields if f.column not in SECRET_COLUMNS]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(columns)} FROM {Person._meta.db_table}")  # noqa: S608
        rows = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
    for row in rows:
        number = Person.objects.get(pk=row["id"]).reveal_id_number()
        for value in row.values():  # no column holds the hidden digits, however written
            assert number[:14] not in str(
                value
            ) and f"{number[6:10]}-{number[10:12]}-{number[12:14]}" not in str(value)
        found = candidates(
            known=known_digits(row["id_masked"]), birth_year=row.get("birth_year"), gender=row["gender"]
        )
        assert found >= ENOUGH, f"{row['id_masked']}: {found} candidates"


def test_what_the_pages_show_does_not_narrow_a_number(client, admin_a, people):
    client.force_login(admin_a)
    for person in people:
        number = person.reveal_id_number()
        page = client.get(reverse("members:detail", args=[person.pk])).content.decode()
        shown = re.search(r'id="id-number">([0-9X*]{18})<', page).group(1)
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
        for spelling in (
            f"{born:%Y-%m-%d}",
            f"{born:%Y%m%d}",
            f"{born.year}年{born.month}月{born.day}日",
            number[:14],
        ):
            assert spelling not in page
        assert candidates(known=known_digits(shown), birth_year=born.year, gender=person.gender) >= ENOUGH


def test_a_masked_export_does_not_narrow_a_number(tmp_path, admin_a, union_a, people, monkeypatch):
    from python_calamine import CalamineWorkbook

    from gonghui.core import registry
    from gonghui.core.roles import Role

    reveal = registry.capability("members.reveal_id", "", [Role.PLATFORM_ADMIN])
    monkeypatch.setitem(registry.capabilities._items, "members.reveal_id", reveal)
    out = tmp_path / "out.xlsx"
    roster_export(user=admin_a, org=union_a, out=str(out))
    for row in CalamineWorkbook.from_path(str(out)).get_sheet_by_index(0).to_python()[1:]:
        assert candidates(known=known_digits(row[1])) >= ENOUGH
