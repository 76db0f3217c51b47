"""The demo world: a fictional zone federation whose 2024 figures match the feature's.

Deterministic (fixed seed). Bulk inserts keep it well under a minute; the rows are the same ones
the services would write.
"""

from collections import Counter
from datetime import date

from django.db import transaction

from gonghui.accounts.models import Role, User
from gonghui.core.audit import audit_record
from gonghui.demo.activities import build_activities
from gonghui.demo.coverage import build_coverage
from gonghui.demo.fake import EDUCATION, INDUSTRIES, OCCUPATIONS, SKILL_LEVELS, Faker
from gonghui.members.models import Membership, Person
from gonghui.members.services import person_from_valid
from gonghui.orgs.models import Enterprise, Organisation

DEMO_PASSWORD = "Gonghui-demo-2025"
YEAR = 2024
UNIONS_BEFORE = 179  # enterprise unions established before 2024
UNIONS_NEW = {2023: 12, 2024: 16}  # of which founded in that year
MEMBERS_ACTIVE = 30_000
JOINED = {2023: 1_500, 2024: 1_800}  # memberships started by joining in that year
TRANSFERS_2024 = 120  # inside the zone: not new members
LEFT = 400
TARGET_ENTERPRISES_WITHOUT_UNION = 60

SIGN_INS = [
    ("zone-admin", Role.FEDERATION_STAFF, "ZONE", "园区总工会工作人员"),
    ("union-admin", Role.UNION_ADMIN, "U0001", "U0001 工会管理员"),
    ("union-admin-2", Role.UNION_ADMIN, "U0002", "U0002 工会管理员"),
    ("worker", Role.WORKER, None, "U0001 会员"),
    ("platform-admin", Role.PLATFORM_ADMIN, None, "平台管理员"),
]


def _org(code, name, kind, parent, established_on) -> Organisation:
    org = Organisation(code=code, name=name, kind=kind, parent=parent, established_on=established_on)
    org.place_in_tree()
    return org


def _person(faker: Faker, joined: date, name: str | None = None) -> Person:
    """A fictional person who was between 18 and 58 when they joined."""
    return person_from_valid(
        number=faker.resident_id(born=faker.birth_date(joined.year - 58, joined.year - 19)),
        name=name or faker.name(),
        mobile=faker.mobile(),
        education=faker.random.choice(EDUCATION),
        occupation=faker.random.choice(OCCUPATIONS),
        skill_level=faker.random.choice(SKILL_LEVELS),
        ethnicity="汉族",
    )


def _join_date(faker: Faker, union: Organisation, year: int | None) -> date:
    if year is not None:
        return faker.date_between(max(union.established_on, date(year, 1, 1)), date(year, 12, 31))
    return faker.date_between(max(union.established_on, date(2010, 1, 1)), date(2022, 12, 31))


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
    unions, enterprises = [], []
    for i, established in enumerate(founded, start=1):
        name = faker.enterprise_name(i - 1)
        unions.append(_org(f"U{i:04d}", f"{name}工会", Organisation.Kind.ENTERPRISE_UNION, zone, established))
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


def build_members(faker: Faker, unions: list[Organisation]) -> Person:
    """Active members, joiners by year, transfers inside the zone and leavers. Returns the demo worker."""
    enterprise_of = dict(Enterprise.objects.filter(union__in=unions).values_list("union_id", "pk"))
    weights = [faker.random.lognormvariate(0, 0.9) for _ in unions]
    weights[0] *= 3
    by_year = {year: [u for u in unions if u.established_on.year == year] for year in JOINED}
    older = [u for u in unions if u.established_on.year < YEAR]
    settled = [u for u in unions if u.established_on.year < min(JOINED)]

    people: list[Person] = []
    plans: list[list[tuple]] = []  # per person: (union, started_on, start_reason, ended_on, end_reason)

    def add(*periods, name=None):
        people.append(_person(faker, periods[0][1], name))
        plans.append(list(periods))

    add((unions[0], date(2016, 3, 1), "joined", None, ""), name="解春梅")
    worker = people[-1]
    for name in ("单晓东", "单雅琴", "解国庆", "区嘉怡", "曾立新"):
        add((unions[0], _join_date(faker, unions[0], None), "joined", None, ""), name=name)
    november = unions[-1]
    for _ in range(320):
        add((november, _join_date(faker, november, YEAR), "joined", None, ""))
    for year, count in JOINED.items():
        new_unions = [u for u in by_year[year] if u is not november]
        for i in range(count - (320 if year == YEAR else 0)):
            pool = new_unions if i % 2 == 0 else (older if year == YEAR else settled)
            union = faker.random.choice(pool)
            add((union, _join_date(faker, union, year), "joined", None, ""))
    for _ in range(TRANSFERS_2024):
        a, b = faker.random.sample(settled, 2)
        moved = faker.date_between(date(YEAR, 2, 1), date(YEAR, 11, 30))
        add(
            (a, _join_date(faker, a, None), "joined", moved, "transferred_out"),
            (b, moved, "transferred_in", None, ""),
        )
    for _ in range(LEFT):
        union = faker.random.choice(settled)
        started = _join_date(faker, union, None)
        add(
            (union, started, "joined", faker.date_between(started, date(YEAR, 12, 31)), "left"),
        )
    remaining = MEMBERS_ACTIVE - sum(1 for plan in plans if plan[-1][3] is None)
    established_weights = [
        w if u.established_on.year < 2023 else 0 for u, w in zip(unions, weights, strict=True)
    ]
    for union in faker.random.choices(unions, weights=established_weights, k=remaining):
        add((union, _join_date(faker, union, None), "joined", None, ""))

    Person.objects.bulk_create(people, batch_size=2000)
    ids = dict(Person.objects.values_list("id_hash", "pk"))
    cards = Counter()
    memberships = []
    for person, plan in zip(people, plans, strict=True):
        for union, started, start_reason, ended, end_reason in plan:
            cards[union.code] += 1
            memberships.append(
                Membership(
                    person_id=ids[person.id_hash],
                    union=union,
                    enterprise_id=enterprise_of.get(union.pk),
                    started_on=started,
                    start_reason=start_reason,
                    ended_on=ended,
                    end_reason=end_reason,
                    card_number=f"{union.code}-{cards[union.code]:05d}",
                )
            )
    Membership.objects.bulk_create(memberships, batch_size=2000)
    return Person.objects.get(id_hash=worker.id_hash)


def build_users(worker: Person) -> list[tuple[str, str]]:
    orgs = dict(Organisation.objects.filter(code__in=["ZONE", "U0001", "U0002"]).values_list("code", "pk"))
    users = []
    for username, role, org_code, description in SIGN_INS:
        user = User(
            username=username,
            role=role,
            organisation_id=orgs.get(org_code),
            first_name=description,
            person=worker if role == Role.WORKER else None,
            is_staff=role == Role.PLATFORM_ADMIN,
        )
        user.set_password(DEMO_PASSWORD)
        users.append(user)
    User.objects.bulk_create(users)
    return [(username, description) for username, _r, _o, description in SIGN_INS]


@transaction.atomic
def load_demo(seed: int = 2024) -> list[tuple[str, str]]:
    """Loads the demo world into an empty database; returns the sign-ins (username, description)."""
    faker = Faker(seed)
    zone, unions = build_organisations(faker)
    worker = build_members(faker, unions)
    sign_ins = build_users(worker)
    build_activities(faker)
    sign_ins += build_coverage(seed)
    audit_record(actor=None, username="demo", action="demo.load", obj=zone)
    return sign_ins


def database_is_empty() -> bool:
    return not Organisation.objects.exists()
