"""Plans, enrolments and claims made through the real services, with fictional details."""

from datetime import date
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from gonghui.members.models import Membership
from gonghui.mutual_aid import services
from gonghui.mutual_aid.models import Plan

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
ACCOUNT = "6222020200112233445"

HOSPITAL = {
    "name": "2024年度职工住院医疗互助",
    "kind": Plan.Kind.HOSPITAL,
    "starts_on": date(2024, 1, 1),
    "term_years": 1,
    "enrol_until": date(2024, 12, 31),
    "premium_per_share": Decimal("20.00"),
    "max_shares": 3,
    "daily_tiers": [
        {"from": 1, "to": 3, "amount": "0"},
        {"from": 4, "to": 30, "amount": "40.00"},
        {"from": 31, "to": None, "amount": "50.00"},
    ],
    "claim_limit": Decimal("2000.00"),
    "year_limit": Decimal("3000.00"),
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
    "name": "2024—2026年职工重大疾病互助",
    "kind": Plan.Kind.CRITICAL_ILLNESS,
    "starts_on": date(2024, 1, 1),
    "term_years": 3,
    "enrol_until": date(2024, 3, 31),
    "premium_per_share": Decimal("30.00"),
    "max_shares": 3,
    "daily_tiers": [],
    "fixed_sum": Decimal("10000.00"),
    "claim_limit": None,
    "year_limit": None,
    "term_limit": Decimal("10000.00"),
    "claims_per_year": None,
    "exclusion_days": 90,
    "reduced_days": 0,
    "same_cause_months": 0,
    "min_participation": Decimal("0.8"),
}


def make_plan(federation, *, by, publish=True, **overrides) -> Plan:
    plan = services.plan_create(federation=federation, by=by, **{**HOSPITAL, **overrides})
    return services.plan_publish(plan=plan, by=by) if publish else plan


def enrol_all(plan, union, enterprise, *, by, on=date(2024, 1, 1), shares=2):
    """Every active member of the enterprise, as one group."""
    memberships = Membership.objects.active_on(on).filter(enterprise=enterprise)
    return services.enrolment_create(
        plan=plan,
        union=union,
        enterprise=enterprise,
        memberships=list(memberships),
        shares=shares,
        enrolled_on=on,
        by=by,
    )


def document(name="诊断证明.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def claim_fields(person, **overrides) -> dict:
    fields = {
        "person": person,
        "filed_on": date(2024, 6, 20),
        "event_on": date(2024, 6, 1),
        "admitted_on": date(2024, 6, 1),
        "discharged_on": date(2024, 6, 11),
        "cause_code": "K35",
        "diagnosis": "急性阑尾炎",
        "hospital": "宜春市人民医院",
        "stay": "腹腔镜阑尾切除术，住院10天",
        "total_cost": Decimal("12000.00"),
        "insurance_paid": Decimal("8000.00"),
        "invoices": ["36000012345678"],
        "account_name": person.name,
        "account_number": ACCOUNT,
        "bank": "中国工商银行宜春分行",
        "consent": True,
        "consent_on": date(2024, 6, 15),
        "documents": [document(), document("出院小结.pdf")],
    }
    return fields | overrides


def file_claim(plan, person, *, by, **overrides):
    return services.claim_submit(plan=plan, by=by, **claim_fields(person, **overrides))


def to_federation_reviewed(claim, *, union_reviewer, officer):
    claim = services.claim_move(claim=claim, to="union_reviewed", by=union_reviewer)
    return services.claim_move(claim=claim, to="federation_reviewed", by=officer)
