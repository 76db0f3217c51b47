"""Demo legal service: a team of five lawyers engaged by the zone federation (two of them sign in as
`lawyer` and `lawyer-2`), consultations, legal-aid cases and mediations for 2023, 2024 and 2025 in
every state, and a few current cases whose clocks are running (some near their deadline, some
past it). Every case goes through the services, so its clocks and history are the real ones.
Fictional names throughout."""

from datetime import date, timedelta

from django.utils import timezone

from gonghui.accounts.models import User
from gonghui.core import crypto
from gonghui.core.roles import Role
from gonghui.demo.world import DEMO_PASSWORD
from gonghui.legal import services
from gonghui.legal.models import CaseEvent, Consultation, Dispute, Lawyer, Topic
from gonghui.members.models import Membership
from gonghui.orgs.models import Organisation

SIGN_INS = (("lawyer", "律师（法律服务团队）"), ("lawyer-2", "律师（法律服务团队）"))
TEAM = (
    ("lawyer", "邵明远", "秀江律师事务所", ["contract", "dismissal", "litigation"]),
    ("lawyer-2", "覃雅琴", "明月山律师事务所", ["wages", "women", "insurance"]),
    ("lawyer-3", "龚建华", "秀江律师事务所", ["injury", "insurance"]),
    ("lawyer-4", "莫晓东", "袁州律师事务所", ["wages", "contract"]),
    ("lawyer-5", "闫春梅", "明月山律师事务所", ["women", "dismissal"]),
)
COURT = "明月市袁州区人民法院"
FACTS = {
    "wages": "申请人称公司自去年起拖欠其%(n)d个月工资及加班费，多次催要未果。",
    "contract": "申请人称公司未与其签订书面劳动合同，要求支付二倍工资差额。",
    "injury": "申请人在生产线作业时受伤，已认定工伤，双方对一次性伤残就业补助金有争议。",
    "insurance": "申请人称公司未依法为其缴纳社会保险，要求补缴。",
    "dismissal": "申请人称公司以调岗为由变相解除劳动合同，要求支付经济补偿。",
    "hours": "申请人称公司长期安排每日加班三小时以上，要求支付加班费并调整工时。",
    "other": "申请人就年休假和带薪病假待遇与公司发生争议。",
}
QUESTIONS = (
    "试用期被辞退能否要求经济补偿？",
    "加班费的计算基数如何确定？",
    "工伤认定需要准备哪些材料？",
    "公司未签劳动合同怎么办？",
    "女职工孕期能否被调岗降薪？",
    "离职后公司不开具离职证明怎么办？",
    "年休假未休能否折算工资？",
)
YEARS = {2023: (90, 12, 14), 2024: (150, 24, 25), 2025: (110, 14, 16)}  # consultations, aid, disputes


def _user(username: str, name: str) -> User:
    user = User(username=username, role=Role.LAWYER, first_name=name)
    if username in dict(SIGN_INS):
        user.set_password(DEMO_PASSWORD)
    else:
        user.set_unusable_password()
    user.save()
    return user


def _team(zone, staff) -> list[Lawyer]:
    return [
        services.lawyer_create(
            user=_user(username, name),
            name=name,
            firm=firm,
            licence_number=f"13609{2015 + i}1{i:07d}",
            phone=f"0795-32{i:02d}8866",
            specialities=specialities,
            engaged_by=zone,
            term_start=date(2023, 1, 1),
            term_end=date(2026, 12, 31),
            by=staff,
        )
        for i, (username, name, firm, specialities) in enumerate(TEAM)
    ]


