"""Demo craftsman academy: partners, courses by craft, and 2023–2025 classes as the feature states
2024 — 24 offline trainings plus online courses, 600+ class hours, 1,000+ trainee person-times from
30+ enterprises — with attendance, completions by each course's rule and their certificates; one
class opening after the demo is loaded, full, with a waiting list. The worker holds two certificates.

Deterministic (the demo's seeded faker); bulk inserts of the rows the services would write: the same
statuses, notes (services.shortfall), numbers and sequence counters.
"""

import string
from collections import Counter, defaultdict
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from gonghui.academy.models import (
    Attendance,
    Certificate,
    CertificateSequence,
    Course,
    Enrolment,
    Partner,
    Session,
    TrainingClass,
)
from gonghui.academy.services import shortfall
from gonghui.accounts.models import User
from gonghui.core.roles import Role
from gonghui.demo.world import DEMO_PASSWORD
from gonghui.members.models import Membership

STAFF = ("academy-staff", "工匠学院工作人员")
PARTNERS = [
    (Partner.Kind.UNION, "明月经济技术开发区总工会职工服务中心", "王海燕"),
    (Partner.Kind.DEPARTMENT, "明月经开区人力资源和社会保障局", "刘建国"),
    (Partner.Kind.SCHOOL, "明月职业技术学院", "陈立群"),
    (Partner.Kind.ENTERPRISE, "明月锂电装备实训基地", "赵文斌"),
]
# title, craft, hours, partner (index), pass mark, online
COURSES = [
    ("锂电池生产现场工程管理", "site_engineering", 32, 3, None, False),
    ("现场工艺与5S管理", "site_engineering", 24, 0, None, False),
    ("低压电工作业", "electrical", 32, 1, 60, False),
    ("电气设备安装与调试", "electrical", 24, 2, None, False),
    ("设备点检与预防性维护", "maintenance", 24, 3, None, False),
    ("工业机器人维护保养", "maintenance", 32, 2, 70, False),
    ("PLC编程与调试", "automation", 32, 2, 60, False),
    ("电芯质量检测", "quality", 24, 3, None, False),
    ("安全生产法律法规（线上）", "safety", 8, 1, 60, True),
    ("数字化车间基础（线上）", "digital", 12, 2, None, True),
    ("质量管理体系入门（线上）", "quality", 8, 2, None, True),
    ("电气安全常识（线上）", "electrical", 6, 1, 60, True),
    ("班组长管理技能（线上）", "site_engineering", 10, 0, None, True),
]
# year → (offline classes, online courses put on line, trainees per offline class, per online course,
# the enterprises sending trainees: the largest by membership)
YEARS = {
    2023: (20, 4, (38, 46), (20, 30), 32),
    2024: (24, 6, (40, 48), (24, 34), 36),
    2025: (26, 6, (40, 48), (26, 36), 38),
}
TEACHERS = ("周建华", "吴志强", "郑晓红", "孙立平", "钱文涛", "冯雪梅", "陈国栋", "褚丽娟")
PLACES = ("工匠学院实训楼201", "工匠学院实训楼305", "明月职业技术学院电工实训室", "明月锂电装备实训基地")
CAPACITY = 50
SESSION_TIMES = ((time(8, 30), time(17, 30)),)  # a day of theory and practice
TOKEN_ALPHABET = string.ascii_letters + string.digits + "-_"


def _aware(day: date, at: time = time(9)) -> datetime:
    return timezone.make_aware(datetime.combine(day, at))


def _weekday_on_or_after(day: date) -> date:
    return day + timedelta(days=(7 - day.weekday()) % 7 if day.weekday() >= 5 else 0)


