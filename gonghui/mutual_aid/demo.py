"""Demo data of medical mutual aid: 2024 as the feature states it, with 2023 and 2025 beside it.

- The zone federation's yearly 住院医疗 plans for 2023, 2024 and 2025 (each renewing the one before, so a
  renewing member keeps their first day of cover) and a 2024–2026 重大疾病 plan, created and published
  through the services by zone-admin.
- Group enrolments of whole enterprises (which meets any participation rule): more than 12,000
  person-times in force in 2024.
- Claims in every state, their amounts computed by the plan's rules (gonghui.mutual_aid.rules, the
  function the services call), limits and count limits holding across each member's claims; among
  them a 重大疾病 claim of U0001 that paid 30,000 yuan on costs of 106,800 yuan, and a paid 住院 claim
  of the demo worker.

Deterministic (its own seeded generator); bulk inserts of the rows the services would write, with the
dates the steps were taken.
"""

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import timezone

from gonghui.accounts.models import User
from gonghui.core import crypto
from gonghui.core.audit import append as audit_append
from gonghui.core.models import AuditLog
from gonghui.core.roles import Role
from gonghui.demo.world import DEMO_PASSWORD
from gonghui.members.models import Membership
from gonghui.mutual_aid import rules, services
from gonghui.mutual_aid.models import (
    COUNTED,
    Claim,
    ClaimDocument,
    ClaimStep,
    Enrolment,
    EnrolmentBatch,
    Invoice,
    LedgerEntry,
    Plan,
    Status,
)

CHAIR = ("union-chair", "U0001 工会主席（审核互助申请）")
PDF = b"%PDF-1.4\n% gonghui demo document\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
HOSPITAL = {
    "kind": Plan.Kind.HOSPITAL,
    "term_years": 1,
    "premium_per_share": Decimal("20.00"),
    "max_shares": 3,
    "daily_tiers": [
        {"from": 1, "to": 3, "amount": "0"},
        {"from": 4, "to": 30, "amount": "40.00"},
        {"from": 31, "to": None, "amount": "50.00"},
    ],
    "claim_limit": Decimal("2400.00"),
    "year_limit": Decimal("3600.00"),
    "claims_per_year": 2,
    "exclusion_days": 30,
    "reduced_days": 60,
    "reduced_ratio": Decimal("0.5"),
    "same_cause_months": 3,
    "min_age": 16,
    "max_age": 65,
    "min_participation": Decimal("0.8"),
}
CRITICAL = {
    "name": "2024—2026年度职工重大疾病互助保障",
    "kind": Plan.Kind.CRITICAL_ILLNESS,
    "starts_on": date(2024, 1, 1),
    "term_years": 3,
    "enrol_until": date(2024, 3, 31),
    "premium_per_share": Decimal("30.00"),
    "max_shares": 3,
    "fixed_sum": Decimal("10000.00"),
    "term_limit": Decimal("10000.00"),
    "exclusion_days": 90,
    "min_age": 16,
    "max_age": 60,
    "min_participation": Decimal("0.8"),
}
HOSPITAL_TARGET = {2023: 6_500, 2024: 8_000, 2025: 8_800}  # eligible staff enrolled, at least
CRITICAL_TARGET = 4_300
CLAIMS = {2023: 70, 2024: 150, 2025: 90}  # hospital claims drawn per year (refusals among them)
CAUSES = [
    ("K35", "急性阑尾炎", "腹腔镜阑尾切除术"),
    ("J18", "社区获得性肺炎", "抗感染治疗"),
    ("S82", "胫腓骨骨折", "切开复位内固定术"),
    ("K80", "胆囊结石伴胆囊炎", "腹腔镜胆囊切除术"),
    ("I63", "脑梗死", "溶栓及康复治疗"),
    ("M51", "腰椎间盘突出症", "微创椎间孔镜手术"),
    ("N20", "肾结石", "体外冲击波碎石"),
    ("E11", "2型糖尿病", "血糖控制及并发症筛查"),
]
CRITICAL_CAUSES = {  # by gender
    "M": [("C34", "肺恶性肿瘤", "胸腔镜肺叶切除术及化疗"), ("C16", "胃恶性肿瘤", "腹腔镜胃癌根治术")],
    "F": [("C34", "肺恶性肿瘤", "胸腔镜肺叶切除术及化疗"), ("C50", "乳腺恶性肿瘤", "乳腺癌改良根治术")],
}
HOSPITALS = ["明月市人民医院", "明月市中医院", "明月经开区医院", "省人民医院", "明月市第二人民医院"]
BANKS = ["中国工商银行明月分行", "中国建设银行明月分行", "中国农业银行明月分行", "明月农商银行"]
OPEN = [
    Status.SUBMITTED,
    Status.RETURNED,
    Status.UNION_REVIEWED,
    Status.FEDERATION_REVIEWED,
    Status.AMOUNT_SET,
]


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=timezone.get_current_timezone())


