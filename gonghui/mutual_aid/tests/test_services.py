from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from gonghui.core.models import AuditLog
from gonghui.core.scope import NotInScope
from gonghui.members.tests.factories import make_member
from gonghui.mutual_aid import services
from gonghui.mutual_aid.models import (
    Claim,
    ClaimDocument,
    ClaimStep,
    Enrolment,
    EnrolmentBatch,
    Invoice,
    LedgerEntry,
    Plan,
)
from gonghui.mutual_aid.tests.factories import (
    CRITICAL,
    enrol_all,
    file_claim,
    make_plan,
    to_federation_reviewed,
)

pytestmark = pytest.mark.django_db


def message(error: ValidationError, field: str) -> str:
    return " ".join(error.message_dict[field])


# --- plans ---


def test_a_plan_is_a_draft_until_published_and_then_not_edited(zone, officer):
    plan = make_plan(zone, by=officer, publish=False)
    assert plan.status == Plan.Status.DRAFT and plan.ends_on == date(2024, 12, 31)
    services.plan_update(plan=plan, by=officer, max_shares=2)
    services.plan_publish(plan=plan, by=officer)
    with pytest.raises(ValidationError) as error:
        services.plan_update(plan=plan, by=officer, max_shares=3)
    assert "已发布的计划不能修改" in message(error.value, "status")
    plan.refresh_from_db()
    assert plan.max_shares == 2


def test_a_three_year_plan_ends_the_day_before_its_third_anniversary(zone, officer):
    plan = make_plan(zone, by=officer, **CRITICAL)
    assert plan.ends_on == date(2026, 12, 31)


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        ({"premium_per_share": Decimal("20.005")}, "premium_per_share", "每份会费最多保留两位小数"),
        ({"term_years": 4}, "term_years", "1至3年"),
        ({"min_participation": Decimal("1.2")}, "min_participation", "0至1之间"),
        ({"daily_tiers": [{"from": 2, "to": None, "amount": "40"}]}, "daily_tiers", "从第1天起"),
        ({"daily_tiers": [], "fixed_sum": None}, "fixed_sum", "至少设定一种给付"),
        ({"enrol_until": date(2025, 6, 1)}, "enrol_until", "不能晚于保障终止日期"),
    ],
)
def test_bad_plan_rules_are_refused_naming_the_field(zone, officer, overrides, field, words):
    with pytest.raises(ValidationError) as error:
        make_plan(zone, by=officer, **overrides)
    assert words in message(error.value, field)
    assert not Plan.objects.exists()


def test_plans_are_the_federations(zone, union_a, admin_a, officer):
    with pytest.raises(NotInScope):
        make_plan(zone, by=admin_a)
    plan = make_plan(zone, by=officer)
    assert list(Plan.objects.visible_to(admin_a)) == [plan]  # a union admin reads the plans above them


# --- enrolment ---


def test_a_group_enrolment_counts_the_fee_in_decimal(plan, union_a, enterprise_a, member_a, admin_a):
    others = [make_member(union_a, enterprise=enterprise_a) for _ in range(2)]
    batch = enrol_all(plan, union_a, enterprise_a, by=admin_a, shares=3)
    assert batch.people == 3 and batch.fee_total == Decimal("180.00") and batch.headcount == 3
    enrolment = Enrolment.objects.get(person=member_a.person)
    assert enrolment.covered_from == enrolment.continuous_since == date(2024, 1, 1)
    assert enrolment.fee == Decimal("60.00") and len(others) == 2
    assert AuditLog.objects.filter(action="mutual_aid.enrol", detail__people=3).exists()


def test_an_enterprise_under_100_staff_enrols_all_of_them(plan, union_a, enterprise_a, member_a, admin_a):
    make_member(union_a, enterprise=enterprise_a)
    with pytest.raises(ValidationError) as error:
        services.enrolment_create(
            plan=plan,
            union=union_a,
            enterprise=enterprise_a,
            memberships=[member_a],
            shares=1,
            enrolled_on=date(2024, 1, 1),
            by=admin_a,
        )
    assert "符合条件的职工2人，不足100人的企业须全员参保，即至少2人" in message(error.value, "memberships")
    assert not EnrolmentBatch.objects.exists() and not Enrolment.objects.exists()