class _Demo:
    def __init__(self, world):
        self.faker = world.faker
        self.zone = world.zone
        self.staff = User.objects.get(username="zone-admin")
        self.union_admin = User.objects.get(username="union-admin")
        self.team = _team(self.zone, self.staff)
        memberships = list(
            Membership.objects.active()
            .filter(union__code__in=["U0001", "U0002", "U0003", "U0004"])
            .select_related("person", "union", "enterprise")
            .order_by("pk")[:400]
        )
        self.members = memberships
        self.worker = world.worker
        self.u1 = Organisation.objects.get(code="U0001")

    def pick(self):
        return self.faker.random.choice(self.members)

    def topic(self) -> str:
        return self.faker.random.choice(Topic.values)

    def day_in(self, year: int, *, latest: date | None = None) -> date:
        last = min(date(year, 12, 20), latest or date(year, 12, 20))
        return self.faker.date_between(date(year, 1, 4), last)

    def lawyer(self, i: int) -> Lawyer:
        return self.team[i % len(self.team)]

    def facts(self, topic: str) -> str:
        return FACTS[topic] % {"n": self.faker.random.randint(2, 6)} if "%" in FACTS[topic] else FACTS[topic]

    def move(self, case, action: str, on: date, by=None, **extra):
        return services.case_advance(case=case, action=action, by=by or self.staff, on=on, **extra)

    # ---- consultations -------------------------------------------------------------------------

    def consultations(self, year: int, n: int) -> None:
        """Bulk inserts of what consultation_record and the answer write (the row and its history)."""
        rows, events = [], []
        for i in range(n):
            membership = self.pick()
            at_union = membership.union.code == "U0001" and i % 3 == 0
            asked_on = self.day_in(year)
            answered = not (year == 2024 and i % 40 == 0)
            by = self.union_admin if at_union else self.staff
            rows.append(
                Consultation(
                    org=self.u1 if at_union else self.zone,
                    person=membership.person,
                    lawyer=self.lawyer(i),
                    channel=self.faker.random.choice(["visit", "phone", "phone", "online", "letter"]),
                    topic=self.topic(),
                    asked_on=asked_on,
                    question_encrypted=crypto.encrypt(self.faker.random.choice(QUESTIONS)),
                    answer_encrypted=crypto.encrypt("已告知相关法律规定和维权途径。") if answered else "",
                    state=Consultation.State.ANSWERED if answered else Consultation.State.REQUESTED,
                    outcome=self.faker.random.choice(
                        ["answered"] * 6 + ["to_aid", "to_mediation", "referred"]
                    )
                    if answered
                    else "",
                    answered_on=asked_on if answered else None,
                    created_by=by,
                )
            )
        Consultation.objects.bulk_create(rows)
        for row in rows:
            events.append(
                CaseEvent(
                    consultation=row,
                    action="consultation.record",
                    to_state="requested",
                    on=row.asked_on,
                    by=row.created_by,
                    by_name=row.created_by.username,
                )
            )
            if row.state == Consultation.State.ANSWERED:
                events.append(
                    CaseEvent(
                        consultation=row,
                        action="consultation.answer",
                        from_state="requested",
                        to_state="answered",
                        on=row.asked_on,
                        by=row.created_by,
                        by_name=row.created_by.username,
                    )
                )
        CaseEvent.objects.bulk_create(events)

    # ---- legal aid ----------------------------------------------------------------------------

    AID_PATHS = ("archived",) * 10 + (
        "refused",
        "withdrawn",
        "reported",
        "handling",
        "assigned",
        "granted",
        "material_requested",
        "applied",
    )

    def aid(self, year: int, n: int, *, end: str | None = None, applied_on: date | None = None) -> None:
        """n cases applied for in the year; a current one (applied_on given) takes no detours."""
        for i in range(n):
            target = end or self.AID_PATHS[i % len(self.AID_PATHS)]
            if (
                end is None
                and year != 2024
                and target
                in (
                    "handling",
                    "assigned",
                    "granted",
                    "material_requested",
                    "applied",
                )
            ):
                target = "archived"
            on = applied_on or self.day_in(year, latest=date(year, 10, 31))
            membership = self.pick()
            topic = self.topic()
            case = services.aid_apply(
                org=self.zone,
                person=membership.person,
                topic=topic,
                applied_on=on,
                facts=self.facts(topic),
                by=self.staff,
            )
            self._aid_to(case, target, on, self.lawyer(i + year), detours=applied_on is None)

    def _aid_to(self, case, target: str, on: date, lawyer: Lawyer, *, detours: bool) -> None:
        if target == "applied":
            return
        step = on + timedelta(days=1)
        if target in ("material_requested", "withdrawn") or (detours and self.faker.random.random() < 0.25):
            self.move(case, "aid.request_material", step, note="请补充劳动合同、工资流水和身份证明")
            if target == "material_requested":
                return
            if target == "withdrawn":
                self.move(case, "aid.withdrawn", step + timedelta(days=30), note="申请人逾期未补充材料")
                return
            step += timedelta(days=self.faker.random.randint(2, 9))
            self.move(case, "aid.material_received", step)
        late = detours and self.faker.random.random() < 0.1
        step += timedelta(
            days=self.faker.random.randint(7, 10)
            if late
            else self.faker.random.randint(1, 5 if detours else 2)
        )
        if target == "refused":
            self.move(case, "aid.refuse", step, note="经审查，申请人家庭经济状况不符合法律援助条件。")
            return
        self.move(case, "aid.grant", step)
        if target == "granted":
            return
        step += timedelta(days=self.faker.random.randint(1, 3))
        self.move(case, "aid.assign", step, lawyer=lawyer)
        if target == "assigned":
            return
        step += timedelta(days=2)
        self.move(case, "aid.start", step, by=lawyer.user)
        if target == "handling":
            return
        step += timedelta(days=self.faker.random.randint(20, 60))
        self.move(
            case,
            "aid.report",
            step,
            by=lawyer.user,
            text="经代理仲裁，用人单位支付拖欠工资及经济补偿，案件办结。",
        )
        if target == "reported":
            return
        self.move(case, "aid.archive", step + timedelta(days=3))

    # ---- mediation ----------------------------------------------------------------------------

    DISPUTE_PATHS = (
        ("closed_agreement",) * 12
        + ("closed_arbitration",) * 3
        + ("closed_litigation", "not_accepted")
        + (
            "received",
            "accepted",
            "mediator_assigned",
            "mediating",
            "succeeded",
            "failed",
            "arbitration",
            "litigation",
        )
    )

    def disputes(self, year: int, n: int) -> None:
        for i in range(n):
            target = self.DISPUTE_PATHS[i % len(self.DISPUTE_PATHS)]
            if year != 2024 and not (target.startswith("closed") or target == "not_accepted"):
                target = "closed_agreement"
            self.dispute(self.day_in(year, latest=date(year, 11, 30)), target, i)

    def dispute(
        self, received_on: date, target: str, i: int, *, days_to_outcome: int | None = None, extend: int = 0
    ):
        membership = self.pick()
        topic = self.topic()
        court = i % 4 == 1
        at_union = membership.union.code == "U0001" and i % 5 == 2
        dispute = services.dispute_receive(
            org=self.u1 if at_union else self.zone,
            person=membership.person,
            employer=membership.enterprise,
            employer_name=membership.enterprise.name if membership.enterprise else membership.union.name,
            topic=topic,
            received_on=received_on,
            facts=self.facts(topic),
            source=Dispute.Source.COURT if court else Dispute.Source.APPLICATION,
            court=COURT if court else "",
            court_case_number=f"（{received_on.year}）赣0902民初{1000 + i}号" if court else "",
            claim_amount=f"{self.faker.random.randint(8, 90) * 1000}.00",
            bodies=[("union", membership.union.name), ("hr_bureau", "明月经开区人力资源和社会保障局")]
            + ([("court", COURT)] if court else []),
            by=self.staff,
        )
        by = self.union_admin if at_union else self.staff
        mediator = self.lawyer(i)
        if target == "received":
            return dispute
        step = received_on + timedelta(days=self.faker.random.randint(0, 1))
        if target == "not_accepted":
            self.move(
                dispute, "dispute.not_accept", step, by, note="一方当事人不同意调解，已书面通知申请人。"
            )
            return dispute
        self.move(dispute, "dispute.accept", step, by)
        if target == "accepted":
            return dispute
        self.move(dispute, "dispute.assign", step, by, lawyer=mediator)
        if target == "mediator_assigned":
            return dispute
        self.move(dispute, "dispute.start", step + timedelta(days=1), mediator.user)
        if extend:
            self.move(
                dispute,
                "dispute.extend",
                step + timedelta(days=2),
                mediator.user,
                days=extend,
                note="双方当事人同意延长调解期限",
            )
        if target == "mediating":
            return dispute
        late = self.faker.random.random() < 0.12
        outcome_on = received_on + timedelta(
            days=days_to_outcome
            or (self.faker.random.randint(16, 24) if late else self.faker.random.randint(4, 14))
        )
        if target in ("failed", "arbitration", "litigation", "closed_arbitration", "closed_litigation"):
            self.move(
                dispute,
                "dispute.fail",
                outcome_on,
                mediator.user,
                note="双方对补偿金额分歧较大，未能达成协议。",
            )
            if target == "failed":
                return dispute
            referral = "dispute.litigation" if "litigation" in target else "dispute.arbitration"
            self.move(dispute, referral, outcome_on + timedelta(days=2), by)
        else:
            amount = f"{self.faker.random.randint(5, 60) * 1000}.00"
            self.move(
                dispute,
                "dispute.succeed",
                outcome_on,
                mediator.user,
                text=f"用人单位于协议签订之日起十五日内向申请人支付{amount}元，双方劳动争议就此了结。",
                amount=amount,
            )
            if court and i % 8 == 1:
                self.move(
                    dispute,
                    "dispute.confirmation",
                    outcome_on + timedelta(days=5),
                    by,
                    confirmation="confirmed",
                )
            if target == "succeeded":
                return dispute
        self.move(dispute, "dispute.close", outcome_on + timedelta(days=7), by)
        return dispute

    def current(self, today: date) -> None:
        """Cases of these weeks: clocks running, near their deadline or past it."""
        self.dispute(today - timedelta(days=1), "received", 1)
        self.dispute(today - timedelta(days=6), "mediator_assigned", 2)
        self.dispute(today - timedelta(days=13), "mediating", 3)
        self.dispute(today - timedelta(days=19), "mediating", 4)  # overdue
        self.dispute(today - timedelta(days=24), "mediating", 5, extend=15)
        self.dispute(today - timedelta(days=5), "received", 6)  # overdue: not accepted in 3 working days
        self.aid(today.year, 1, end="applied", applied_on=today - timedelta(days=2))
        self.aid(today.year, 1, end="applied", applied_on=today - timedelta(days=10))  # overdue
        self.aid(today.year, 1, end="material_requested", applied_on=today - timedelta(days=4))
        self.aid(today.year, 1, end="granted", applied_on=today - timedelta(days=6))
        services.consultation_request(
            person=self.worker,
            topic="wages",
            question="公司拖欠上月加班费，应当如何维权？",
            by=self._worker_user(),
        )

    def _worker_user(self) -> User:
        return User.objects.get(username="worker")


def build(world) -> None:
    demo = _Demo(world)
    for year, (consultations, aid, disputes) in YEARS.items():
        demo.consultations(year, consultations)
        demo.aid(year, aid)
        demo.disputes(year, disputes)
    demo.current(timezone.localdate())