def _plans(zone, admin) -> dict:
    plans, previous = {}, None
    for year in (2023, 2024, 2025):
        fields = HOSPITAL | {
            "name": f"{year}年度职工住院医疗互助保障",
            "starts_on": date(year, 1, 1),
            "enrol_until": date(year, 3, 31),
            "renews": previous,
        }
        previous = services.plan_publish(
            plan=services.plan_create(federation=zone, by=admin, **fields), by=admin
        )
        plans[year] = previous
    plans["critical"] = services.plan_publish(
        plan=services.plan_create(federation=zone, by=admin, **CRITICAL), by=admin
    )
    services.plan_create(
        federation=zone,
        by=admin,
        **(
            HOSPITAL
            | {
                "name": "2026年度职工住院医疗互助保障（草案）",
                "starts_on": date(2026, 1, 1),
                "enrol_until": date(2026, 3, 31),
                "renews": previous,
            }
        ),
    )
    return plans


def _staff_by_enterprise(on: date, plan: Plan) -> dict[int, list[tuple[int, int, int]]]:
    """enterprise id → [(person id, union id, birth year)] of the staff the plan covers on that day."""
    year = plan.starts_on.year
    staff: dict[int, list] = {}
    for person_id, union_id, enterprise_id, born in (
        Membership.objects.active_on(on)
        .filter(
            enterprise__isnull=False, person__birth_year__range=(year - plan.max_age, year - plan.min_age)
        )
        .values_list("person_id", "union_id", "enterprise_id", "person__birth_year")
        .order_by("enterprise_id", "person_id")
    ):
        staff.setdefault(enterprise_id, []).append((person_id, union_id, born))
    return staff


def _enrol(
    rng, plan: Plan, enterprises: list[int], staff: dict, by_users: dict, previous: dict, shares_of=None
) -> dict:
    """Whole enterprises enrolled as groups on the December before the plan starts; returns
    person id → Enrolment."""
    enrolled_on = plan.starts_on - timedelta(days=rng.randint(10, 25))
    batches, rows = [], []
    for enterprise_id in enterprises:
        people = staff.get(enterprise_id, [])
        if not people:
            continue
        shares = rng.choice((1, 1, 2, 3))
        shares = (shares_of or {}).get(enterprise_id, shares)
        union_id = people[0][1]
        fee = plan.premium_per_share * shares
        batches.append(
            EnrolmentBatch(
                plan=plan,
                union_id=union_id,
                enterprise_id=enterprise_id,
                enrolled_on=enrolled_on,
                people=len(people),
                fee_total=fee * len(people),
                headcount=len(people),
                enrolled_total=len(people),
                created_by=by_users[union_id][0],
                created_at=_at(enrolled_on),
            )
        )
        rows.append((people, shares, fee))
    EnrolmentBatch.objects.bulk_create(batches)
    enrolments = []
    for batch, (people, shares, fee) in zip(batches, rows, strict=True):
        for person_id, union_id, _born in people:
            renewed = previous.get(person_id)
            covered_from, continuous_since = services.cover_for(
                plan, enrolled_on=enrolled_on, renewed=renewed
            )
            enrolments.append(
                Enrolment(
                    batch=batch,
                    plan=plan,
                    person_id=person_id,
                    union_id=union_id,
                    shares=shares,
                    fee=fee,
                    covered_from=covered_from,
                    covered_until=plan.ends_on,
                    continuous_since=continuous_since,
                    renewed_from=renewed,
                )
            )
    Enrolment.objects.bulk_create(enrolments, batch_size=2000)
    audit_append(
        [
            AuditLog(
                actor_id=b.created_by.pk,
                actor_username=b.created_by.username,
                action="mutual_aid.enrol",
                object_type="mutual_aid.enrolmentbatch",
                object_id=str(b.pk),
                object_repr=f"{plan} · {b.enterprise_id}"[:200],
                at=b.created_at,
                detail={"plan": plan.pk, "people": b.people, "fee_total": str(b.fee_total)},
            )
            for b in batches
        ]
    )
    return {e.person_id: e for e in enrolments}