def test_a_larger_enterprise_needs_its_minimum_share(zone, officer, union_a, enterprise_a, admin_a):
    plan = make_plan(zone, by=officer, all_below_headcount=5)
    members = [make_member(union_a, enterprise=enterprise_a) for _ in range(10)]
    with pytest.raises(ValidationError) as error:
        services.enrolment_create(
            plan=plan, union=union_a, enterprise=enterprise_a, memberships=members[:7], shares=1,
            enrolled_on=date(2024, 1, 1), by=admin_a,
        )  # fmt: skip
    assert "须不少于80%，即至少8人；本次后累计7人" in message(error.value, "memberships")
    batch = services.enrolment_create(
        plan=plan, union=union_a, enterprise=enterprise_a, memberships=members[:8], shares=1,
        enrolled_on=date(2024, 1, 1), by=admin_a,
    )  # fmt: skip
    assert batch.enrolled_total == 8


def test_enrolment_refuses_ages_shares_late_dates_and_twice(plan, union_a, enterprise_a, member_a, admin_a):
    def enrol(**kwargs):
        fields = {"memberships": [member_a], "shares": 1, "enrolled_on": date(2024, 1, 1)} | kwargs
        return services.enrolment_create(
            plan=plan, union=union_a, enterprise=enterprise_a, by=admin_a, **fields
        )

    with pytest.raises(ValidationError) as error:
        enrol(shares=4)
    assert "1至3份" in message(error.value, "shares")
    with pytest.raises(ValidationError) as error:
        enrol(enrolled_on=date(2025, 1, 2))
    assert "参保截止于2024-12-31" in message(error.value, "enrolled_on")
    enrol()
    with pytest.raises(ValidationError) as error:
        enrol()
    assert "已参加本计划：张三" in message(error.value, "memberships")
    old = make_member(union_a, name="周老", enterprise=enterprise_a)
    Enrolment.objects.all().delete()
    EnrolmentBatch.objects.all().delete()
    type(old.person).objects.filter(pk=old.person_id).update(birth_year=1950)
    with pytest.raises(ValidationError) as error:
        enrol(memberships=[member_a, old])
    assert "周老（74岁）" in message(error.value, "memberships")


def test_a_renewal_in_the_window_keeps_the_first_day_of_cover(
    zone, officer, plan, enrolled, union_a, enterprise_a, member_a, admin_a
):
    nxt = make_plan(
        zone,
        by=officer,
        name="2025年度",
        renews=plan,
        starts_on=date(2025, 1, 1),
        enrol_until=date(2025, 1, 31),
    )
    enrol_all(nxt, union_a, enterprise_a, by=admin_a, on=date(2024, 12, 20))
    renewal = Enrolment.objects.get(plan=nxt, person=member_a.person)
    assert renewal.continuous_since == date(2024, 1, 1) and renewal.covered_from == date(2025, 1, 1)
    assert renewal.renewed_from.plan == plan
    # a claim on 2025-01-10 is not in an exclusion period: the cover is unbroken since 2024
    claim = file_claim(
        nxt, member_a.person, by=admin_a, filed_on=date(2025, 1, 20), event_on=date(2025, 1, 10),
        admitted_on=date(2025, 1, 10), discharged_on=date(2025, 1, 14), consent_on=date(2025, 1, 15),
    )  # fmt: skip
    assert claim.status == "submitted"


def test_enrolment_by_another_union_is_out_of_scope(plan, union_a, enterprise_a, member_a, admin_b):
    with pytest.raises(NotInScope):
        services.enrolment_create(
            plan=plan, union=union_a, enterprise=enterprise_a, memberships=[member_a], shares=1,
            enrolled_on=date(2024, 1, 1), by=admin_b,
        )  # fmt: skip


# --- claims: filing ---


