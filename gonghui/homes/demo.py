"""Demo worker homes and events: 18 homes in the zone, 6 of them demonstration homes by the end of 2024
(4 a year before), one a provincial model home; the youth concert of May 2024 with 900 seats, ten union
quotas and the rest open, 800+ people checked in; other events of 2023, 2024 and 2025; and one event
starting two hours after the demo loads, so that the door can be tried on a phone.

Deterministic (the demo's seeded faker); bulk inserts of the rows the services would leave: each pool's
seats filled first come, its waiting list behind, the cancelled seats taken by the first in line.
"""

from collections import defaultdict
from datetime import date, datetime, time, timedelta

from django.db.models import Q
from django.utils import timezone

from gonghui.accounts.models import User
from gonghui.homes.models import (
    CheckIn,
    Event,
    EventQuota,
    EventRegistration,
    Facility,
    HomeAward,
    WorkerHome,
)
from gonghui.members.models import Membership
from gonghui.orgs.models import Organisation

Kind, Level = HomeAward.Kind, HomeAward.Level
Status = EventRegistration.Status

HOME_NAMES = ("职工之家", "职工书屋", "职工活动中心", "职工服务站")
# (home index, kind, level, year): six demonstration homes by the end of 2024, four a year before
AWARDS = [
    (0, Kind.DEMONSTRATION, Level.ZONE, 2019),
    (0, Kind.MODEL, Level.CITY, 2021),
    (0, Kind.MODEL, Level.PROVINCIAL, 2024),
    (1, Kind.DEMONSTRATION, Level.ZONE, 2021),
    (2, Kind.DEMONSTRATION, Level.ZONE, 2022),
    (3, Kind.DEMONSTRATION, Level.ZONE, 2023),
    (3, Kind.MODEL, Level.CITY, 2024),
    (4, Kind.DEMONSTRATION, Level.ZONE, 2024),
    (5, Kind.DEMONSTRATION, Level.COUNTY, 2024),
    (6, Kind.DEMONSTRATION, Level.ZONE, 2025),
]
AWARDED_BY = {
    Level.ZONE: "明月经济技术开发区总工会",
    Level.COUNTY: "明月区总工会",
    Level.CITY: "明月市总工会",
    Level.PROVINCIAL: "省总工会",
}


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def build_homes(faker, zone: Organisation, unions: list[Organisation], officer: int) -> None:
    hosts = [u for u in unions if u.established_on.year < 2018][:17]
    homes = [
        WorkerHome(
            union=zone,
            name="经开区职工服务中心职工之家",
            address="明月经济技术开发区春华路8号",
            facilities=list(Facility.values),
            area_m2=1200,
            opened_on=date(2016, 4, 28),
            created_by_id=officer,
        )
    ]
    for i, union in enumerate(hosts):
        opened = faker.date_between(max(union.established_on, date(2015, 1, 1)), date(2024, 10, 31))
        if i < 7:  # the titled homes have been open for a while
            opened = faker.date_between(max(union.established_on, date(2012, 1, 1)), date(2018, 12, 31))
        facilities = faker.random.sample(Facility.values, faker.random.randint(2, 6))
        homes.append(
            WorkerHome(
                union=union,
                name=union.name.removesuffix("工会") + HOME_NAMES[i % len(HOME_NAMES)],
                address=f"明月经济技术开发区{faker.random.choice(('春华路', '经发大道', '宜春北路', '创业大道'))}{faker.random.randint(1, 300)}号",
                facilities=[key for key in Facility.values if key in facilities],
                area_m2=faker.random.randint(80, 600),
                opened_on=opened,
                created_by_id=officer,
            )
        )
    WorkerHome.objects.bulk_create(homes)
    titled = homes[1:]
    HomeAward.objects.bulk_create(
        HomeAward(
            home=titled[index],
            kind=kind,
            level=level,
            year=year,
            awarded_by=AWARDED_BY[level],
            recorded_by_id=officer,
        )
        for index, kind, level, year in AWARDS
    )