def _pick(staff: dict, order: list[int], target: int) -> list[int]:
    chosen, total = [], 0
    for enterprise_id in order:
        if total >= target:
            break
        chosen.append(enterprise_id)
        total += len(staff.get(enterprise_id, []))
    return chosen


def _officers(unions) -> dict[int, tuple[User, User]]:
    """For each union: the officer who files and enrols, and the one who reviews claims (U0001:
    union-admin and the union-chair sign-in; U0002: union-admin-2; the others' officers have no password)."""
    existing = {
        u.organisation_id: u for u in User.objects.filter(username__in=["union-admin", "union-admin-2"])
    }
    new = []
    for union in unions:
        if union.pk not in existing:
            clerk = User(
                username=f"{union.code.lower()}-clerk",
                role=Role.UNION_ADMIN,
                organisation=union,
                first_name="工会干事",
            )
            clerk.set_unusable_password()
            new.append(clerk)
        chair = User(
            username=f"{union.code.lower()}-chair",
            role=Role.UNION_ADMIN,
            organisation=union,
            first_name="工会主席",
        )
        chair.set_unusable_password()
        if union.code == "U0001":
            chair.username, chair.first_name = CHAIR
            chair.set_password(DEMO_PASSWORD)
        new.append(chair)
    User.objects.bulk_create(new, batch_size=500)
    users = {u.username: u for u in User.objects.filter(role=Role.UNION_ADMIN)}
    out = {}
    for union in unions:
        code = union.code.lower()
        clerk = existing.get(union.pk) or users[f"{code}-clerk"]
        out[union.pk] = (clerk, users[CHAIR[0] if code == "u0001" else f"{code}-chair"])
    return out


