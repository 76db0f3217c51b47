"""Demo skill competitions: in 2024, as the feature states, 3 contests with the five events (二次元测量,
电芯目检, 叉车, PLC, 电气电工) and 300+ participant person-times, every event scored by its judges,
signed off by its 裁判长 and 监督, locked, ranked with awards and published; 2023 before it and 2025
after it (one 2025 event still being scored, for the judge's sign-in). Deterministic; bulk inserts of
the rows the services would write, marked and ranked by the same marking functions."""

from datetime import date, datetime, time
from decimal import Decimal

from django.utils import timezone

from gonghui.accounts.models import User
from gonghui.contests import marking
from gonghui.contests.models import (
    Contest,
    ContestOrganiser,
    Criterion,
    Event,
    EventHistory,
    Judge,
    Part,
    Registration,
    Score,
    SignOff,
)
from gonghui.contests.services import store_results
from gonghui.core.roles import Role
from gonghui.demo.fake import Faker
from gonghui.demo.world import DEMO_PASSWORD
from gonghui.members.models import Membership
from gonghui.orgs.models import Organisation

JUDGE = ("contest-judge", "竞赛裁判长（评分、签字）")
SIGN_INS = (JUDGE,)
LEVELS = ["未完成或严重违规", "基本完成，有明显缺陷", "完成，动作规范", "完成，熟练精准"]

# (year, title, level, date, events (name, competitors)); a city-level contest is organised by the
# city federation with the zone's, and the demo worker is among its winners (for the talent record)
CONTESTS = [
    (2023, "2023年经开区职工职业技能竞赛", "zone", date(2023, 5, 18), [("电芯目检", 40), ("叉车", 42)]),
    (2023, "2023年经开区电气技能比武", "zone", date(2023, 10, 19), [("电气电工", 38), ("PLC", 30)]),
    (
        2024,
        "2024年经开区职工职业技能竞赛",
        "zone",
        date(2024, 5, 16),
        [("二次元测量", 44), ("电芯目检", 48), ("叉车", 50)],
    ),
    (2024, "2024年经开区“安康杯”电气技能竞赛", "zone", date(2024, 9, 12), [("PLC", 40), ("电气电工", 46)]),
    (
        2024,
        "2024年明月市锂电产业链劳动和技能竞赛",
        "city",
        date(2024, 11, 14),
        [("二次元测量", 36), ("电芯目检", 42)],
    ),
    (
        2025,
        "2025年经开区职工职业技能竞赛",
        "zone",
        date(2025, 5, 15),
        [("二次元测量", 45), ("电芯目检", 45), ("叉车", 46)],
    ),
    (2025, "2025年经开区“安康杯”电气技能竞赛", "zone", date(2025, 9, 11), [("PLC", 42), ("电气电工", 44)]),
    (2025, "2025年锂电产业链劳动和技能竞赛", "zone", date(2025, 11, 13), [("叉车", 30)]),
]
STILL_SCORING = "2025年锂电产业链劳动和技能竞赛"
TIE_BREAK = ["part:实操", "time", "part:理论"]
JUDGE_NAMES = ["严工", "祝工", "郑工"]


def _at(day: date, hour: int = 17) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _scheme(event: Event) -> dict[str, Criterion]:
    theory = Part.objects.create(event=event, name="理论", weight=Decimal(30))
    practice = Part.objects.create(event=event, name="实操", weight=Decimal(70))
    M, J, T = Criterion.Kind.MEASUREMENT, Criterion.Kind.JUDGEMENT, Criterion.Kind.TIME
    criteria = Criterion.objects.bulk_create(
        [
            Criterion(part=theory, name="理论考试", kind=M, max_mark=Decimal(100), deduction=Decimal(1)),
            Criterion(part=practice, name="安全检查", kind=M, max_mark=Decimal(10)),
            Criterion(part=practice, name="操作规范", kind=J, max_mark=Decimal(60), levels=LEVELS),
            Criterion(
                part=practice,
                name="用时",
                kind=T,
                max_mark=Decimal(30),
                standard_seconds=600,
                limit_seconds=1500,
            ),
        ]
    )
    return {c.name: c for c in criteria}


def _values(faker: Faker) -> dict[str, list[int]]:
    """One competitor's entries: wrong answers, the safety check, two judges' levels within one of
    each other, the seconds taken. Good hands are common; ties happen on the round numbers."""
    level = faker.random.choice([1, 2, 2, 3, 3])
    other = max(0, min(3, level + faker.random.choice([-1, 0, 0, 1])))
    return {
        "理论考试": [faker.random.choice(range(0, 31, 2))],
        "安全检查": [1 if faker.random.random() < 0.08 else 0],
        "操作规范": [level, other],
        "用时": [faker.random.choice(range(480, 1380, 30))],
    }


