"""Demo members: 30,000 active members of the zone's unions at the end of 2024, 1,846 of whom joined in 2024 (1,500 in
2023), transfers inside the zone and leavers; fictional people (generated names, ID numbers, phones).
Deterministic (the demo's seeded faker); bulk inserts of the rows the services would write."""

from collections import Counter
from datetime import date

from gonghui.demo.fake import OCCUPATIONS, SKILL_LEVELS, Faker
from gonghui.members.models import Membership, Person
from gonghui.members.services import person_from_valid
from gonghui.members.vocabulary import EDUCATION
from gonghui.orgs.models import Enterprise, Organisation

YEAR = 2024
MEMBERS_ACTIVE = 30_000
JOINED = {2023: 1_500, 2024: 1_846}  # memberships started by joining in that year
TRANSFERS_2024 = 120  # inside the zone: not new members
LEFT = 400


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


def build(world) -> None:
    world.worker = build_members(world.faker, world.unions)