def test_a_claim_stores_medical_details_encrypted(plan, enrolled, member_a, admin_a):
    claim = file_claim(plan, member_a.person, by=admin_a)
    assert claim.status == "submitted" and claim.union_id == member_a.union_id
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM mutual_aid_claim WHERE id = %s", [claim.pk])
        row = " ".join(str(v) for v in cursor.fetchone())
    for secret in ("急性阑尾炎", "宜春市人民医院", "腹腔镜", "6222020200112233445"):
        assert secret not in row
    assert claim.account_masked == "6222***********3445"
    assert ClaimDocument.objects.filter(claim=claim).count() == 2
    assert list(Invoice.objects.values_list("number", flat=True)) == ["36000012345678"]
    assert ClaimStep.objects.get(claim=claim).to_state == "submitted"
    assert AuditLog.objects.filter(action="mutual_aid.claim.submit", object_id=str(claim.pk)).exists()


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        ({"total_cost": Decimal("12000.001")}, "total_cost", "医疗总费用最多保留两位小数"),
        ({"insurance_paid": "8000.125"}, "insurance_paid", "医保报销最多保留两位小数"),
        ({"insurance_paid": Decimal("13000")}, "insurance_paid", "不能超过医疗总费用"),
        ({"total_cost": Decimal("-1")}, "total_cost", "不能为负数"),
        ({"total_cost": "1e30"}, "total_cost", "不能超过一百亿元"),
        ({"total_cost": "12,000"}, "total_cost", "不是有效的金额"),
        ({"consent": False}, "consent", "《个人信息保护法》第二十九条"),
        ({"account_name": "李四"}, "account_name", "收款人须为张三本人"),
        ({"account_number": "12ab"}, "account_number", "12至30位数字"),
        ({"documents": []}, "documents", "请上传申请材料"),
        ({"invoices": []}, "invoices", "请填写医疗发票号码"),
        ({"event_on": date(2024, 1, 12), "admitted_on": date(2024, 1, 12)}, "event_on", "免责期第12天（共30天），不予给付"),
        ({"event_on": date(2023, 12, 20), "admitted_on": date(2023, 12, 20), "discharged_on": date(2023, 12, 25)},
         "event_on", "不在保障期（2024-01-01至2024-12-31）内"),
        ({"discharged_on": date(2024, 5, 1)}, "discharged_on", "不能早于入院日期"),
        ({"admitted_on": None, "discharged_on": None}, "admitted_on", "须填写入院和出院日期"),
        ({"event_on": date(2024, 6, 1), "admitted_on": date(2024, 6, 1), "discharged_on": date(2024, 6, 2)},
         "total_cost", "核定金额为0元"),
    ],
)  # fmt: skip
def test_bad_claims_are_refused_naming_the_field_and_nothing_is_saved(
    plan, enrolled, member_a, admin_a, overrides, field, words
):
    with pytest.raises(ValidationError) as error:
        file_claim(plan, member_a.person, by=admin_a, **overrides)
    assert words in message(error.value, field)
    assert not Claim.objects.exists() and not Invoice.objects.exists() and not ClaimDocument.objects.exists()
    assert not AuditLog.objects.filter(action__startswith="mutual_aid.claim").exists()


def test_a_member_not_enrolled_cannot_claim(plan, union_a, member_a, admin_a):
    with pytest.raises(ValidationError) as error:
        file_claim(plan, member_a.person, by=admin_a)
    assert "未由本工会参加" in message(error.value, "person")


def test_another_union_cannot_claim_for_a_member(plan, enrolled, member_a, admin_b, officer):
    for outsider in (admin_b, officer):  # officer: federation staff do not file, the union does
        with pytest.raises(NotInScope):
            file_claim(plan, member_a.person, by=outsider)


def test_duplicate_invoices_overlapping_stays_and_refused_claims_resubmitted(
    plan, enrolled, member_a, admin_a, reviewer_a
):
    first = file_claim(plan, member_a.person, by=admin_a)
    with pytest.raises(ValidationError) as error:
        file_claim(plan, member_a.person, by=admin_a, event_on=date(2024, 7, 1), admitted_on=date(2024, 7, 1),
                   discharged_on=date(2024, 7, 9))  # fmt: skip
    assert "发票号码「36000012345678」已申报过（申请" in message(error.value, "invoices")
    with pytest.raises(ValidationError) as error:
        file_claim(plan, member_a.person, by=admin_a, invoices=["36000099999999"], event_on=date(2024, 6, 5),
                   admitted_on=date(2024, 6, 5), discharged_on=date(2024, 6, 20))  # fmt: skip
    assert "住院期间与该会员的申请" in message(error.value, "admitted_on")
    services.claim_move(claim=first, to="rejected", by=reviewer_a, note="非住院治疗")
    with pytest.raises(ValidationError) as error:
        file_claim(plan, member_a.person, by=admin_a, invoices=["36000099999999"])
    assert "已被驳回（非住院治疗），不能再次提交" in message(error.value, "event_on")
    with pytest.raises(ValidationError) as error:
        file_claim(plan, member_a.person, by=admin_a, event_on=date(2024, 8, 1), admitted_on=date(2024, 8, 1),
                   discharged_on=date(2024, 8, 9))  # fmt: skip
    assert "已被驳回，驳回的申请不能再次提交" in message(error.value, "invoices")
    assert Claim.objects.count() == 1