class ClaimMaker:
    """Claims with their steps, invoices, documents, payments and audit rows, in bulk."""

    def __init__(self, rng, federation_user):
        self.rng = rng
        self.federation_user = federation_user
        self.priors: dict[int, list[rules.Prior]] = {}
        self.claims, self.steps, self.payments = [], [], []
        self.invoice_seq = 0

    def make(
        self,
        *,
        enrolment,
        plan,
        birth_year,
        officers,
        event_on,
        days,
        cause,
        status,
        total=None,
        insured=None,
    ):
        rng = self.rng
        code, diagnosis, treatment = cause
        admitted = event_on if plan.daily_tiers else None
        discharged = event_on + timedelta(days=days) if plan.daily_tiers else None
        total = total or Decimal(rng.randint(3000, 40000)) + Decimal(rng.randint(0, 99)) / 100
        insured = (
            insured
            if insured is not None
            else (total * Decimal(rng.choice(("0.55", "0.6", "0.65", "0.7")))).quantize(rules.CENT)
        )
        facts = rules.Facts(event_on, admitted, discharged, services.cause_hash(code), total, insured)
        outcome = rules.assess(
            plan=plan,
            enrolment=enrolment,
            birth_year=birth_year,
            facts=facts,
            priors=self.priors.get(enrolment.pk, []),
        )
        if outcome.refusal:
            status = Status.REJECTED
        filed = (discharged or event_on) + timedelta(days=rng.randint(3, 20))
        clerk, chair = officers
        account = f"6222{rng.randint(10**14, 10**15 - 1)}"
        claim = Claim(
            enrolment=enrolment,
            plan=plan,
            person_id=enrolment.person_id,
            union_id=enrolment.union_id,
            filed_on=filed,
            event_on=event_on,
            admitted_on=admitted,
            discharged_on=discharged,
            cause_hash=facts.cause_hash,
            total_cost=total,
            insurance_paid=insured,
            diagnosis_encrypted=crypto.encrypt(diagnosis),
            hospital_encrypted=crypto.encrypt(rng.choice(HOSPITALS)),
            stay_encrypted=crypto.encrypt(f"{treatment}，住院{days}天" if admitted else treatment),
            account_encrypted=crypto.encrypt(account),
            account_masked=services.mask_account(account),
            bank=rng.choice(BANKS),
            consent_on=filed - timedelta(days=1),
            created_by=clerk,
            created_at=_at(filed),
            changed_at=_at(filed),
        )
        path = [(Status.SUBMITTED, clerk, filed, "")]
        day = filed
        order = [
            Status.UNION_REVIEWED,
            Status.FEDERATION_REVIEWED,
            Status.AMOUNT_SET,
            Status.PAID,
            Status.ARCHIVED,
        ]
        if status == Status.REJECTED:
            day += timedelta(days=rng.randint(2, 6))
            reason = outcome.refusal or rng.choice(
                ("门诊治疗，不属于住院医疗互助范围", "发票为复印件，且经告知未补交原件")
            )
            path += [
                (Status.UNION_REVIEWED, chair, day - timedelta(days=1), ""),
                (Status.REJECTED, self.federation_user, day, reason),
            ]
            claim.reason = reason
        elif status == Status.RETURNED:
            day += timedelta(days=2)
            path += [
                (Status.UNION_REVIEWED, chair, day, ""),
                (Status.RETURNED, self.federation_user, day + timedelta(days=2), "请补充出院小结原件"),
            ]
            claim.reason = "请补充出院小结原件"
        else:
            for step in order[: order.index(status) + 1] if status != Status.SUBMITTED else []:
                day += timedelta(days={Status.UNION_REVIEWED: rng.randint(1, 3), Status.FEDERATION_REVIEWED: rng.randint(2, 6),
                                       Status.AMOUNT_SET: 0, Status.PAID: rng.randint(3, 9), Status.ARCHIVED: 30}[step])  # fmt: skip
                path.append((step, chair if step == Status.UNION_REVIEWED else self.federation_user, day, ""))
        claim.status = path[-1][0]
        claim.changed_at = _at(path[-1][2])
        if claim.status in COUNTED:
            claim.amount, claim.computation = outcome.amount, outcome.lines
            self.priors.setdefault(enrolment.pk, []).append(
                rules.Prior(event_on, admitted, discharged, facts.cause_hash, outcome.amount)
            )
        self.claims.append((claim, path))
        return claim

    def save(self, storage_name=PDF) -> None:
        Claim.objects.bulk_create([c for c, _ in self.claims], batch_size=500)
        steps, invoices, documents, payments, audit = [], [], [], [], []
        for claim, path in self.claims:
            previous = ""
            for status, user, day, note in path:
                steps.append(
                    ClaimStep(
                        claim=claim,
                        from_state=previous,
                        to_state=status,
                        by=user,
                        by_name=user.username,
                        at=_at(day),
                        note=note,
                    )
                )
                audit.append(
                    AuditLog(
                        actor_id=user.pk,
                        actor_username=user.username,
                        action={
                            Status.SUBMITTED: "mutual_aid.claim.submit",
                            Status.UNION_REVIEWED: "mutual_aid.claim.union_review",
                            Status.FEDERATION_REVIEWED: "mutual_aid.claim.federation_review",
                            Status.RETURNED: "mutual_aid.claim.return",
                            Status.REJECTED: "mutual_aid.claim.reject",
                            Status.AMOUNT_SET: "mutual_aid.claim.set_amount",
                            Status.PAID: "mutual_aid.claim.pay",
                            Status.ARCHIVED: "mutual_aid.claim.archive",
                        }[status],  # fmt: skip
                        object_type="mutual_aid.claim",
                        object_id=str(claim.pk),
                        object_repr=str(claim)[:200],
                        at=_at(day),
                        detail={"from": previous, "to": status} if previous else {"plan": claim.plan_id},
                    )
                )
                if status == Status.PAID:
                    payments.append(
                        LedgerEntry(
                            claim=claim,
                            plan_id=claim.plan_id,
                            person_id=claim.person_id,
                            union_id=claim.union_id,
                            amount=claim.amount,
                            paid_on=day,
                            reference=f"MY{day:%Y%m%d}{claim.pk:06d}",
                            account_masked=claim.account_masked,
                            recorded_by=user,
                            recorded_at=_at(day, 15),
                        )
                    )
                previous = status
            self.invoice_seq += 1
            invoices.append(Invoice(claim=claim, number=f"3601{claim.filed_on:%y}{self.invoice_seq:08d}"))
            for name in ("诊断证明.pdf", "医疗费用发票.pdf"):
                document = ClaimDocument(
                    claim=claim,
                    name=name,
                    size=len(PDF),
                    added_by=claim.created_by,
                    added_at=claim.created_at,
                )
                document.file.save(name, ContentFile(PDF), save=False)
                documents.append(document)
        ClaimStep.objects.bulk_create(steps, batch_size=1000)
        Invoice.objects.bulk_create(invoices, batch_size=1000)
        ClaimDocument.objects.bulk_create(documents, batch_size=1000)
        LedgerEntry.objects.bulk_create(payments, batch_size=1000)
        audit_append(audit)


