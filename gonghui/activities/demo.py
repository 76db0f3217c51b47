"""Demo union activities for 2023 and 2024: lectures and study sessions, a summer outing, and a
holiday welfare distribution signed off by a second officer. Deterministic; bulk inserts."""

from datetime import date, datetime, time
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone

from gonghui.accounts.models import User
from gonghui.activities.models import Activity, Registration, WelfareDistribution, WelfareRecipient
from gonghui.demo.fake import Faker
from gonghui.members.models import Membership
from gonghui.orgs.models import Organisation

L, S = Activity.Kind.LECTURE, Activity.Kind.STUDY_SESSION
# (date, organiser code, kind, title)
LECTURES = [
    (date(2023, 3, 9), "ZONE", L, "学习贯彻全国两会精神宣讲会"),
    (date(2023, 4, 20), "U0001", S, "《中华人民共和国工会法》专题学习会"),
    (date(2023, 5, 11), "ZONE", L, "劳动模范进企业宣讲会"),
    (date(2023, 6, 15), "U0002", L, "安全生产月宣讲会"),
    (date(2023, 7, 13), "U0001", S, "职工职业技能提升专题学习会"),
    (date(2023, 8, 24), "ZONE", L, "产业工人队伍建设改革政策宣讲会"),
    (date(2023, 9, 14), "U0003", S, "劳动合同法专题学习会"),
    (date(2023, 10, 19), "ZONE", L, "工匠精神宣讲会"),
    (date(2023, 11, 16), "U0001", S, "女职工权益保护专题学习会"),
    (date(2023, 12, 7), "ZONE", L, "职工医疗互助保障政策宣讲会"),
    (date(2024, 1, 18), "ZONE", L, "新春职工政策宣讲会"),
    (date(2024, 2, 29), "U0001", S, "《中华人民共和国工会法》专题学习会"),
    (date(2024, 3, 14), "ZONE", L, "学习贯彻全国两会精神宣讲会"),
    (date(2024, 4, 11), "U0002", S, "劳动合同与工资支付专题学习会"),
    (date(2024, 4, 25), "ZONE", L, "劳动模范和工匠人才进企业宣讲会"),
    (date(2024, 5, 16), "U0001", L, "安全生产月宣讲会"),
    (date(2024, 6, 20), "U0003", S, "锂电行业职业病防治专题学习会"),
    (date(2024, 7, 11), "ZONE", L, "产业工人队伍建设改革政策宣讲会"),
    (date(2024, 8, 22), "U0001", S, "新就业形态劳动者权益保障专题学习会"),
    (date(2024, 9, 19), "ZONE", L, "职工医疗互助保障政策宣讲会"),
    (date(2024, 10, 24), "U0002", S, "女职工劳动保护特别规定专题学习会"),
    (date(2024, 11, 21), "ZONE", L, "工匠精神宣讲会"),
    (date(2024, 12, 12), "U0001", S, "年度技能竞赛赛前专题学习会"),
]
OUTINGS = [
    (date(2023, 7, 22), "U0001", "夏季职工健步行"),
    (date(2024, 7, 20), "U0001", "夏季职工明月山游"),
    (date(2024, 10, 12), "U0002", "秋季职工户外拓展"),
]
WELFARE = [
    # (union, title, occasion, date, item, amount, signed off)
    (
        "U0001",
        "端午节慰问",
        WelfareDistribution.Occasion.HOLIDAY,
        date(2023, 6, 20),
        "粽子一盒",
        "60.00",
        True,
    ),
    (
        "U0001",
        "中秋节慰问",
        WelfareDistribution.Occasion.HOLIDAY,
        date(2024, 9, 13),
        "月饼一盒、食用油一桶",
        "198.00",
        True,
    ),
    (
        "U0001",
        "夏季送清凉",
        WelfareDistribution.Occasion.SUMMER,
        date(2024, 7, 8),
        "防暑降温用品一套",
        "80.00",
        True,
    ),
    (
        "U0001",
        "冬季送温暖",
        WelfareDistribution.Occasion.HOLIDAY,
        date(2024, 12, 20),
        "大米一袋",
        "120.00",
        False,
    ),
]


def _members_on(rows, union_ids, on: date) -> list[int]:
    return [
        person
        for person, union, started, ended in rows
        if union in union_ids and started <= on and (ended is None or ended > on)
    ]


def build_activities(faker: Faker) -> None:
    orgs = dict(
        Organisation.objects.filter(code__in=["ZONE", "U0001", "U0002", "U0003"]).values_list("code", "pk")
    )
    zone_unions = set(Organisation.objects.grassroots().values_list("pk", flat=True))
    users = dict(
        User.objects.filter(username__in=["zone-admin", "union-admin", "union-admin-2"]).values_list(
            "username", "pk"
        )
    )
    creator = {
        "ZONE": users["zone-admin"],
        "U0001": users["union-admin"],
        "U0002": users["union-admin-2"],
        "U0003": users["zone-admin"],
    }
    rows = list(
        Membership.objects.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=date(2023, 1, 1))).values_list(
            "person_id", "union_id", "started_on", "ended_on"
        )
    )

    plans = [(on, code, kind, title, faker.random.randint(40, 120)) for on, code, kind, title in LECTURES]
    plans += [
        (on, code, Activity.Kind.OUTING, title, faker.random.randint(30, 60)) for on, code, title in OUTINGS
    ]
    activities = Activity.objects.bulk_create(
        [
            Activity(
                organiser_id=orgs[code],
                kind=kind,
                title=title,
                held_on=on,
                place="职工之家" if kind != Activity.Kind.OUTING else "明月山",
                capacity=size + 20,
                status=Activity.Status.HELD,
                created_by_id=creator[code],
            )
            for on, code, kind, title, size in plans
        ]
    )
    registrations = []
    for activity, (on, code, _kind, _title, size) in zip(activities, plans, strict=True):
        pool = _members_on(rows, zone_unions if code == "ZONE" else {orgs[code]}, on)
        for person in faker.random.sample(pool, min(size, len(pool))):
            registrations.append(
                Registration(
                    activity=activity,
                    person_id=person,
                    attended=faker.random.random() < 0.88,
                    registered_by_id=creator[code],
                )
            )
    Registration.objects.bulk_create(registrations, batch_size=2000)

    membership_of = {}
    for union_code, title, occasion, on, item, amount, signed in WELFARE:
        distribution = WelfareDistribution.objects.create(
            union_id=orgs[union_code],
            title=title,
            occasion=occasion,
            distributed_on=on,
            item=item,
            amount=Decimal(amount),
            created_by_id=users["union-admin"],
            status=WelfareDistribution.Status.SIGNED_OFF if signed else WelfareDistribution.Status.DRAFT,
            signed_off_by_id=users["zone-admin"] if signed else None,
            signed_off_at=timezone.make_aware(datetime.combine(on, time(16))) if signed else None,
        )
        if union_code not in membership_of:
            membership_of[union_code] = Membership.objects.filter(union_id=orgs[union_code])
        members = membership_of[union_code].active_on(on)
        WelfareRecipient.objects.bulk_create(
            [
                WelfareRecipient(
                    distribution=distribution,
                    person_id=person,
                    membership_id=membership,
                    item=item,
                    amount=Decimal(amount),
                    added_by_id=users["union-admin"],
                )
                for membership, person in members.values_list("pk", "person_id")
            ],
            batch_size=2000,
        )


def build(world) -> None:
    build_activities(world.faker)
