"""Pages: a union officer files, a second reviews, federation staff review, set and pay; the ledger and the
worker's page agree; outsiders get 404; list pages cost the same for 1 row as for many."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from gonghui.core.models import AuditLog
from gonghui.members.tests.factories import make_member
from gonghui.mutual_aid import services
from gonghui.mutual_aid.models import Claim, LedgerEntry, Plan
from gonghui.mutual_aid.tests.factories import ACCOUNT, PDF, file_claim, to_federation_reviewed

pytestmark = pytest.mark.django_db


@pytest.fixture
def claim(plan, enrolled, member_a, admin_a):
    return file_claim(plan, member_a.person, by=admin_a)


def login(client, user):
    client.force_login(user)
    return client


def test_a_union_officer_files_a_claim_through_the_form(client, plan, enrolled, member_a, admin_a):
    login(client, admin_a)
    assert client.get(reverse("mutual_aid:claim_create")).status_code == 200
    data = {
        "person": member_a.person.reveal_id_number(),
        "plan": plan.pk,
        "event_on": "2024-06-01",
        "admitted_on": "2024-06-01",
        "discharged_on": "2024-06-11",
        "cause_code": "K35",
        "diagnosis": "急性阑尾炎",
        "hospital": "宜春市人民医院",
        "stay": "手术",
        "total_cost": "12000.00",
        "insurance_paid": "8000.001",
        "invoices": "36000012345678\n36000012345679",
        "account_name": "张三",
        "account_number": ACCOUNT,
        "bank": "工商银行",
        "consent": "on",
        "consent_on": "2024-06-15",
    }
    page = client.post(reverse("mutual_aid:claim_create"), data | {"documents": _pdf()})
    assert page.status_code == 200 and "医保报销最多保留两位小数" in page.text
    assert not Claim.objects.exists()
    response = client.post(
        reverse("mutual_aid:claim_create"), data | {"insurance_paid": "8000.00", "documents": _pdf()}
    )
    claim = Claim.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "mutual_aid:claim_detail", args=[claim.pk]
    )
    assert claim.invoices.count() == 2 and claim.documents.count() == 1


def _pdf():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("诊断证明.pdf", PDF, content_type="application/pdf")


def test_the_claim_page_shows_medical_details_to_handlers_only_and_audits(
    client, claim, admin_a, city_officer, officer
):
    page = login(client, admin_a).get(reverse("mutual_aid:claim_detail", args=[claim.pk]))
    assert "急性阑尾炎" in page.text and ACCOUNT in page.text
    assert AuditLog.objects.filter(action="mutual_aid.claim.view_medical", actor=admin_a).count() == 1
    page = login(client, city_officer).get(reverse("mutual_aid:claim_detail", args=[claim.pk]))
    assert page.status_code == 200 and "急性阑尾炎" not in page.text and ACCOUNT not in page.text
    assert "仅经办本申请的工会和总工会工作人员可以查看" in page.text
    document = claim.documents.first()
    assert (
        login(client, city_officer).get(reverse("mutual_aid:document", args=[document.pk])).status_code == 404
    )
    assert login(client, officer).get(reverse("mutual_aid:document", args=[document.pk])).status_code == 200
    assert AuditLog.objects.filter(action="mutual_aid.document.open", actor=officer).count() == 1


@pytest.mark.parametrize("who", ["admin_b", "worker"])
@pytest.mark.parametrize(
    ("name", "method"),
    [("mutual_aid:claim_detail", "get"), ("mutual_aid:claim_move", "post"), ("mutual_aid:claim_pay", "post")],
)
def test_another_unions_claim_is_404(client, request, claim, who, name, method):
    login(client, request.getfixturevalue(who))
    response = getattr(client, method)(reverse(name, args=[claim.pk]), {"to": "union_reviewed"})
    assert response.status_code == 404
    claim.refresh_from_db()
    assert claim.status == "submitted"


def test_review_set_and_pay_through_the_pages(client, claim, admin_a, reviewer_a, officer, worker):
    move = reverse("mutual_aid:claim_move", args=[claim.pk])
    page = login(client, admin_a).post(move, {"to": "union_reviewed"})
    assert "录入本申请的人不能审核" in page.text
    assert login(client, reviewer_a).post(move, {"to": "union_reviewed"}).status_code == 302
    login(client, officer)
    page = client.post(move, {"to": "returned"})
    assert "请填写原因" in page.text
    assert client.post(move, {"to": "federation_reviewed"}).status_code == 302
    assert client.post(move, {"to": "amount_set"}).status_code == 302
    page = client.get(reverse("mutual_aid:claim_detail", args=[claim.pk]))
    assert "第4至10天：7天×40.00元×2份=560.00元" in page.text
    pay = reverse("mutual_aid:claim_pay", args=[claim.pk])
    assert client.post(pay, {"paid_on": date.today().isoformat(), "reference": "ICBC-1"}).status_code == 302
    page = client.post(pay, {"paid_on": date.today().isoformat(), "reference": "ICBC-2"})
    assert LedgerEntry.objects.count() == 1 and page.status_code == 200
    ledger = client.get(reverse("mutual_aid:ledger"))
    assert "共1笔，合计560.00元" in ledger.text
    mine = login(client, worker).get(reverse("mutual_aid:mine"))
    assert "560.00元" in mine.text and "已支付" in mine.text and "急性阑尾炎" not in mine.text


def test_the_union_enrols_an_enterprise_through_the_page(
    client, plan, union_a, enterprise_a, member_a, admin_a
):
    other = make_member(union_a, enterprise=enterprise_a)
    url = reverse("mutual_aid:enrol", args=[plan.pk]) + f"?enterprise={enterprise_a.pk}"
    page = login(client, admin_a).get(url)
    assert "张三" in page.text and other.person.name in page.text
    page = client.post(url, {"enrolled_on": "2024-01-01", "shares": 2, "memberships": [member_a.pk]})
    assert "须全员参保" in page.text
    response = client.post(
        url, {"enrolled_on": "2024-01-01", "shares": 2, "memberships": [member_a.pk, other.pk]}
    )
    assert response.status_code == 302
    assert plan.enrolments.count() == 2


def test_federation_staff_create_and_publish_a_plan(client, officer):
    login(client, officer)
    data = {
        "name": "2025年度职工住院医疗互助",
        "kind": "hospital",
        "starts_on": "2025-01-01",
        "term_years": 1,
        "enrol_until": "2025-03-31",
        "premium_per_share": "20.00",
        "max_shares": 3,
        "daily_tiers": "1-3:0\n4-30:40\n31-:50",
        "exclusion_days": 30,
        "reduced_days": 0,
        "same_cause_months": 3,
        "min_age": 16,
        "max_age": 65,
        "min_participation": "0.8",
        "all_below_headcount": 100,
    }
    page = client.post(reverse("mutual_aid:plan_create"), data | {"daily_tiers": "4-30"})
    assert "应写成" in page.text
    response = client.post(reverse("mutual_aid:plan_create"), data)
    plan = Plan.objects.get()
    assert response.status_code == 302 and plan.daily_tiers[1] == {"from": 4, "to": 30, "amount": "40.00"}
    client.post(reverse("mutual_aid:plan_publish", args=[plan.pk]))
    plan.refresh_from_db()
    assert plan.is_published


def test_lists_cost_the_same_for_many_rows(
    client,
    django_assert_num_queries,
    plan,
    enrolled,
    union_a,
    enterprise_a,
    member_a,
    admin_a,
    reviewer_a,
    officer,
):
    claim = to_federation_reviewed(
        file_claim(plan, member_a.person, by=admin_a), union_reviewer=reviewer_a, officer=officer
    )
    services.claim_pay(
        claim=services.claim_set_amount(claim=claim, by=officer),
        paid_on=date.today(),
        reference="R",
        by=officer,
    )
    login(client, officer)
    # session, user, the page's claims and their count; the waiting count
    for name in (
        "mutual_aid:claim_list",
        "mutual_aid:ledger",
        "mutual_aid:plan_list",
        "mutual_aid:batch_list",
    ):
        client.get(reverse(name))
    counts = {}
    for name in (
        "mutual_aid:claim_list",
        "mutual_aid:ledger",
        "mutual_aid:plan_list",
        "mutual_aid:batch_list",
    ):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse(name)).status_code == 200
        counts[name] = len(queries)
    for n in range(2, 12):
        person = make_member(union_a, enterprise=enterprise_a).person
        services.enrolment_create(
            plan=plan, union=union_a, enterprise=enterprise_a, memberships=[person.memberships.get()], shares=1,
            enrolled_on=date(2024, 1, 1), by=admin_a,
        )  # fmt: skip
        c = to_federation_reviewed(
            file_claim(plan, person, by=admin_a, invoices=[f"INV{n:08d}"], account_name=person.name),
            union_reviewer=reviewer_a, officer=officer,
        )  # fmt: skip
        services.claim_pay(
            claim=services.claim_set_amount(claim=c, by=officer),
            paid_on=date.today(),
            reference=f"R{n}",
            by=officer,
        )
    for name, count in counts.items():
        with django_assert_num_queries(count):
            assert client.get(reverse(name)).status_code == 200
    assert Decimal(LedgerEntry.objects.count()) == 11
    assert counts["mutual_aid:claim_list"] <= 8