# (organiser, kind, title, place, start, hours, capacity, union quotas, seats each, share registered, share attending)
# fmt: off
EVENTS = [
    ("ZONE", Event.Kind.PERFORMANCE, "迎新春职工文艺汇演", "经开区职工文化中心", _at(date(2023, 1, 13), 19), 2, 600, 0, 0, 0.9, 0.9),
    ("ZONE", Event.Kind.SPORTS, "经开区职工篮球赛", "经开区体育馆", _at(date(2023, 10, 20), 9), 8, 240, 0, 0, 0.85, 0.95),
    ("U0001", Event.Kind.CULTURE, "职工读书分享会", "职工书屋", _at(date(2023, 4, 23), 14, 30), 2, 60, 0, 0, 0.9, 0.9),
    ("ZONE", Event.Kind.PERFORMANCE, "青春之声——青年职工音乐会", "经开区职工文化中心", _at(date(2024, 5, 4), 19, 30), 2, 900, 10, 40, 1.0, 0.93),
    ("ZONE", Event.Kind.SPORTS, "职工气排球赛", "经开区体育馆", _at(date(2024, 6, 15), 9), 8, 160, 0, 0, 0.9, 0.95),
    ("U0002", Event.Kind.CULTURE, "世界读书日职工读书分享会", "职工书屋", _at(date(2024, 4, 23), 14, 30), 2, 50, 0, 0, 0.8, 0.9),
    ("ZONE", Event.Kind.SPORTS, "职工拔河比赛", "经开区体育馆", _at(date(2024, 9, 20), 14), 4, 300, 0, 0, 0.9, 0.92),
    ("ZONE", Event.Kind.CULTURE, "迎国庆职工书画摄影展", "经开区职工文化中心", _at(date(2024, 9, 28), 9), 8, 400, 0, 0, 0.75, 0.85),
    ("U0001", Event.Kind.SPORTS, "职工趣味运动会", "锂电一厂运动场", _at(date(2024, 11, 9), 8, 30), 5, 200, 0, 0, 0.95, 0.9),
    ("ZONE", Event.Kind.PERFORMANCE, "迎新春职工文艺汇演", "经开区职工文化中心", _at(date(2025, 1, 17), 19), 2, 700, 0, 0, 0.9, 0.9),
    ("ZONE", Event.Kind.PERFORMANCE, "青春之声——青年职工音乐会", "经开区职工文化中心", _at(date(2025, 5, 4), 19, 30), 2, 1000, 12, 40, 0.97, 0.92),
]
# fmt: on


def _members_on(rows, union_ids: set[int], on: date) -> list[tuple[int, int]]:
    """(person, union) of the members of those unions on that day."""
    return [
        (person, union)
        for person, union, started, ended in rows
        if union in union_ids and started <= on and (ended is None or ended > on)
    ]


def _fill_pool(faker, event, quota, seats, candidates, fill, *, by, first=()):
    """Registrations of one pool as the services leave them: queued first come; the first `seats`
    (less those who cancelled, whose seats the next in line took) hold seats, the rest wait."""
    wanted = round(seats * fill)
    full = wanted >= seats
    cancelled = faker.random.randint(2, 6) if full else 0
    waiting = faker.random.randint(3, 12) if full else 0
    chosen = list(first) + [
        c
        for c in faker.random.sample(candidates, min(len(candidates), wanted + cancelled + waiting))
        if c not in first
    ]
    window = (event.registration_closes_at - event.registration_opens_at).total_seconds()
    times = sorted(
        event.registration_opens_at + timedelta(seconds=faker.random.random() * window) for _ in chosen
    )
    may_quit = range(len(first), min(seats, len(chosen)))
    quitters = set(faker.random.sample(may_quit, min(cancelled, len(may_quit))))
    rows, holding = [], 0
    for i, ((person, union), queued) in enumerate(zip(chosen, times, strict=True)):
        registration = EventRegistration(
            event=event, person_id=person, union_id=union, quota=quota, queued_at=queued, registered_by_id=by
        )
        if i in quitters:
            registration.status = Status.CANCELLED
            registration.cancelled_at = queued + (event.registration_closes_at - queued) / 2
        elif holding < seats:
            holding += 1
            registration.status = Status.CONFIRMED
            if i >= seats:  # a seat someone gave up
                registration.promoted_at = event.registration_closes_at - timedelta(hours=1)
        else:
            registration.status = Status.WAITING
        rows.append(registration)
    return rows


