"""An event on a phone (390×844): federation staff create it, give union A a quota of one seat,
register three members (one waits), cancel a seat — the next in line of the same quota takes it —
and check people in at the door by their pinyin initials; a second tap from another phone is refused.
Set GONGHUI_SCREENSHOTS=DIR to keep each page at phone and desktop width."""

import os
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from gonghui.homes.models import CheckIn, EventRegistration
from gonghui.homes.tests.factories import PNG
from gonghui.members.tests.factories import make_member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE, DESKTOP = {"width": 390, "height": 844}, {"width": 1280, "height": 800}


def _local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def _shoot(page, name):
    shots = os.environ.get("GONGHUI_SCREENSHOTS")
    if not shots:
        return
    os.makedirs(shots, exist_ok=True)
    for size, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(viewport)
        page.screenshot(path=f"{shots}/events-{name}-{size}.png", full_page=True)
    page.set_viewport_size(PHONE)


def test_registration_waiting_list_and_check_in_on_a_phone(
    sign_in, live_server, officer, union_a, union_b, enterprise_a, enterprise_b
):
    seated = make_member(union_a, name="王小明", enterprise=enterprise_a, card_number="UA-00001")
    waiting = make_member(union_a, name="李大伟", enterprise=enterprise_a, card_number="UA-00002")
    make_member(union_b, name="赵一鸣", enterprise=enterprise_b, card_number="UB-00001")
    page = sign_in(officer)
    page.set_viewport_size(PHONE)

    page.click("nav >> text=演出赛事")
    page.click("text=登记文体活动")
    now = timezone.now()
    page.select_option("#id_organiser", label="测试园区总工会（ZONE）")
    page.select_option("#id_kind", label="文艺演出")
    page.fill("#id_title", "青年职工音乐会")
    page.fill("#id_place", "职工文化中心")
    page.fill("#id_starts_at", _local(now + timedelta(hours=2)))
    page.fill("#id_ends_at", _local(now + timedelta(hours=4)))
    page.fill("#id_registration_opens_at", _local(now - timedelta(days=1)))
    page.fill("#id_registration_closes_at", _local(now + timedelta(hours=1)))
    page.fill("#id_capacity", "2")
    page.click("main button:has-text('保存')")
    expect(page.locator(".messages")).to_contain_text("已登记文体活动：青年职工音乐会")

    page.select_option("#quota-form #id_union", label="甲公司工会（UA）")
    page.fill("#quota-form #id_seats", "1")
    page.click("#quota-form button")
    expect(page.locator(".messages")).to_contain_text("已为甲公司工会分配1个名额")

    for card, said in (
        ("UA-00001", "王小明已报名"),
        ("UA-00002", "李大伟已进入候补名单"),
        ("UB-00001", "赵一鸣已报名"),
    ):
        page.fill("#register-form #id_person", card)
        page.click("#register-form button")
        expect(page.locator(".messages")).to_contain_text(said)
    expect(page.locator("#registrations tr", has_text="李大伟")).to_contain_text("候补（第1位）")
    _shoot(page, "detail")

    # a seat of union A's quota is given up: union A's first in line takes it, in the same step
    page.locator("#registrations tr", has_text="王小明").locator("button:has-text('取消报名')").click()
    expect(page.locator(".messages")).to_contain_text("李大伟已由候补递补为正式报名")
    expect(page.locator("#registrations tr", has_text="李大伟")).to_contain_text("已报名")

    # the door, by pinyin initials; a second phone has the same search open
    page.click("main a.button:has-text('现场签到')")
    page.fill("#id_q", "ldw")
    page.click("form.search button")
    other = page.context.new_page()
    other.set_viewport_size(PHONE)
    other.goto(page.url)
    _shoot(page, "checkin-search")
    page.click("#results li:has-text('李大伟') button.tap")
    expect(page.locator(".messages")).to_contain_text("李大伟签到成功")
    expect(page.locator("#tally")).to_contain_text("已签到 1 / 已报名 2")
    page.fill("#id_q", "李大伟")
    page.click("form.search button")
    expect(page.locator("#results li", has_text="李大伟")).to_contain_text("已签到")
    expect(page.locator("#results li:has-text('李大伟') button.tap")).to_have_count(0)

    other.click("#results li:has-text('李大伟') button.tap")
    expect(other.locator("#refusal")).to_contain_text("李大伟已于")
    expect(other.locator("#refusal")).to_contain_text("不能重复签到")
    _shoot(other, "checkin-refused")

    other.fill("#id_q", "wxm")
    other.click("form.search button")
    expect(other.locator("#results li", has_text="王小明")).to_contain_text("已取消")
    expect(other.locator("#results li:has-text('王小明') button.tap")).to_have_count(0)

    assert CheckIn.objects.get().registration.person == waiting.person
    assert EventRegistration.objects.get(person=seated.person).status == EventRegistration.Status.CANCELLED


def test_a_worker_home_with_its_titles_and_a_photo(
    sign_in, live_server, officer, union_a, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    page = sign_in(officer)
    page.set_viewport_size(PHONE)
    page.click("nav >> text=职工之家")
    page.click("text=登记职工之家")
    page.select_option("#id_union", label="甲公司工会（UA）")
    page.fill("#id_name", "甲公司职工之家")
    page.fill("#id_address", "明月大道1号")
    page.fill("#id_opened_on", "2018-05-01")
    page.check("label:has-text('职工书屋') >> input")
    page.check("label:has-text('爱心妈妈小屋') >> input")
    page.click("main button:has-text('保存')")
    expect(page.locator(".messages")).to_contain_text("已登记职工之家：甲公司职工之家")
    for kind, level, year in (("职工之家示范点", "园区级", "2021"), ("模范职工之家", "省级", "2024")):
        page.select_option("#award-form #id_kind", label=kind)
        page.select_option("#award-form #id_level", label=level)
        page.fill("#award-form #id_year", year)
        page.click("#award-form button")
        expect(page.locator(".messages")).to_contain_text("已登记命名")
    page.set_input_files(
        "#photo-form #id_photo", files=[{"name": "书屋.png", "mimeType": "image/png", "buffer": PNG}]
    )
    page.fill("#photo-form #id_caption", "职工书屋")
    page.click("#photo-form button")
    expect(page.locator(".messages")).to_contain_text("照片已上传")
    expect(page.locator("#awards")).to_contain_text("省模范职工之家")
    _shoot(page, "home")
    page.click("text=返回职工之家列表")
    expect(page.locator("#home-rows")).to_contain_text("2024 省模范职工之家")
    _shoot(page, "homes")