def build_contests(seed: int, worker_id: int) -> None:
    faker = Faker(seed + 9)
    zone = Organisation.objects.get(code="ZONE")
    staff = User.objects.get(username="zone-admin")
    supervisor = User.objects.get(username="zone-leader")
    chief = User(username=JUDGE[0], role=Role.WORKER, first_name=JUDGE[1])
    chief.set_password(DEMO_PASSWORD)
    chief.save()
    memberships = list(
        Membership.objects.filter(union__path__startswith=zone.path, enterprise__isnull=False).values_list(
            "pk", "person_id", "union_id", "enterprise_id", "started_on", "ended_on"
        )
    )
    enterprises = sorted({row[3] for row in memberships})

    for year, title, level, held_on, events in CONTESTS:
        contest = Contest.objects.create(
            title=title,
            year=year,
            level=level,
            held_on=held_on,
            rules="按国家职业技能标准命题，理论占30%，实操占70%。",
            created_by=staff,
        )
        organisers = [zone, zone.parent] if level == "city" else [zone]
        ContestOrganiser.objects.bulk_create(
            [ContestOrganiser(contest=contest, organisation=o) for o in organisers]
        )
        pool = [m for m in memberships if m[4] <= held_on and (m[5] is None or m[5] > held_on)]
        for position, (name, size) in enumerate(events):
            scoring = title == STILL_SCORING
            event = Event.objects.create(
                contest=contest, name=name, tie_break=TIE_BREAK, first=1, second=2, third=3, merit=4
            )
            criteria = _scheme(event)
            judge_enterprises = faker.random.sample(enterprises, 3)
            judges = Judge.objects.bulk_create(
                [
                    Judge(event=event, name=n, enterprise_id=e, added_by=staff)
                    for n, e in zip(JUDGE_NAMES, judge_enterprises, strict=True)
                ]
                + [
                    Judge(
                        event=event, user=chief, name="龚文博", capacity=Judge.Capacity.CHIEF, added_by=staff
                    ),
                    Judge(
                        event=event,
                        user=supervisor,
                        name="园区总工会分管领导",
                        capacity=Judge.Capacity.SUPERVISOR,
                        added_by=staff,
                    ),
                ]
            )
            eligible = [m for m in pool if m[3] not in judge_enterprises]
            chosen = faker.random.sample(eligible, size)
            star = level == "city" and position == 0
            if star and not any(m[1] == worker_id for m in chosen):
                mine = next((m for m in pool if m[1] == worker_id), None)
                if mine is not None and mine[3] not in judge_enterprises:
                    chosen[0] = mine
            registrations = Registration.objects.bulk_create(
                [
                    Registration(
                        event=event,
                        person_id=person,
                        membership_id=membership,
                        union_id=union,
                        enterprise_id=enterprise,
                        number=number,
                        registered_by=staff,
                    )
                    for number, (membership, person, union, enterprise, _s, _e) in enumerate(chosen, start=1)
                ]
            )
            best = next((r.pk for r in registrations if star and r.person_id == worker_id), None)
            _score(faker, registrations, criteria, judges, scored=size // 2 if scoring else size, best=best)
            if not scoring:
                _lock(event, chief, supervisor, held_on)


PERFECT = {"理论考试": [0], "安全检查": [0], "操作规范": [3, 3], "用时": [480]}


def _score(faker, registrations, criteria, judges, *, scored: int, best: int | None) -> None:
    """The first `scored` competitors scored; `best` (a registration) with a perfect sheet."""
    scores = []
    for registration in registrations[:scored]:
        values_of = _values(faker)
        if registration.pk == best:
            values_of = PERFECT
        for name, values in values_of.items():
            criterion = criteria[name]
            for judge, value in zip(
                judges[:2] if criterion.is_judgement else judges[:1], values, strict=False
            ):
                scores.append(
                    Score(
                        registration=registration,
                        criterion=criterion,
                        judge=judge,
                        value=Decimal(value),
                        mark=marking.mark(criterion, Decimal(value)),
                    )
                )
    Score.objects.bulk_create(scores, batch_size=2000)


def _lock(event, chief, supervisor, held_on) -> None:
    """Signed off by both, locked, results stored (by the service's own function) and published."""
    SignOff.objects.bulk_create(
        [
            SignOff(event=event, round=1, capacity=Judge.Capacity.CHIEF, user=chief),
            SignOff(event=event, round=1, capacity=Judge.Capacity.SUPERVISOR, user=supervisor),
        ]
    )
    EventHistory.objects.create(
        event=event, from_state="open", to_state="locked", by=supervisor, by_name=supervisor.username
    )
    Event.objects.filter(pk=event.pk).update(status=Event.Status.LOCKED, published_at=_at(held_on))
    store_results(event)


def build(world) -> None:
    build_contests(world.seed, world.worker.pk)