def build_events(faker, worker_person: int, users: dict[str, int]) -> None:
    orgs = {o.code: o for o in Organisation.objects.filter(code__in=["ZONE", "U0001", "U0002"])}
    rows = list(
        Membership.objects.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=date(2023, 1, 1))).values_list(
            "person_id", "union_id", "started_on", "ended_on"
        )
    )
    zone_unions = set(
        Organisation.objects.grassroots()
        .filter(path__startswith=orgs["ZONE"].path)
        .values_list("pk", flat=True)
    )
    by_code = {"ZONE": users["zone-admin"], "U0001": users["union-admin"], "U0002": users["union-admin-2"]}
    registrations, plans = [], []
    for code, kind, title, place, starts_at, hours, capacity, n_quotas, seats, fill, attend in EVENTS:
        event = Event.objects.create(
            organiser=orgs[code],
            kind=kind,
            title=title,
            place=place,
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=hours),
            registration_opens_at=starts_at - timedelta(days=21),
            registration_closes_at=starts_at - timedelta(days=1),
            capacity=capacity,
            created_by_id=by_code[code],
        )
        on = starts_at.date()
        members = _members_on(rows, zone_unions if code == "ZONE" else {orgs[code].pk}, on)
        by_union = defaultdict(list)
        for person, union in members:
            by_union[union].append((person, union))
        largest = sorted(by_union, key=lambda u: (-len(by_union[u]), u))[:n_quotas]
        quotas = EventQuota.objects.bulk_create(
            EventQuota(event=event, union_id=u, seats=seats) for u in largest
        )
        first = [m for m in members if m[0] == worker_person] if n_quotas and code == "ZONE" else []
        for quota in quotas:
            mine = [m for m in first if m[1] == quota.union_id]
            registrations += _fill_pool(
                faker, event, quota, seats, by_union[quota.union_id], fill, by=by_code[code], first=mine
            )
        quota_unions = {q.union_id for q in quotas}
        open_members = [m for m in members if m[1] not in quota_unions]
        mine = [m for m in first if m[1] not in quota_unions]
        registrations += _fill_pool(
            faker,
            event,
            None,
            capacity - seats * len(quotas),
            open_members,
            fill,
            by=by_code[code],
            first=mine,
        )
        plans.append((event, attend, by_code[code]))
    EventRegistration.objects.bulk_create(registrations, batch_size=2000)
    for event, attend, by in plans:
        seated = event.registrations.filter(status=Status.CONFIRMED).values_list("pk", "person_id")
        CheckIn.objects.bulk_create(
            (
                CheckIn(
                    registration_id=pk,
                    checked_in_by_id=by,
                    checked_in_at=event.starts_at - timedelta(minutes=faker.random.randint(-10, 60)),
                )
                for pk, person in seated
                if person == worker_person or faker.random.random() < attend
            ),
            batch_size=2000,
        )
    _tonight(faker, orgs["ZONE"], rows, zone_unions, users["zone-admin"])


def _tonight(faker, zone, rows, zone_unions, by) -> None:
    """An event two hours from now: registrations closed, nobody checked in yet."""
    starts_at = (timezone.now() + timedelta(hours=2)).replace(minute=0, second=0, microsecond=0)
    event = Event.objects.create(
        organiser=zone,
        kind=Event.Kind.CULTURE,
        title="职工电影夜",
        place="经开区职工文化中心",
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=2),
        registration_opens_at=starts_at - timedelta(days=10),
        registration_closes_at=starts_at - timedelta(hours=1),
        capacity=150,
        created_by_id=by,
    )
    members = _members_on(rows, zone_unions, timezone.localdate())
    EventRegistration.objects.bulk_create(_fill_pool(faker, event, None, 150, members, 1.0, by=by))


def build(world) -> None:
    users = dict(
        User.objects.filter(username__in=["zone-admin", "union-admin", "union-admin-2"]).values_list(
            "username", "pk"
        )
    )
    build_homes(world.faker, world.zone, world.unions, users["zone-admin"])
    build_events(world.faker, world.worker.pk, users)
