"""A nomination from a worker's talent record through its 公示 with an objection answered to the
award; the talent record shows the contest result with the federation's rule applied, then the
honour. The clock is advanced by the dates the officer gives, never by waiting. Set
GONGHUI_SCREENSHOTS=DIR to keep each page at desktop and phone width."""

import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from gonghui.core import workdays
from gonghui.honours.models import Award, NominationRound, Objection
from gonghui.honours.tests.factories import city_medal_rule, contest_result, fake_sources
from tests.e2e.test_phone_tables import DESKTOP, PHONE, UNLABELLED

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def look(page, live_server):
    """Screenshots the current page at both widths and checks that its tables read on a phone."""
    shots = os.environ.get("GONGHUI_SCREENSHOTS")

    def _look(name):
        for size, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
            page.set_viewport_size(viewport)
            if size == "phone":
                assert page.evaluate(UNLABELLED) == [], name
                assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"], name
            if shots:
                Path(shots).mkdir(parents=True, exist_ok=True)
                page.screenshot(path=f"{shots}/honours-{name}-{size}.png", full_page=True)

    return _look


def test_a_nomination_from_the_talent_record_passes_its_public_notice(
    sign_in, page, live_server, look, settings, tmp_path, zone, officer, admin_a, member_a, worker
):
    settings.MEDIA_ROOT = tmp_path
    today = timezone.localdate()
    person = member_a.person
    city_medal_rule(zone, by=officer)
    result = contest_result(person, pk=41, place=2, craft="电芯目检")

    with fake_sources({"tests.contests": {person.pk: [result]}}):
        # the federation opens a round with its quotas
        sign_in(officer)
        page.click("nav >> text=荣誉")
        page.click("text=发起推荐评选")
        page.select_option("#id_federation", label=zone.name)
        page.select_option("#id_title", label="五一劳动奖章")
        page.select_option("#id_level", label="市级")
        page.fill("#id_year", str(today.year))
        page.fill("#id_name", f"{today.year}年市五一劳动奖章推荐")
        page.fill("#id_places", "5")
        page.fill("#id_closes_on", (today + timedelta(days=30)).isoformat())
        page.fill("#id_awarding_body", "明月市总工会")
        page.fill("#id_quota_industrial_worker", "35")
        page.click("main button[type=submit]")
        expect(page.locator(".messages")).to_contain_text("已发起推荐评选")
        page.click("button:has-text('退出')")

        # the union admin reads the worker's talent record: the rule marks them eligible
        sign_in(admin_a)
        page.goto(f"{live_server.url}/talent/{person.pk}/")
        expect(page.locator("[data-source='tests.contests']")).to_contain_text(result.title)
        expect(page.locator("#eligibility")).to_contain_text("符合")
        expect(page.locator("#eligibility")).to_contain_text("可推荐市级五一劳动奖章")
        look("talent-eligible")
        form = page.locator("form.talent-nominate")
        form.locator("select[name=round]").select_option(label=f"{today.year}年市五一劳动奖章推荐")
        form.locator("textarea[name=deeds]").fill("好")
        form.locator("button[type=submit]").click()
        expect(page.locator("form.talent-nominate")).to_contain_text("至少填写10个字")
        form = page.locator("form.talent-nominate")
        form.locator("select[name=round]").select_option(label=f"{today.year}年市五一劳动奖章推荐")
        form.locator("label:has-text('产业工人') input").check()
        form.locator("textarea[name=deeds]").fill("获市职工技能大赛电芯目检项目第二名，带徒十余人。")
        expect(form.locator(f"input[value='{result.ref}']")).to_be_checked()
        form.locator("button[type=submit]").click()
        expect(page.locator(".messages")).to_contain_text(f"已推荐{person.name}")
        expect(page.locator("#evidence")).to_contain_text(result.title)
        nomination_url = page.url
        page.click("button:has-text('退出')")

        # the federation reviews it and publishes the notice
        sign_in(officer)
        page.goto(nomination_url)
        for step in ("材料审核", "评审", "公示"):
            page.select_option("#id_to", label=step)
            page.fill("#id_on", today.isoformat())
            page.click("#advance-form button")
            expect(page.locator("#status")).to_have_text(step)
        ends = workdays.add_working_days(today, 5)
        expect(page.locator("#publicity")).to_contain_text(ends.isoformat())
        page.click("button:has-text('退出')")

        # anyone reads the notice and objects; a person must give a real name and a contact
        page.goto(f"{live_server.url}/honours/notice/{NominationRound.objects.get().pk}/")
        expect(page.locator("#candidates")).to_contain_text(person.name)
        expect(page.locator("#candidates")).not_to_contain_text(person.id_masked)
        page.locator("label:has-text('个人') input").check()
        page.fill("#id_name", "x")
        page.fill("#id_contact", "123")
        page.fill("#id_content", "该候选人的竞赛成绩是否属实，请核实。")
        page.click("#objection-form button")
        expect(page.locator("#objection-form")).to_contain_text("真实姓名")
        page.locator("label:has-text('个人') input").check()
        page.fill("#id_name", "钱思远")
        page.fill("#id_contact", "13900002222")
        page.fill("#id_content", "该候选人的竞赛成绩是否属实，请核实。")
        page.click("#objection-form button")
        expect(page.locator(".messages")).to_contain_text("您的意见已收到")
        look("notice")

        # the officer may not go on before the period ends nor while the objection waits
        sign_in(officer)
        page.goto(nomination_url)
        page.select_option("#id_to", label="报批")
        page.fill("#id_on", ends.isoformat())
        page.click("#advance-form button")
        expect(page.locator("#advance-form")).to_contain_text("期满后方可报批")
        page.select_option("#id_to", label="报批")
        page.fill("#id_on", (ends + timedelta(days=1)).isoformat())
        page.click("#advance-form button")
        expect(page.locator("#advance-form")).to_contain_text("未答复")
        expect(page.locator("#objections")).to_contain_text("13900002222")
        page.fill("#objections textarea[name=answer]", "经向竞赛组委会核实，成绩属实，异议不成立。")
        page.click("#objections button:has-text('答复')")
        expect(page.locator(".messages")).to_contain_text("已答复异议")
        for step in ("报批", "授予"):
            page.select_option("#id_to", label=step)
            page.fill("#id_on", (ends + timedelta(days=1)).isoformat())
            page.click("#advance-form button")
            expect(page.locator("#status")).to_have_text(step)
        expect(page.locator("#steps")).to_contain_text("授予")
        look("nomination")
        page.click("text=返回推荐评选")
        expect(page.locator("#quotas")).to_contain_text("100.0%")
        look("round")
        page.goto(f"{live_server.url}/honours/tally/?org={zone.code}&year={today.year}")
        expect(page.locator("#tally-may_day_medal")).to_contain_text("1")
        look("tally")
        page.click("button:has-text('退出')")

        # the worker's own record: the contest result, the rule applied and now the honour
        sign_in(worker)
        page.click("nav >> text=成长档案")
        expect(page.locator("[data-source='tests.contests']")).to_contain_text(result.title)
        expect(page.locator("#eligibility")).to_contain_text("符合")
        expect(page.locator("[data-source='honours.award']")).to_contain_text(
            f"{today.year}年市级五一劳动奖章"
        )
        expect(page.locator("form.talent-nominate")).to_have_count(0)
        look("talent-worker")

    assert Objection.objects.get().is_answered
    award = Award.objects.get()
    assert (award.person, award.nomination.evidence.get().ref) == (person, result.ref)