# --- claims: the moves ---


def test_the_author_cannot_review_their_own_claim(plan, enrolled, member_a, admin_a, reviewer_a):
    claim = file_claim(plan, member_a.person, by=admin_a)
    with pytest.raises(ValidationError) as error:
        services.claim_move(claim=claim, to="union_reviewed", by=admin_a)
    assert "录入本申请的人不能审核" in message(error.value, "status")
    assert services.moves_for(admin_a, claim) == []
    claim = services.claim_move(claim=claim, to="union_reviewed", by=reviewer_a)
    assert claim.status == "union_reviewed"


def test_steps_follow_the_table_and_the_right_level(
    plan, enrolled, member_a, admin_a, reviewer_a, officer, city_officer
):
    claim = file_claim(plan, member_a.person, by=admin_a)
    with pytest.raises(ValidationError) as error:
        services.claim_move(claim=claim, to="federation_reviewed", by=officer)
    assert "申请当前为“已申请”，不能复核通过" in message(error.value, "status")
    with pytest.raises(ValidationError) as error:
        services.claim_move(claim=claim, to="union_reviewed", by=officer)
    assert "须由申请所在工会的干部办理" in message(error.value, "status")
    claim = services.claim_move(claim=claim, to="union_reviewed", by=reviewer_a)
    with pytest.raises(ValidationError) as error:
        services.claim_move(claim=claim, to="federation_reviewed", by=city_officer)
    assert "主办本计划的总工会" in message(error.value, "status")
    with pytest.raises(ValidationError) as error:
        services.claim_move(claim=claim, to="returned", by=officer)
    assert "请填写原因" in message(error.value, "note")
    claim = services.claim_move(claim=claim, to="returned", by=officer, note="请补充出院小结原件")
    assert claim.reason == "请补充出院小结原件"
    with pytest.raises(ValidationError) as error:
        services.claim_resubmit(claim=claim, by=admin_a)
    assert "请上传申请材料" in message(error.value, "documents")
    from gonghui.mutual_aid.tests.factories import document

    claim = services.claim_resubmit(claim=claim, by=admin_a, documents=[document("出院小结原件.pdf")])
    assert claim.status == "submitted" and claim.documents.count() == 3
    claim = to_federation_reviewed(claim, union_reviewer=reviewer_a, officer=officer)
    assert [s.to_state for s in claim.steps.all()] == [
        "submitted", "union_reviewed", "returned", "submitted", "union_reviewed", "federation_reviewed",
    ]  # fmt: skip


def test_the_amount_is_set_by_the_rules_with_a_line_per_rule(
    plan, enrolled, member_a, admin_a, reviewer_a, officer
):
    claim = to_federation_reviewed(
        file_claim(plan, member_a.person, by=admin_a), union_reviewer=reviewer_a, officer=officer
    )
    claim = services.claim_set_amount(claim=claim, by=officer)
    assert claim.status == "amount_set" and claim.amount == Decimal("560.00")
    assert claim.computation == [
        "保障期：2024-01-01至2024-12-31，出险日期2024-06-01在保障期内",
        f"年龄：出险时{2024 - member_a.person.birth_year}岁，在16至65岁保障范围内",
        "免责期：连续参保自2024-01-01，出险为第153天，已过30天免责期",
        "给付次数：本年度第1次（每年最多2次）",
        "住院10天（2024-06-01至2024-06-11），按第1至10天计",
        "第1至3天：3天，不予给付（免赔天数）",
        "第4至10天：7天×40.00元×2份=560.00元",
        "单次限额4,000.00元：未超过",
        "年度限额6,000.00元，已给付0.00元，尚余6,000.00元，未超过",
        "核定给付：560.00元",
    ]


def _decided(plan, person, admin, reviewer, officer, **overrides):
    claim = to_federation_reviewed(
        file_claim(plan, person, by=admin, **overrides), union_reviewer=reviewer, officer=officer
    )
    return services.claim_set_amount(claim=claim, by=officer)


