"""A member's self-service on a phone (390×844): the union admin issues an activation code; the
member activates with their mobile number and the code, signs up for a course and an event, and
shows the event's entry pass; an officer's phone checks it at the door in the browser with the
network off (public key only), then checks the member in online.
Set GONGHUI_SCREENSHOTS=DIR to keep each page at phone and desktop width."""

import os
import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from gonghui.academy.tests.factories import make_class, make_course
from gonghui.homes.models import CheckIn
from gonghui.homes.tests.factories import make_event
from gonghui.members.tests.factories import make_member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE, DESKTOP = {"width": 390, "height": 844}, {"width": 1280, "height": 800}
NEW_PASSWORD = "Mein-Handy-2026"


def _shoot(page, name):
    shots = os.environ.get("GONGHUI_SCREENSHOTS")
    if not shots:
        return
    os.makedirs(shots, exist_ok=True)
    for size, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(viewport)
        page.screenshot(path=f"{shots}/selfservice-{name}-{size}.png", full_page=True)
    page.set_viewport_size(PHONE)


def _fits_the_phone(page):
    """One column: nothing wider than the screen, and the buttons big enough to tap."""
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    for height in page.locator(".me button").evaluate_all("els => els.map(e => e.offsetHeight)"):
        assert height >= 44


def test_a_member_activates_signs_up_and_shows_the_card_at_the_door(
    sign_in, page, browser, live_server, admin_a, officer, academy_staff, zone, union_a, enterprise_a
):
    member = make_member(union_a, name="陈晓燕", enterprise=enterprise_a, mobile="13700001111")
    course = make_course(zone, by=academy_staff, title="叉车安全操作")
    today = timezone.localdate()
    make_class(
        course, by=academy_staff, starts_on=today + timedelta(days=7), ends_on=today + timedelta(days=9)
    )
    event = make_event(zone, by=officer, title="职工篮球赛", capacity=30)

    # the union admin issues the code (a phone works for this too)
    page.set_viewport_size(PHONE)
    sign_in(admin_a)
    page.goto(f"{live_server.url}/members/{member.person_id}/")
    page.click("#activation-panel a")
    page.click("main button:has-text('发放激活码')")
    code = page.locator("#activation-code").inner_text()
    assert re.fullmatch(r"[A-Z2-9]{5}-[A-Z2-9]{5}", code)
    _shoot(page, "activation-code")
    page.click("button:has-text('退出')")

    # the member activates on their phone: a wrong code first, then the right one
    page.goto(f"{live_server.url}/me/activate/")
    page.fill("#id_mobile", "13700001111")
    page.fill("#id_code", "AAAAA-AAAAA")
    page.fill("#id_password", NEW_PASSWORD)
    page.fill("#id_password_again", NEW_PASSWORD)
    page.click("main button[type=submit]")
    expect(page.locator("#activate")).to_contain_text("手机号码或激活码不正确")
    _shoot(page, "activate")
    page.fill("#id_code", code.lower())
    page.fill("#id_password", NEW_PASSWORD)
    page.fill("#id_password_again", NEW_PASSWORD)
    page.click("main button[type=submit]")
    expect(page.locator(".messages")).to_contain_text("账号已激活")
    expect(page.locator("h1")).to_contain_text("陈晓燕，您好")
    _fits_the_phone(page)
    _shoot(page, "home")

    page.click("#my-pages >> text=培训与证书")
    page.locator("#open-classes li", has_text="叉车安全操作").locator("button").click()
    expect(page.locator(".messages")).to_contain_text("报名成功：叉车安全操作")
    expect(page.locator("#my-enrolments")).to_contain_text("已报名")
    _fits_the_phone(page)
    _shoot(page, "training")

    page.click("text=返回我的服务")
    page.click("#my-pages >> text=文体活动报名")
    page.locator("#open-events li", has_text="职工篮球赛").locator("button").click()
    expect(page.locator(".messages")).to_contain_text("报名成功：职工篮球赛")
    _fits_the_phone(page)
    _shoot(page, "events")
    page.locator("#my-registrations li", has_text="职工篮球赛").locator("text=出示入场码").click()
    expect(page.locator("h1")).to_contain_text("入场码：职工篮球赛")
    expect(page.locator("#card-qr svg")).to_be_visible()
    _fits_the_phone(page)
    _shoot(page, "card")
    token = page.locator("#card-qr").get_attribute("data-token")
    for name in ("membership", "contests", "welfare", "mutual-aid", "legal", "talent"):
        page.goto(f"{live_server.url}/me/{name}/")
        _fits_the_phone(page)
        _shoot(page, name)

    # the officer's phone at the door: the check runs in the browser with the network off
    door = browser.new_context(viewport=PHONE, locale="zh-CN")
    officer_page = door.new_page()
    sign_in(officer, page=officer_page)
    officer_page.goto(f"{live_server.url}/me/door/{event.pk}/")
    door.set_offline(True)
    officer_page.fill("#id_token", token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB"))
    expect(officer_page.locator("#verdict")).to_contain_text("不是本平台签发")
    officer_page.fill("#id_token", token)
    expect(officer_page.locator("#verdict")).to_contain_text("会员卡有效")
    expect(officer_page.locator("#verdict")).to_contain_text("陈*燕")
    _shoot(officer_page, "door")
    door.set_offline(False)
    officer_page.click("#check-in-button")
    expect(officer_page.locator(".messages")).to_contain_text("陈晓燕签到成功")
    assert CheckIn.objects.get().method == CheckIn.Method.CARD
    door.close()
