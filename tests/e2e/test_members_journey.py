import re

import pytest
from playwright.sync_api import expect

from gonghui.members.tests.factories import make_member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_union_admin_finds_a_member_by_pinyin_initials_and_transfers_them(
    sign_in, live_server, admin_a, union_a, union_b, enterprise_a, member_b
):
    for name in ("单晓东", "王小明", "李大伟"):
        make_member(union_a, name=name, enterprise=enterprise_a)
    page = sign_in(admin_a)

    page.click("text=会员")
    page.fill("#id_q", "sxd")
    page.click("button:has-text('查找')")
    rows = page.locator("#member-rows tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("单晓东")

    page.click("#member-rows >> text=单晓东")
    page.click("text=会员关系接转")
    page.select_option("#id_to_union", label="乙公司工会（UB）")
    page.fill("#id_on", "2024-06-01")
    page.click("button:has-text('确认接转')")

    expect(page.locator(".messages")).to_contain_text("已转入乙公司工会")
    history = page.locator("table.history tbody tr")
    expect(history).to_have_count(2)
    expect(history.nth(0)).to_contain_text("转出")
    expect(history.nth(1)).to_contain_text("乙公司工会")


def test_another_unions_member_answers_404(sign_in, live_server, admin_a, member_b):
    page = sign_in(admin_a)
    response = page.goto(f"{live_server.url}/members/{member_b.person_id}/")
    assert response.status == 404
    expect(page.locator("body")).not_to_contain_text(re.compile("李四"))
