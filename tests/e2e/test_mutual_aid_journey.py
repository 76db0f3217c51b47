"""A union officer files a medical mutual-aid claim for a member; a second union officer reviews it;
federation staff review it, set its amount by the plan's rules and pay it; the ledger and the member's
own page agree to the fen. Every page also reads on a phone. GONGHUI_SCREENSHOTS=DIR keeps the pages."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from gonghui.activities.tests.factories import make_officer
from gonghui.mutual_aid.models import Claim, LedgerEntry
from gonghui.mutual_aid.tests.factories import PDF, enrol_all, make_plan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE, DESKTOP = {"width": 390, "height": 844}, {"width": 1280, "height": 800}
UNLABELLED = """() => [...document.querySelectorAll("table.list tbody td")]
    .filter(td => td.colSpan === 1 && !td.dataset.label).length"""


def look(page, name):
    """The page at phone and desktop width: no wider than the phone, every table cell labelled."""
    page.set_viewport_size(PHONE)
    page.wait_for_load_state()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], name
    assert page.evaluate(UNLABELLED) == 0, name
    shots = os.environ.get("GONGHUI_SCREENSHOTS")
    if shots:
        Path(shots).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{shots}/mutual-aid-{name}-phone.png", full_page=True)
        page.set_viewport_size(DESKTOP)
        page.screenshot(path=f"{shots}/mutual-aid-{name}-desktop.png", full_page=True)
    page.set_viewport_size(DESKTOP)


def test_a_claim_from_filing_to_payment_agrees_to_the_fen(
    sign_in,
    page,
    live_server,
    settings,
    tmp_path,
    zone,
    union_a,
    enterprise_a,
    member_a,
    admin_a,
    officer,
    worker,
):
    settings.MEDIA_ROOT = tmp_path
    plan = make_plan(zone, by=officer)
    enrol_all(plan, union_a, enterprise_a, by=admin_a)
    reviewer = make_officer(union_a, "reviewer-a")
    document = tmp_path / "诊断证明.pdf"
    document.write_bytes(PDF)

    # the union officer files the claim for 张三
    page = sign_in(admin_a)
    page.click("nav >> text=医疗互助")
    page.click("text=代会员申请")
    form = "#claim-form"
    page.fill(f"{form} #id_person", member_a.person.reveal_id_number())
    page.fill("#id_event_on", "2024-06-01")
    page.fill("#id_admitted_on", "2024-06-01")
    page.fill("#id_discharged_on", "2024-06-11")
    page.fill("#id_cause_code", "K35")
    page.fill("#id_diagnosis", "急性阑尾炎")
    page.fill("#id_hospital", "明月市人民医院")
    page.fill("#id_stay", "腹腔镜阑尾切除术")
    page.fill("#id_total_cost", "12345.67")
    page.fill("#id_insurance_paid", "8000.005")
    page.fill("#id_invoices", "36000012345678")
    page.fill("#id_account_name", "张三")
    page.fill("#id_account_number", "6222020200112233445")
    page.fill("#id_bank", "中国工商银行明月分行")
    page.check("#id_consent")
    page.fill("#id_consent_on", "2024-06-15")
    page.set_input_files("#id_documents", str(document))
    look(page, "claim-form")
    page.click("button:has-text('提交申请')")
    expect(page.locator(form)).to_contain_text("医保报销最多保留两位小数")
    page.fill("#id_insurance_paid", "8000.00")
    page.set_input_files("#id_documents", str(document))
    page.click("button:has-text('提交申请')")
    expect(page.locator(".messages")).to_contain_text("已提交互助申请")
    expect(page.locator("#status")).to_have_text("已申请")
    expect(page.locator("#medical")).to_contain_text("急性阑尾炎")
    expect(page.locator("#move-union_reviewed")).to_have_count(0)  # not for the one who entered it
    claim = Claim.objects.get()

    # a second officer of the union reviews it
    page.click("button:has-text('退出')")
    page = sign_in(reviewer)
    page.goto(f"{live_server.url}/mutual-aid/claims/{claim.pk}/")
    page.click("button:has-text('审核通过，报总工会复核')")
    expect(page.locator("#status")).to_have_text("基层工会已审核")

    # federation staff review, set the amount by the plan's rules, and pay
    page.click("button:has-text('退出')")
    page = sign_in(officer)
    page.click("nav >> text=医疗互助")
    expect(page.locator("#waiting")).to_contain_text("1件申请待我办理")
    look(page, "claims")
    page.click(f"text={claim.number}")
    page.click("button:has-text('复核通过')")
    page.click("button:has-text('按规则核定金额')")
    expect(page.locator("#status")).to_have_text("已核定")
    expect(page.locator("#computation")).to_contain_text("第4至10天：7天×40.00元×2份=560.00元")
    expect(page.locator("#computation")).to_contain_text("核定给付：560.00元")
    look(page, "claim-detail")
    page.fill("#pay-form #id_reference", "ICBC202407010001")
    page.click("#pay-form button")
    expect(page.locator(".messages")).to_contain_text("已支付560.00元至张三本人账户")
    expect(page.locator("#payment")).to_contain_text("560.00")
    expect(page.locator("#pay-form")).to_have_count(0)
    page.click("text=给付台账")
    expect(page.locator("#ledger-totals")).to_have_text("共1笔，合计560.00元")
    expect(page.locator("#ledger")).to_contain_text("6222***********3445")
    look(page, "ledger")

    # the member sees the state and the amount, not the medical details
    page.click("button:has-text('退出')")
    page = sign_in(worker)
    page.click("nav >> text=我的互助")
    expect(page.locator("#my-claims")).to_contain_text("已支付")
    expect(page.locator("#my-claims")).to_contain_text("560.00元")
    expect(page.locator("main")).not_to_contain_text("阑尾")
    look(page, "mine")

    entry = LedgerEntry.objects.get()
    assert (
        str(entry.amount) == "560.00"
        and entry.claim.amount == entry.amount
        and entry.person == member_a.person
    )