def _claims(
    rng, plans, enrolled, births, genders, worker_id, officers_of, claim_unions, federation_user
) -> None:
    maker = ClaimMaker(rng, federation_user)
    u0001 = next(uid for uid, (clerk, _c) in officers_of.items() if clerk.username == "union-admin")
    opened = 0
    for year in (2023, 2024, 2025):
        plan, pool = plans[year], sorted(enrolled[year].values(), key=lambda e: e.pk)
        local = [e for e in pool if e.union_id in claim_unions]
        drawn = rng.sample(local, CLAIMS[year])
        if year == 2024:
            drawn = [enrolled[2024][worker_id]] + [e for e in drawn if e.person_id != worker_id]
        for i, enrolment in enumerate(sorted(drawn, key=lambda e: e.pk)):
            event_on = date(year, 1, 1) + timedelta(days=rng.randint(20, 330))
            if year == 2024 and enrolment.person_id == worker_id:
                event_on, status = date(2024, 5, 6), Status.ARCHIVED
            elif year == 2025 and i % 6 == 0 or year == 2024 and i % 25 == 0:
                status, opened = OPEN[opened % len(OPEN)], opened + 1
                event_on = date(year, 11, 1) + timedelta(days=rng.randint(0, 20))
            else:
                status = rng.choice(
                    (
                        Status.ARCHIVED,
                        Status.ARCHIVED,
                        Status.PAID,
                        Status.REJECTED if i % 9 == 0 else Status.ARCHIVED,
                    )
                )
            maker.make(
                enrolment=enrolment,
                plan=plan,
                birth_year=births[enrolment.person_id],
                officers=officers_of[enrolment.union_id],
                event_on=event_on,
                days=rng.choice((2, 4, 6, 8, 10, 12, 15, 21, 35)),
                cause=rng.choice(CAUSES),
                status=status,
            )
    critical = plans["critical"]
    pool = sorted(
        (e for e in enrolled["critical"].values() if e.union_id in claim_unions), key=lambda e: e.pk
    )
    headline = next(e for e in pool if e.union_id == u0001 and e.shares == 3)
    maker.make(
        enrolment=headline, plan=critical, birth_year=births[headline.person_id], officers=officers_of[u0001],
        event_on=date(2024, 7, 16), days=0, cause=CRITICAL_CAUSES["M"][0], status=Status.ARCHIVED,
        total=Decimal("106800.00"), insured=Decimal("61200.00"),
    )  # fmt: skip
    for i, enrolment in enumerate(rng.sample([e for e in pool if e is not headline], 14)):
        year = 2024 if i < 8 else 2025
        maker.make(
            enrolment=enrolment, plan=critical, birth_year=births[enrolment.person_id],
            officers=officers_of[enrolment.union_id], event_on=date(year, 4, 1) + timedelta(days=rng.randint(0, 200)),
            days=0, cause=rng.choice(CRITICAL_CAUSES[genders[enrolment.person_id]]), status=Status.ARCHIVED if i % 5 else Status.PAID,
            total=Decimal(rng.randint(60000, 180000)),
        )  # fmt: skip
    maker.save()


