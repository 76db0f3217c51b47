"""Academy staff run a course from creation to certificates: a class with a waiting list, sessions and
attendance, completion by the course's rule, the certificate's PDF and its public verification.
Set GONGHUI_SCREENSHOTS=DIR to keep the pages at desktop and phone width."""

import io
import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from gonghui.academy.models import Certificate, Enrolment
from gonghui.members.tests.factories import make_member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE, DESKTOP = {"width": 390, "height": 844}, {"width": 1280, "height": 800}


def shoot(page, name):
    shots = os.environ.get("GONGHUI_SCREENSHOTS")
    if not shots:
        return
    Path(shots).mkdir(parents=True, exist_ok=True)
    for size, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(viewport)
        page.screenshot(path=f"{shots}/academy-{name}-{size}.png", full_page=True)
        if size == "phone":
            assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], name
    page.set_viewport_size(DESKTOP)


def test_academy_staff_run_a_course_to_verified_certificates(
    sign_in, live_server, academy_staff, union_a, enterprise_a
):
    trainees = [make_member(union_a, name=n, enterprise=enterprise_a) for n in ("王小明", "李大伟", "陈晓红")]
    today = timezone.localdate()
    page = sign_in(academy_staff)
    page.set_viewport_size(DESKTOP)

    # a course with its completion rule
    page.click("nav >> text=工匠学院")
    page.click("text=开设课程")
    page.fill("#id_title", "锂电池电气安全")
    page.select_option("#id_craft", label="电气")
    page.fill("#id_hours", "16")
    page.fill("#id_min_attendance", "0.80")
    page.fill("#id_pass_mark", "60")
    page.click("button:has-text('保存')")
    expect(page.locator(".messages")).to_contain_text("已开设课程")
    expect(page.locator("#rule")).to_contain_text("出勤≥80%，考核≥60分")

    # an offline class of two places, begun two days ago
    page.click("text=开设班级")
    page.select_option("#id_mode", label="线下培训")
    page.fill("#id_name", "第1期")
    page.fill("#id_starts_on", (today - timedelta(days=2)).isoformat())
    page.fill("#id_ends_on", today.isoformat())
    page.fill("#id_place", "工匠学院实训楼201")
    page.fill("#id_capacity", "2")
    page.fill("#id_teacher", "周建华")
    page.click("button:has-text('保存')")
    expect(page.locator(".messages")).to_contain_text("已开设班级")
    for days_ago in (2, 1):
        page.fill("#session-form #id_on", (today - timedelta(days=days_ago)).isoformat())
        page.fill("#session-form #id_starts_at", "00:00")
        page.fill("#session-form #id_ends_at", "00:30")
        page.fill("#session-form #id_topic", f"第{3 - days_ago}讲")
        page.click("#session-form button:has-text('安排课次')")
        expect(page.locator(".messages")).to_contain_text("已安排课次")

    # enrolment: the third waits, a cancellation promotes her
    for member in trainees:
        page.fill("#enrol-form #id_person", member.person.reveal_id_number())
        page.click("#enrol-form button:has-text('报名')")
    expect(page.locator(".messages")).to_contain_text("陈晓红已列入候补名单")
    expect(page.locator("#waiting")).to_contain_text("陈晓红")
    expect(page.locator("#roster")).to_contain_text(enterprise_a.name)
    expect(page.locator("main")).not_to_contain_text(trainees[0].person.id_masked)
    shoot(page, "class")
    page.locator("#roster tr", has_text="李大伟").locator("button:has-text('取消报名')").click()
    expect(page.locator(".messages")).to_contain_text("候补的陈晓红已转为正式报名")
    expect(page.locator("#waiting")).to_contain_text("无人候补")

    # attendance: 王小明 at both sessions, 陈晓红 at one
    for index, present in ((0, ("王小明", "陈晓红")), (1, ("王小明",))):
        page.locator("#sessions a:has-text('考勤表')").nth(index).click()
        for name in present:
            page.check(f"label:has-text('{name}') >> xpath=../.. >> input[type=checkbox]")
        page.click("button:has-text('保存考勤')")
        expect(page.locator(".messages")).to_contain_text(f"{len(present)}人出勤")
        if index == 0:
            shoot(page, "attendance")
        page.click("dl.facts a")

    # completion by the rule: 陈晓红 attended half the sessions
    page.click("text=结业考核与发证")
    page.locator("#completion tr", has_text="王小明").locator("input").fill("86")
    page.locator("#completion tr", has_text="陈晓红").locator("input").fill("90")
    shoot(page, "completion")
    page.click("button:has-text('办理结业并发证')")
    expect(page.locator(".messages")).to_contain_text("1人结业并颁发证书，1人未结业")
    expect(page.locator("#roster")).to_contain_text("出勤1/2次，低于结业要求的80%")
    certificate = Certificate.objects.get()
    assert certificate.person == trainees[0].person
    assert Enrolment.objects.get(person=trainees[2].person).status == "not_completed"

    # the certificate, its PDF and its public verification
    page.click(f"#roster a:has-text('{certificate.number}')")
    expect(page.locator("h1")).to_contain_text(certificate.number)
    expect(page.locator(".qr svg")).to_have_count(1)
    shoot(page, "certificate")
    with page.expect_download() as download:
        page.click("#pdf-link")
    pdf = Path(download.value.path()).read_bytes()
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "王小明" in text and certificate.number in text

    verify_url = page.locator("#verify-link").get_attribute("href")
    page.click("button:has-text('退出')")
    page.goto(verify_url)
    expect(page.locator("#verdict")).to_contain_text("该证书真实有效")
    expect(page.locator("#holder")).to_have_text("王*明")
    expect(page.locator("main")).not_to_contain_text("王小明")
    expect(page.locator("main")).to_contain_text("锂电池电气安全")
    shoot(page, "verify")