def test_limits_count_and_same_cause_across_claims(
    zone, officer, union_a, enterprise_a, member_a, admin_a, reviewer_a
):
    plan = make_plan(zone, by=officer, year_limit=Decimal("400.00"), claim_limit=None)
    enrol_all(plan, union_a, enterprise_a, by=admin_a, shares=1)
    person = member_a.person
    first = _decided(plan, person, admin_a, reviewer_a, officer, event_on=date(2024, 4, 1), admitted_on=date(2024, 4, 1),
                     discharged_on=date(2024, 4, 8), invoices=["INV000001"])  # fmt: skip
    assert first.amount == Decimal("160.00")  # 7 days: days 4–7 × 40 × 1 share
    # the same cause a month later: one stay, its days continue from day 8; no second count
    second = _decided(plan, person, admin_a, reviewer_a, officer, event_on=date(2024, 5, 1), admitted_on=date(2024, 5, 1),
                      discharged_on=date(2024, 5, 11), invoices=["INV000002"])  # fmt: skip
    assert "与此前7天合并为一次住院" in " ".join(second.computation)
    assert "按第8至17天计" in " ".join(second.computation)
    assert second.amount == Decimal("240.00")  # 10 days × 40 = 400, capped at the 240 left of the year's 400
    assert "年度限额400.00元，已给付160.00元，尚余240.00元，按240.00元计" in second.computation
    with pytest.raises(ValidationError) as error:  # nothing left this year
        file_claim(plan, person, by=admin_a, cause_code="J18", event_on=date(2024, 9, 1), admitted_on=date(2024, 9, 1),
                   discharged_on=date(2024, 9, 20), invoices=["INV000003"])  # fmt: skip
    assert "核定金额为0元" in message(error.value, "total_cost")
    total = sum(Claim.objects.filter(person=person, status="amount_set").values_list("amount", flat=True))
    assert total == Decimal("400.00")


def test_the_yearly_count_limit(zone, officer, union_a, enterprise_a, member_a, admin_a, reviewer_a):
    plan = make_plan(zone, by=officer, claims_per_year=1)
    enrol_all(plan, union_a, enterprise_a, by=admin_a, shares=1)
    _decided(plan, member_a.person, admin_a, reviewer_a, officer, invoices=["INV000001"])
    with pytest.raises(ValidationError) as error:
        file_claim(plan, member_a.person, by=admin_a, cause_code="J18", event_on=date(2024, 9, 1),
                   admitted_on=date(2024, 9, 1), discharged_on=date(2024, 9, 20), invoices=["INV000003"])  # fmt: skip
    assert "本年度已给付1次，达到每年1次的上限" in message(error.value, "event_on")


def test_reduced_liability_after_the_exclusion_period(plan, enrolled, member_a, admin_a, reviewer_a, officer):
    claim = _decided(plan, member_a.person, admin_a, reviewer_a, officer, event_on=date(2024, 2, 10),
                     admitted_on=date(2024, 2, 10), discharged_on=date(2024, 2, 20))  # fmt: skip
    assert "减责期第11天（共60天），按50%给付" in claim.computation
    assert claim.amount == Decimal("280.00")


def test_a_critical_illness_pays_the_fixed_sum_per_share(
    zone, officer, union_a, enterprise_a, member_a, admin_a, reviewer_a
):
    plan = make_plan(zone, by=officer, **CRITICAL)
    enrol_all(plan, union_a, enterprise_a, by=admin_a, shares=3)
    claim = _decided(plan, member_a.person, admin_a, reviewer_a, officer, total_cost=Decimal("106500.00"),
                     insurance_paid=Decimal("61200.00"), cause_code="C34", admitted_on=None, discharged_on=None)  # fmt: skip
    assert claim.amount == Decimal("30000.00")
    assert "定额给付：10,000.00元×3份=30,000.00元" in claim.computation
    assert "保障期内限额30,000.00元，已给付0.00元，尚余30,000.00元，未超过" in claim.computation


