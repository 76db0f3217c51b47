"""A skill competition in the browser: federation staff set it up, a union admin and a worker register, two judges score and
disagree, the flagged aspect is re-scored with a reason, the 裁判长 and the 监督 sign, two competitors
tie all the way down the chain and share first place, and the ranking is published. Set
GONGHUI_SCREENSHOTS=DIR to keep each page at desktop and phone width."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from gonghui.contests import services
from gonghui.contests.models import Event, Flag, Result
from gonghui.contests.tests.factories import LEVELS, criteria, make_user, score_all
from gonghui.members.tests.factories import make_member
from tests.e2e.test_phone_tables import UNLABELLED

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE, DESKTOP = {"width": 390, "height": 844}, {"width": 1280, "height": 800}


def look(page, name: str, problems: list) -> None:
    """The page at both widths: every table cell labelled and nothing wider than a phone."""
    shots = os.environ.get("GONGHUI_SCREENSHOTS")
    for size, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
        page.set_viewport_size(viewport)
        if size == "phone":
            if unlabelled := page.evaluate(UNLABELLED):
                problems.append(f"{name}: cells without a label in {unlabelled[:3]}")
            if (width := page.evaluate("document.documentElement.scrollWidth")) > PHONE["width"]:
                problems.append(f"{name}: {width}px wide on a phone")
        if shots:
            Path(shots).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=f"{shots}/contests-{name}-{size}.png", full_page=True)
    page.set_viewport_size(DESKTOP)


def sign_out(page):
    page.click("button:has-text('退出')")


def test_a_contest_from_its_set_up_through_registration_judging_and_ties_to_a_published_ranking(
    sign_in, live_server, zone, officer, admin_a, union_a, enterprise_a, worker
):
    problems = []
    for username in ("judge-1", "judge-2", "chief", "supervisor"):
        make_user(username)

    # federation staff set the contest up: the contest, the event, its marking scheme, its judges
    page = sign_in(officer)
    page.click("nav >> text=技能竞赛")
    page.click("text=登记竞赛")
    page.fill("#id_title", "2024年职工职业技能竞赛")
    page.fill("#id_year", "2024")
    page.fill("#id_held_on", "2024-05-20")
    page.check(f"input[name=organisers][value='{zone.pk}']")
    page.fill("#id_rules", "按国家职业技能标准命题")
    page.click("main button:has-text('保存')")
    expect(page.locator(".messages")).to_contain_text("已登记竞赛")
    page.fill("#event-form #id_name", "叉车")
    page.click("#event-form button:has-text('增设')")
    expect(page.locator(".messages")).to_contain_text("已增设项目：叉车")
    for name, weight in (("理论", "30"), ("实操", "70")):
        page.fill("#id_part-name", name)
        page.fill("#id_part-weight", weight)
        page.click("#part-form button")
        expect(page.locator(".messages")).to_contain_text("评分方案已保存")
    for part, name, kind, top, extra in (
        ("理论", "理论考试", "测量", "100", {"deduction": "1"}),
        ("实操", "安全检查", "测量", "10", {}),
        ("实操", "操作规范", "评判", "60", {f"level_{n}": text for n, text in enumerate(LEVELS)}),
        ("实操", "用时", "用时", "30", {"standard_seconds": "300", "limit_seconds": "600"}),
    ):
        page.select_option("#id_criterion-part", label=part)
        page.fill("#id_criterion-name", name)
        page.select_option("#id_criterion-kind", label=kind)
        page.fill("#id_criterion-max_mark", top)
        for field, value in extra.items():
            page.fill(f"#id_criterion-{field}", value)
        page.click("#criterion-form button")
        expect(page.locator(".messages")).to_contain_text("评分方案已保存")
    page.fill("#id_rules-tie_break", "part:实操, time, part:理论")
    for award in ("first", "second", "third"):
        page.fill(f"#id_rules-{award}", "1")
    page.click("#rules-form button")
    expect(page.locator("#scheme")).to_contain_text("每处失误扣1分")
    look(page, "scheme", problems)
    page.click("#event-nav >> text=裁判")
    for username, capacity in (
        ("judge-1", "裁判"),
        ("judge-2", "裁判"),
        ("chief", "裁判长"),
        ("supervisor", "监督"),
    ):
        page.fill("#id_user", username)
        page.select_option("#id_capacity", label=capacity)
        page.click("#judge-form button")
        expect(page.locator(".messages")).to_contain_text("已登记裁判")
    look(page, "judges", problems)
    sign_out(page)
    event = Event.objects.get()
    assert event.tie_break == ["part:实操", "time", "part:理论"]
    judges = list(event.judges.order_by("pk"))
    make_member(union_a, name="周明", enterprise=enterprise_a, card_number="UA-00101")
    make_member(union_a, name="吴亮", enterprise=enterprise_a, card_number="UA-00102")

    # the union admin registers two members by card number; a second try is refused
    page = sign_in(admin_a)
    page.click("nav >> text=技能竞赛")
    page.click("text=2024年职工职业技能竞赛")
    page.click("#events >> text=叉车")
    page.click("text=报名选手")
    for card in ("UA-00101", "UA-00102"):
        page.fill("#register-form #id_person", card)
        page.click("#register-form button:has-text('报名')")
        expect(page.locator(".messages")).to_contain_text("已报名")
    page.fill("#register-form #id_person", "UA-00101")
    page.click("#register-form button:has-text('报名')")
    expect(page.locator("#register-form")).to_contain_text("周明已报名“叉车”，不能重复报名")
    look(page, "registrations", problems)
    sign_out(page)

    # the worker registers themself
    page = sign_in(worker)
    page.click("nav >> text=技能竞赛")
    page.click("text=我的竞赛")
    look(page, "mine", problems)
    page.click("#open-events button:has-text('我要报名')")
    expect(page.locator(".messages")).to_contain_text("报名成功，参赛号3")
    sign_out(page)
    zhou, wu, zhang = event.registrations.order_by("number")

    # the first judge scores the worker's handling 3; the second gives 1: flagged, then re-scored
    c = criteria(event)["操作规范"]
    for judge, level in ((judges[0], "3"), (judges[1], "1")):
        page = sign_in(judge.user)
        page.click("nav >> text=技能竞赛")
        page.click("#judging >> text=评分表")
        look(page, f"score-list-{judge.user.username}", problems)
        page.click(f"#competitors tr:has-text('{zhang.person.name}') >> text=评分")
        page.fill(f"#criterion-{c.pk} input[name=value]", level)
        page.click(f"#criterion-{c.pk} button:has-text('保存')")
        expect(page.locator(".messages")).to_contain_text("已录入操作规范")
        if judge is judges[1]:
            expect(page.locator(f"#criterion-{c.pk}")).to_contain_text("裁判分歧超过1分")
            look(page, "score-sheet-flagged", problems)
            page.fill(f"#criterion-{c.pk} input[name=value]", "3")
            page.click(f"#criterion-{c.pk} button:has-text('保存')")
            expect(page.locator(f"#criterion-{c.pk}")).to_contain_text("修改已录入的评分须填写原因")
            page.fill(f"#criterion-{c.pk} input[name=value]", "3")
            page.fill(f"#criterion-{c.pk} input[name=reason]", "复看录像，动作规范")
            page.click(f"#criterion-{c.pk} button:has-text('保存')")
            expect(page.locator(f"#criterion-{c.pk}")).not_to_contain_text("裁判分歧")
        sign_out(page)
    flag = Flag.objects.get()
    assert flag.resolved_at is not None and flag.resolution == "复看录像，动作规范"

    # the rest of the sheets: the worker and 周明 equal in total, practice, time and theory
    c_all = criteria(event)
    for name, value in (("理论考试", 5), ("安全检查", 0), ("用时", 280)):
        services.score_record(
            registration=zhang, criterion=c_all[name], judge=judges[0], value=value, by=judges[0].user
        )
    score_all(zhou, judges, wrong=5, levels=(3, 3), seconds=280)
    score_all(wu, judges, wrong=20, levels=(2, 2), seconds=400)

    # the 裁判长 signs; the 监督 signs: locked
    for signer, done in ((judges[2].user, "待另一方签字"), (judges[3].user, "成绩已锁定")):
        page = sign_in(signer)
        page.click("nav >> text=技能竞赛")
        page.click("#judging >> text=签字锁定")
        page.click("#sign-off-form button")
        expect(page.locator(".messages")).to_contain_text(done)
        if done == "成绩已锁定":
            look(page, "lock", problems)
        sign_out(page)
    assert Event.objects.get(pk=event.pk).is_locked

    # staff publish; the ranking shows the shared first place and the next is 3rd
    page = sign_in(officer)
    page.goto(f"{live_server.url}/contests/events/{event.pk}/ranking/")
    page.click("button:has-text('发布成绩')")
    expect(page.locator(".messages")).to_contain_text("成绩已发布")
    rows = page.locator("#ranking tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.nth(0).locator("td").first).to_have_text("1")
    expect(rows.nth(1).locator("td").first).to_have_text("1")
    expect(rows.nth(2).locator("td").first).to_have_text("3")
    expect(rows.nth(2)).to_contain_text("吴亮")
    look(page, "ranking", problems)
    response = page.request.get(f"{live_server.url}/contests/events/{event.pk}/audit.pdf")
    assert response.headers["content-type"] == "application/pdf"
    assert sorted(Result.objects.values_list("place", "award")) == [(1, "first"), (1, "first"), (3, "third")]
    assert not problems, "\n".join(problems)