def build(world) -> None:
    rng = random.Random(world.seed + 10)
    admin = User.objects.get(username="zone-admin")
    plans = _plans(world.zone, admin)
    officers_of = _officers(world.unions)
    by_users = officers_of
    claim_unions = {u.pk for u in world.unions if u.code <= "U0012"}
    u0001_enterprise = (
        Membership.objects.filter(person=world.worker).values_list("enterprise_id", flat=True).first()
    )
    staff_2024 = _staff_by_enterprise(date(2023, 12, 15), plans[2024])
    near = sorted(
        e for e, people in staff_2024.items() if people[0][1] in claim_unions and e != u0001_enterprise
    )
    rest = sorted(e for e, people in staff_2024.items() if people[0][1] not in claim_unions)
    rng.shuffle(near)
    rng.shuffle(rest)
    order = [u0001_enterprise, *near, *rest]
    chosen_2024 = _pick(staff_2024, order, HOSPITAL_TARGET[2024])

    staff_2023 = _staff_by_enterprise(date(2022, 12, 15), plans[2023])
    chosen_2023 = _pick(staff_2023, [e for e in chosen_2024 if e in staff_2023], HOSPITAL_TARGET[2023])
    enrolled = {2023: _enrol(rng, plans[2023], chosen_2023, staff_2023, by_users, {})}
    enrolled[2024] = _enrol(rng, plans[2024], chosen_2024, staff_2024, by_users, enrolled[2023])
    staff_2025 = _staff_by_enterprise(date(2024, 12, 15), plans[2025])
    chosen_2025 = _pick(staff_2025, [e for e in order if e in staff_2025], HOSPITAL_TARGET[2025])
    enrolled[2025] = _enrol(rng, plans[2025], chosen_2025, staff_2025, by_users, enrolled[2024])
    staff_critical = _staff_by_enterprise(date(2023, 12, 15), plans["critical"])
    chosen_critical = _pick(staff_critical, order, CRITICAL_TARGET)
    enrolled["critical"] = _enrol(
        rng, plans["critical"], chosen_critical, staff_critical, by_users, {}, shares_of={u0001_enterprise: 3}
    )
    births = dict(Membership.objects.values_list("person_id", "person__birth_year"))
    genders = dict(Membership.objects.values_list("person_id", "person__gender"))
    _claims(rng, plans, enrolled, births, genders, world.worker.pk, officers_of, claim_unions, admin)
