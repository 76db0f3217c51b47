"""A mediation from intake to agreement on its legal clock; an overdue one stands out on the list;
a lawyer sees only the cases assigned to them. Set GONGHUI_SCREENSHOTS=DIR to keep the pages at
desktop and phone width."""

import os
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from gonghui.legal import clocks
from gonghui.legal.models import Clock, Dispute, Unit
from gonghui.legal.tests.factories import advance, lawyer_user, make_dispute, make_lawyer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE, DESKTOP = {"width": 390, "height": 844}, {"width": 1280, "height": 800}
UNLABELLED = """() => [...document.querySelectorAll("table.list tbody td")]
    .filter(td => td.colSpan === 1 && !td.dataset.label).length"""


def shoot(page, name):
    shots = os.environ.get("GONGHUI_SCREENSHOTS")
    for size, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(viewport)
        if size == "phone":  # readable on a phone: every cell labelled, nothing wider than the screen
            assert page.evaluate(UNLABELLED) == 0
            assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        if shots:
            page.screenshot(path=f"{shots}/legal-{name}-{size}.png", full_page=True)
    page.set_viewport_size(DESKTOP)


def test_a_dispute_goes_from_intake_to_agreement_on_its_clock(
    sign_in, live_server, zone, officer, member_a, lawyer
):
    today = timezone.localdate()
    mine = make_lawyer(zone, by=officer, user=lawyer, name="邵明远")
    theirs = make_lawyer(zone, by=officer, user=lawyer_user("lawyer-2"), name="覃雅琴")
    overdue = make_dispute(zone, member_a.person, by=officer, received_on=today - timedelta(days=30))
    advance(overdue, "dispute.accept", by=officer, on=today - timedelta(days=29))
    advance(overdue, "dispute.assign", by=officer, on=today - timedelta(days=29), lawyer=theirs)

    page = sign_in(officer)
    page.click("nav >> text=劳动争议调解")
    page.click("text=登记调解申请")
    page.select_option("#id_org", label="测试园区总工会（ZONE）")
    page.fill("#id_person", member_a.person.reveal_id_number())
    page.fill("#id_employer_name", "甲锂电有限公司")
    page.select_option("#id_topic", label="工资报酬")
    page.fill("#id_received_on", today.isoformat())
    page.fill("#id_claim_amount", "18000")
    page.fill("#id_facts", "公司拖欠三个月工资。")
    page.fill("#id_body_union", "甲公司工会")
    page.fill("#id_body_hr_bureau", "测试园区人社局")
    page.click("button:has-text('保存')")
    expect(page.locator(".messages")).to_contain_text("已登记")
    expect(page.locator("#state")).to_have_text("待受理")
    due = clocks.compute_due(unit=Unit.DAYS, started_on=today, length=15, extension=0, pauses=[], today=today)
    expect(page.locator("#clocks")).to_contain_text(f"剩{(due - today).days}日")
    expect(page.locator("#clocks")).to_contain_text("剩3工作日")
    expect(page.locator("#clocks")).to_contain_text("《中华人民共和国劳动争议调解仲裁法》第十四条")
    shoot(page, "intake")

    page.click("#move-disputeaccept button")
    expect(page.locator("#state")).to_have_text("已受理")
    page.select_option("#move-disputeassign select", label="邵明远（明月律师事务所）")
    page.click("#move-disputeassign button")
    expect(page.locator("#mediator")).to_have_text("邵明远")
    page.click("#move-disputestart button")
    expect(page.locator("#state")).to_have_text("调解中")
    page.click("#move-disputesucceed button")  # without the agreement: refused, nothing saved
    expect(page.locator("#move-disputesucceed")).to_contain_text("请填写调解协议内容")
    expect(page.locator("#state")).to_have_text("调解中")
    page.fill("#move-disputesucceed textarea[name='dispute-succeed-text']", "公司于十五日内支付欠薪15000元。")
    page.fill("#move-disputesucceed input[name='dispute-succeed-amount']", "15000.00")
    page.click("#move-disputesucceed button")
    expect(page.locator("#state")).to_have_text("调解成功")
    expect(page.locator("#outcome")).to_contain_text("达成调解协议")
    expect(page.locator("#clocks")).to_contain_text("按期完成")
    page.click("#move-disputeclose button")
    expect(page.locator("#state")).to_have_text("已结案")
    expect(page.locator("#history")).to_contain_text("调解成功")
    shoot(page, "agreement")

    # the overdue case comes first on the list, marked
    page.click("nav >> text=劳动争议调解")
    first = page.locator("#dispute-rows tbody tr").first
    expect(first).to_have_class("overdue")
    expect(first).to_contain_text(overdue.number)
    expect(first.locator(".clock")).to_contain_text("超期")
    shoot(page, "list")

    # the mediator sees their own case only; the other lawyer's is 404
    page.click("button:has-text('退出')")
    page = sign_in(lawyer)
    page.click("nav >> text=劳动争议调解")
    rows = page.locator("#dispute-rows tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).not_to_contain_text(overdue.number)
    shoot(page, "lawyer-list")
    response = page.goto(f"{live_server.url}/legal/disputes/{overdue.pk}/")
    assert response.status == 404
    closed = Dispute.objects.exclude(pk=overdue.pk).get()
    assert (closed.state, closed.mediator, closed.settled_amount) == ("closed", mine, 15000)
    assert closed.clocks.get(limit=Clock.Limit.MEDIATION).stopped_on == today