class _Builder:
    def __init__(self, world):
        self.random = world.faker.random
        self.zone = world.zone
        self.worker = world.worker
        self.staff = User(
            username=STAFF[0], role=Role.ACADEMY_STAFF, organisation=world.zone, first_name=STAFF[1]
        )
        self.staff.set_password(DEMO_PASSWORD)
        self.staff.save()
        self.numbers: dict[int, int] = defaultdict(int)
        self.pools: dict[int, list[tuple]] = {}
        self.members = list(
            Membership.objects.filter(enterprise__isnull=False).values_list(
                "pk", "person_id", "union_id", "enterprise_id", "started_on", "ended_on"
            )
        )
        sizes = Counter(m[3] for m in self.members)
        mine = next(m[3] for m in self.members if m[1] == self.worker.pk and m[5] is None)
        self.largest = [mine] + [enterprise for enterprise, _n in sizes.most_common() if enterprise != mine]

    def token(self) -> str:
        return "".join(self.random.choice(TOKEN_ALPHABET) for _ in range(24))

    def pool(self, year: int) -> list[tuple]:
        """Members through the year (so on any day of it), employed by one of the year's sending
        enterprises, the largest (the worker's among them)."""
        if year not in self.pools:
            sending = set(self.largest[: YEARS.get(year, YEARS[2025])[4]])
            first, last = date(year, 1, 1), date(year, 12, 31)
            self.pools[year] = [
                m for m in self.members if m[3] in sending and m[4] <= first and (m[5] is None or m[5] > last)
            ]
        return self.pools[year]

    def courses(self) -> list[Course]:
        partners = Partner.objects.bulk_create(
            [Partner(federation=self.zone, kind=k, name=n, contact=c) for k, n, c in PARTNERS]
        )
        return Course.objects.bulk_create(
            [
                Course(
                    federation=self.zone,
                    title=title,
                    craft=craft,
                    hours=Decimal(hours),
                    partner=partners[partner],
                    pass_mark=pass_mark,
                    description="",
                    created_by=self.staff,
                )
                for title, craft, hours, partner, pass_mark, _online in COURSES
            ]
        )

    def classes(self, courses: list[Course]) -> list[tuple[TrainingClass, int]]:
        """Every class with the number of trainees it takes."""
        offline = [c for c, spec in zip(courses, COURSES, strict=True) if not spec[5]]
        online = [c for c, spec in zip(courses, COURSES, strict=True) if spec[5]]
        plans = []
        for year, (n_offline, n_online, offline_size, online_size, _enterprises) in YEARS.items():
            runs: dict[int, int] = defaultdict(int)
            for i in range(n_offline):
                course = offline[i % len(offline)]
                runs[course.pk] += 1
                start = _weekday_on_or_after(date(year, 3, 4) + timedelta(days=i * 265 // n_offline))
                klass = TrainingClass(
                    course=course,
                    mode=TrainingClass.Mode.OFFLINE,
                    name=f"{year}年第{runs[course.pk]}期",
                    starts_on=start,
                    ends_on=start + timedelta(days=3),
                    place=self.random.choice(PLACES),
                    capacity=CAPACITY,
                    teacher=self.random.choice(TEACHERS),
                    created_by=self.staff,
                )
                plans.append((klass, self.random.randint(*offline_size)))
            for i in range(n_online):
                start = date(year, 2 + i, 1)
                klass = TrainingClass(
                    course=online[i % len(online)],
                    mode=TrainingClass.Mode.ONLINE,
                    name=f"{year}年线上课程",
                    starts_on=start,
                    ends_on=date(year, 12, 31),
                    published=True,
                    created_by=self.staff,
                )
                plans.append((klass, self.random.randint(*online_size)))
        opening = _weekday_on_or_after(timezone.localdate() + timedelta(days=14))
        plans.append(
            (
                TrainingClass(
                    course=offline[6],
                    mode=TrainingClass.Mode.OFFLINE,
                    name=f"{opening.year}年冬季班",
                    starts_on=opening,
                    ends_on=opening + timedelta(days=3),
                    place=PLACES[0],
                    capacity=30,
                    teacher=TEACHERS[0],
                    created_by=self.staff,
                ),
                32,  # two on the waiting list
            )
        )
        TrainingClass.objects.bulk_create([k for k, _ in plans])
        return plans

    def sessions(self, klass: TrainingClass) -> list[Session]:
        if not klass.is_offline:
            return []
        return [
            Session(
                training_class=klass, on=klass.starts_on + timedelta(days=d), starts_at=a, ends_at=b, topic=""
            )
            for d in range(4)
            for a, b in SESSION_TIMES
        ]

    def build(self) -> None:
        courses = self.courses()
        plans = self.classes(courses)
        sessions = {k.pk: self.sessions(k) for k, _ in plans}
        Session.objects.bulk_create([s for ss in sessions.values() for s in ss])
        today = timezone.localdate()
        enrolments, attendance = [], []
        worker_classes = {plans[2][0].pk, plans[len(plans) // 2][0].pk}
        for klass, size in plans:
            on = klass.starts_on - timedelta(days=10)
            pool = self.pool(klass.starts_on.year)
            chosen = self.random.sample(pool, size)
            if klass.pk in worker_classes:
                mine = next(m for m in pool if m[1] == self.worker.pk)
                chosen = [mine] + [m for m in chosen if m[1] != self.worker.pk][: size - 1]
            class_sessions = sessions[klass.pk]
            for position, (membership, person, union, enterprise, _s, _e) in enumerate(chosen):
                enrolment = Enrolment(
                    training_class=klass,
                    person_id=person,
                    membership_id=membership,
                    union_id=union,
                    enterprise_id=enterprise,
                    enrolled_on=on,
                    queued_at=_aware(on) + timedelta(minutes=position),
                    enrolled_by=self.staff,
                )
                seated = klass.capacity is None or position < klass.capacity
                enrolment.status = Enrolment.Status.ENROLLED if seated else Enrolment.Status.WAITING
                enrolments.append(enrolment)
                if not seated or klass.ends_on >= today:
                    continue
                diligent = person == self.worker.pk or self.random.random() < 0.9
                present = [s for s in class_sessions if self.random.random() < (0.99 if diligent else 0.7)]
                attendance.append((enrolment, class_sessions, present))
        certificates = [c for e, ss, p in attendance if (c := self.decide(e, len(ss), len(p)))]
        Enrolment.objects.bulk_create(enrolments, batch_size=2000)
        Attendance.objects.bulk_create(
            [
                Attendance(
                    session_id=s.pk, enrolment_id=e.pk, present=s in present, recorded_by_id=self.staff.pk
                )
                for e, class_sessions, present in attendance
                for s in class_sessions
            ],
            batch_size=5000,
        )
        Certificate.objects.bulk_create(certificates, batch_size=2000)  # their enrolments saved by now
        CertificateSequence.objects.bulk_create(
            [CertificateSequence(year=y, last=n) for y, n in sorted(self.numbers.items())]
        )

    def decide(self, enrolment: Enrolment, sessions: int, present: int) -> Certificate | None:
        """What services.class_complete writes: completed with a certificate, or 未结业 with the reason."""
        klass = enrolment.training_class
        course = klass.course
        score = None
        if course.pass_mark is not None:
            score = Decimal(self.random.randint(course.pass_mark - 8, 98))
            if enrolment.person_id == self.worker.pk:
                score = Decimal(92)
        on = klass.ends_on + timedelta(days=1) if klass.is_offline else klass.starts_on + timedelta(days=40)
        reason = shortfall(enrolment, course, sessions, present, score)
        enrolment.status = Enrolment.Status.NOT_COMPLETED if reason else Enrolment.Status.COMPLETED
        enrolment.score = score
        enrolment.decided_on = on
        enrolment.decision_note = reason
        if reason:
            return None
        self.numbers[on.year] += 1
        return Certificate(
            enrolment=enrolment,
            person_id=enrolment.person_id,
            training_class=klass,
            number=f"{Certificate.PREFIX}-{on.year}-{self.numbers[on.year]:06d}",
            token=self.token(),
            hours=course.hours,
            issued_on=on,
            issued_by=self.staff,
        )


def build(world) -> None:
    _Builder(world).build()
