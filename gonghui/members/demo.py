"""Demo members: 30,000 active members of the zone's unions at the end of 2024, 1,846 of whom joined in 2024 (1,500 in
2023), transfers inside the zone and leavers; fictional people (generated names, ID numbers, phones).
Deterministic (the demo's seeded faker); bulk inserts of the rows the services would write."""

from collections import Counter
from datetime import date

from django.utils import timezone

from gonghui.demo.fake import OCCUPATIONS, SKILL_LEVELS, Faker
from gonghui.members.models import Membership, Person
from gonghui.members.services import person_from_valid
from gonghui.members.vocabulary import EDUCATION
from gonghui.orgs.demo import later_years
from gonghui.orgs.models import Enterprise, Officer, Organisation

YEAR = 2024
MEMBERS_ACTIVE = 30_000
JOINED = {2021: 1_310, 2022: 1_420, 2023: 1_500, 2024: 1_846}  # memberships started by joining that year
LATER = {"joined": 1_650, "left": 380, "transferred": 110}  # a year after 2024, through today
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
    return faker.date_between(max(union.established_on, date(2010, 1, 1)), date(min(JOINED) - 1, 12, 31))


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
            pool = new_unions if i % 2 == 0 and new_unions else (older if year == YEAR else settled)
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
        w if u.established_on.year < min(JOINED) else 0 for u, w in zip(unions, weights, strict=True)
    ]
    for union in faker.random.choices(unions, weights=established_weights, k=remaining):
        add((union, _join_date(faker, union, None), "joined", None, ""))

    _save(people, plans, Counter(), enterprise_of)
    return Person.objects.get(id_hash=worker.id_hash)


def _save(people: list[Person], plans: list[list[tuple]], cards: Counter, enterprise_of: dict) -> None:
    """The people and their planned memberships; cards counts the card numbers given per union."""
    Person.objects.bulk_create(people, batch_size=2000)
    ids = dict(Person.objects.filter(id_hash__in=[p.id_hash for p in people]).values_list("id_hash", "pk"))
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


def build_later(world) -> None:
    """The years after 2024 through today: joiners (half of them in the unions founded since), leavers
    and transfers inside the zone, about as many a year as in 2024. The demo's own people (the
    worker, officers, U0001's and U0002's members) stay as they are."""
    faker, unions = world.faker, world.unions + world.later_unions
    enterprise_of = dict(Enterprise.objects.filter(union__in=unions).values_list("union_id", "pk"))
    kept = {world.unions[0].pk, world.unions[1].pk}
    officers = set(Officer.objects.values_list("person_id", flat=True))
    cards = Counter(Membership.objects.values_list("union__code", flat=True))
    people, plans, ending, transfers = [], [], [], []
    for year, end, part in later_years(timezone.localdate()):
        standing = [u for u in unions if u.established_on <= end]
        founded = [u for u in world.later_unions if u.established_on.year == year]
        for i in range(round(LATER["joined"] * part)):
            union = faker.random.choice(founded if i % 2 == 0 and founded else standing)
            started = faker.date_between(max(union.established_on, date(year, 1, 1)), end)
            people.append(_person(faker, started))
            plans.append([(union, started, "joined", None, "")])
        active = list(
            Membership.objects.filter(ended_on__isnull=True, started_on__lt=date(year, 1, 1))
            .exclude(union_id__in=kept)
            .exclude(person_id__in=officers)
            .exclude(pk__in=[m.pk for m in ending])
            .order_by("pk")
        )
        chosen = faker.random.sample(active, round((LATER["left"] + LATER["transferred"]) * part))
        for n, membership in enumerate(chosen):
            membership.ended_on = faker.date_between(date(year, 1, 1), end)
            if n < round(LATER["transferred"] * part):
                membership.end_reason = Membership.EndReason.TRANSFERRED_OUT
                targets = [u for u in standing if u.established_on <= membership.ended_on]
                to = faker.random.choice([u for u in targets if u.pk != membership.union_id])
                transfers.append((membership, to))
            else:
                membership.end_reason = Membership.EndReason.LEFT
            ending.append(membership)
    Membership.objects.bulk_update(ending, ["ended_on", "end_reason"], batch_size=2000)
    moved = []
    for membership, to in transfers:
        cards[to.code] += 1
        moved.append(
            Membership(
                person_id=membership.person_id,
                union=to,
                enterprise_id=enterprise_of.get(to.pk),
                started_on=membership.ended_on,
                start_reason=Membership.StartReason.TRANSFERRED_IN,
                card_number=membership.card_number,
            )
        )
    Membership.objects.bulk_create(moved, batch_size=2000)
    _save(people, plans, cards, enterprise_of)


def build(world) -> None:
    world.worker = build_members(world.faker, world.unions)
