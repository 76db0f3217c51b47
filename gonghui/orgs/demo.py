"""Demo organisations: a fictional city and zone federation with 195 enterprise unions at the end of
2024 (16 founded in 2024, 12 in 2023), each with its enterprise, and 60 enterprises without a union.
Deterministic (the demo's seeded faker); bulk inserts of the rows the services would write."""

from datetime import date

from django.utils import timezone

from gonghui.demo.fake import INDUSTRIES, Faker
from gonghui.orgs.models import Enterprise, Organisation

YEAR = 2024
LATER_UNIONS_PER_YEAR = 14
UNIONS_BEFORE = 179  # enterprise unions established before 2024
UNIONS_NEW = {2023: 12, 2024: 16}  # of which founded in that year
TARGET_ENTERPRISES_WITHOUT_UNION = 60


def _org(code, name, kind, parent, established_on) -> Organisation:
    org = Organisation(code=code, name=name, kind=kind, parent=parent, established_on=established_on)
    org.place_in_tree()
    return org


def build_organisations(faker: Faker) -> tuple[Organisation, list[Organisation]]:
    city = _org("CITY", "明月市总工会", Organisation.Kind.CITY_FEDERATION, None, date(1950, 5, 1))
    city.save()
    zone = _org("ZONE", "明月经济技术开发区总工会", Organisation.Kind.ZONE_FEDERATION, city, date(2006, 3, 1))
    zone.save()
    founded = [
        faker.date_between(date(2008, 1, 1), date(2022, 12, 31))
        for _ in range(UNIONS_BEFORE - UNIONS_NEW[2023])
    ]
    founded += [faker.date_between(date(2023, 1, 1), date(2023, 12, 31)) for _ in range(UNIONS_NEW[2023])]
    founded += [faker.date_between(date(2024, 1, 1), date(2024, 10, 31)) for _ in range(UNIONS_NEW[2024] - 1)]
    founded.append(date(2024, 11, 18))  # the large union founded in November
    founded[0], founded[1] = date(2012, 4, 28), date(2014, 9, 15)  # U0001 and U0002: long established
    unions, enterprises = _unions_with_enterprises(faker, zone, founded, first=1, names_from=0)
    for i in range(TARGET_ENTERPRISES_WITHOUT_UNION):
        name = faker.enterprise_name(len(founded) + i)
        enterprises.append(
            Enterprise(
                name=name,
                credit_code=faker.credit_code(),
                industry=faker.random.choice(INDUSTRIES),
                headcount=faker.random.randint(20, 600),
                founded_on=faker.date_between(date(2019, 1, 1), date(2024, 6, 30)),
                is_key=faker.random.random() < 0.4,
                is_new_employment_form=faker.random.random() < 0.2,
                federation=zone,
            )
        )
    Enterprise.objects.bulk_create(enterprises)
    return zone, list(Organisation.objects.grassroots().order_by("code"))


def _unions_with_enterprises(faker: Faker, zone, founded: list[date], *, first: int, names_from: int):
    """Enterprise unions U{first:04d}… founded on those days, each with its enterprise (the unions
    saved, the enterprises not yet); the enterprises' names are the faker's from names_from on."""
    unions, enterprises = [], []
    for i, established in enumerate(founded):
        name = faker.enterprise_name(names_from + i)
        code = f"U{first + i:04d}"
        unions.append(_org(code, f"{name}工会", Organisation.Kind.ENTERPRISE_UNION, zone, established))
        enterprises.append(
            Enterprise(
                name=name,
                credit_code=faker.credit_code(),
                industry=faker.random.choice(INDUSTRIES),
                headcount=faker.random.randint(40, 900),
                founded_on=faker.date_between(date(2003, 1, 1), established),
                is_key=faker.random.random() < 0.3,
                is_new_employment_form=faker.random.random() < 0.08,
                federation=zone,
            )
        )
    Organisation.objects.bulk_create(unions)
    for union, enterprise in zip(unions, enterprises, strict=True):
        enterprise.union = union
    return unions, enterprises


def later_years(today: date) -> list[tuple[int, date, float]]:
    """The years after the feature's through today: (year, its last day so far, the part of it gone)."""
    out = []
    for year in range(YEAR + 1, today.year + 1):
        end = min(today, date(year, 12, 31))
        out.append((year, end, ((end - date(year, 1, 1)).days + 1) / 365))
    return out


def build_later(world) -> None:
    """Unions founded after 2024 through today (about 14 a year), each with its enterprise; the
    enterprise names continue after the 2024 world's."""
    founded = [
        world.faker.date_between(date(year, 1, 1), end)
        for year, end, part in later_years(timezone.localdate())
        for _ in range(round(LATER_UNIONS_PER_YEAR * part))
    ]
    unions, enterprises = _unions_with_enterprises(
        world.faker,
        world.zone,
        sorted(founded),
        first=len(world.unions) + 1,
        names_from=len(world.unions) + TARGET_ENTERPRISES_WITHOUT_UNION,
    )
    Enterprise.objects.bulk_create(enterprises)
    world.later_unions = unions


def build(world) -> None:
    world.zone, world.unions = build_organisations(world.faker)