def test_a_cost_ratio_plan_pays_part_of_what_insurance_left(
    zone, officer, union_a, enterprise_a, member_a, admin_a, reviewer_a
):
    plan = make_plan(zone, by=officer, kind=Plan.Kind.ACCIDENT, daily_tiers=[], cost_ratio=Decimal("0.5"),
                     claim_limit=Decimal("5000.00"))  # fmt: skip
    enrol_all(plan, union_a, enterprise_a, by=admin_a, shares=1)
    claim = _decided(plan, member_a.person, admin_a, reviewer_a, officer, total_cost=Decimal("3000.55"),
                     insurance_paid=Decimal("1000.00"))  # fmt: skip
    assert "自付费用：总费用3,000.55元−医保报销1,000.00元=2,000.55元，×50%=1,000.28元" in claim.computation
    assert claim.amount == Decimal("1000.28")


# --- payment and the ledger ---


@pytest.fixture
def amount_set(plan, enrolled, member_a, admin_a, reviewer_a, officer):
    return _decided(plan, member_a.person, admin_a, reviewer_a, officer)


def test_a_claim_is_paid_once_into_the_ledger(amount_set, officer):
    entry = services.claim_pay(
        claim=amount_set, paid_on=date.today(), reference="ICBC20240701001", by=officer
    )
    assert entry.amount == Decimal("560.00") and entry.account_masked == amount_set.account_masked
    with pytest.raises(ValidationError) as error:
        services.claim_pay(claim=amount_set, paid_on=date.today(), reference="ICBC20240701002", by=officer)
    assert "已支付，不能重复支付" in message(error.value, "status")
    assert LedgerEntry.objects.count() == 1
    claim = services.claim_move(claim=amount_set, to="archived", by=officer)
    assert claim.status == "archived"


def test_payment_needs_its_reference_and_a_sane_date(amount_set, officer, admin_a):
    with pytest.raises(ValidationError) as error:
        services.claim_pay(claim=amount_set, paid_on=date.today(), reference=" ", by=officer)
    assert "银行流水号" in message(error.value, "reference")
    with pytest.raises(ValidationError) as error:
        services.claim_pay(claim=amount_set, paid_on=date(2024, 1, 1), reference="X1", by=officer)
    assert "不能早于核定日期" in message(error.value, "paid_on")
    with pytest.raises(ValidationError) as error:
        services.claim_pay(claim=amount_set, paid_on=date.today(), reference="X1", by=admin_a)
    assert "主办本计划的总工会" in message(error.value, "status")
    assert not LedgerEntry.objects.exists()


def test_the_ledger_is_append_only(amount_set, officer):
    entry = services.claim_pay(claim=amount_set, paid_on=date.today(), reference="R1", by=officer)
    with pytest.raises(PermissionError):
        LedgerEntry.objects.filter(pk=entry.pk).update(amount=Decimal("1"))
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(Exception, match="append-only"), connection.cursor() as cursor:
        cursor.execute("UPDATE mutual_aid_ledgerentry SET amount = 1 WHERE id = %s", [entry.pk])


# --- sensitive reads ---


def test_medical_details_only_for_the_claims_handlers_and_audited(
    amount_set, admin_a, officer, city_officer, worker, admin_b, platform_admin
):
    for handler in (admin_a, officer):
        details = services.claim_medical_details(claim=amount_set, by=handler)
        assert details["diagnosis"] == "急性阑尾炎" and details["account"] == "6222020200112233445"
    assert (
        AuditLog.objects.filter(action="mutual_aid.claim.view_medical", object_id=str(amount_set.pk)).count()
        == 2
    )
    for other in (city_officer, worker, admin_b, platform_admin):
        with pytest.raises(NotInScope):
            services.claim_medical_details(claim=amount_set, by=other)
    document = amount_set.documents.first()
    with services.document_open(document=document, by=officer) as handle:
        assert handle.read().startswith(b"%PDF")
    with pytest.raises(NotInScope):
        services.document_open(document=document, by=city_officer)


def test_the_database_holds_one_payment_per_claim(amount_set, officer):
    from django.db import IntegrityError, transaction

    entry = services.claim_pay(claim=amount_set, paid_on=date.today(), reference="R1", by=officer)
    second = LedgerEntry(
        claim=amount_set, plan=entry.plan, person=entry.person, union=entry.union, amount=entry.amount,
        paid_on=entry.paid_on, reference="R2", account_masked=entry.account_masked,
    )  # fmt: skip
    with pytest.raises(IntegrityError), transaction.atomic():
        second.save()
