"""A federation officer runs a campaign from the target list to an established union, in the browser.

The officer in charge carries the preparatory group's steps; a second officer (the leader) records
the three approvals, because nobody may approve a request they carried. Every step of the workflow
is walked through its page.
"""

import re

import pytest
from playwright.sync_api import expect

from conftest import _user
from gonghui.core.roles import Role
from gonghui.coverage.models import Founding
from gonghui.coverage.tests.factories import PDF, id_number
from gonghui.members.tests.factories import fake
from gonghui.orgs.models import Organisation
from gonghui.orgs.tests.factories import EnterpriseFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RECRUITS = [("王建国", "M"), ("李秀英", "F"), ("张伟", "M"), ("刘芳", "F")]


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def document(name):
    return {"name": name, "mimeType": "application/pdf", "buffer": PDF}


def switch_to(page, sign_in, user, founding_url):
    page.click("header button:has-text('退出')")
    sign_in(user)
    page.goto(founding_url)


def record(page, step, *, fill=None, upload=None):
    """Opens the next step's form from the founding page, fills it and confirms."""
    page.click(f"#actions a:has-text('办理：{step}')")
    expect(page.locator("h1")).to_contain_text(step)
    if fill:
        fill()
    if upload:
        page.set_input_files("#id_documents", files=[document(upload)])
    page.click(f"button:has-text('确认办理：{step}')")
    expect(page.locator(".messages")).to_contain_text(f"已办理：{step}")
    expect(page.locator("#history tbody tr").last).to_contain_text(step)


def choose(page, field, name):
    value = page.locator(f"#id_{field} option", has_text=name).get_attribute("value")
    page.select_option(f"#id_{field}", value=value)


def check(page, field, name):
    page.locator(f"#id_{field} label", has_text=name).locator("input").check()


def test_an_officer_takes_a_target_enterprise_to_an_established_union(sign_in, live_server, zone, officer):
    leader = _user("leader", Role.FEDERATION_STAFF, zone)
    enterprise = EnterpriseFactory(name="丙储能科技有限公司", federation=zone, headcount=260, is_key=True)
    EnterpriseFactory(name="丁小微有限公司", federation=zone, headcount=12)  # not a target

    page = sign_in(officer)
    page.click("nav >> text=建会入会")
    page.click("text=新建集中行动")
    page.fill("#id_name", "2024年建会入会集中行动")
    page.fill("#id_year", "2024")
    page.click("button:has-text('提交')")
    expect(page.locator(".messages")).to_contain_text("列入目标企业1家")
    expect(page.locator("#coverage-targets")).to_contain_text("0%")
    expect(page.locator("#past-line")).to_contain_text("丙储能科技有限公司")
    rows = page.locator("#targets tbody tr")
    expect(rows).to_have_count(1)

    rows.first.locator("text=启动建会").click()
    page.fill("#id_on", "2024-03-01")
    page.click("button:has-text('提交')")
    expect(page.locator("#state")).to_contain_text("启动建会")
    founding_url = page.url

    record(page, "调研", fill=lambda: page.fill("#id_note", "与企业负责人和职工代表座谈，职工入会意愿强"))
    record(page, "建会请示", upload="建会请示.pdf")

    # the officer who carried the request may not approve it
    page.click("#actions a:has-text('办理：上级批复')")
    page.set_input_files("#id_documents", files=[document("批复.pdf")])
    page.click("button:has-text('确认办理：上级批复')")
    expect(page.locator(".errorlist")).to_contain_text("不能审批自己经办的请示")

    switch_to(page, sign_in, leader, founding_url)
    record(page, "上级批复", upload="关于同意建立工会的批复.pdf")

    switch_to(page, sign_in, officer, founding_url)
    record(page, "成立筹备组", fill=lambda: page.fill("#id_members", "王建国\n李秀英\n赵主任"))
    for name, gender in RECRUITS:
        page.locator("#actions a", has_text=re.compile("^入会登记$")).click()
        page.fill("#id_name", name)
        page.fill("#id_id_number", id_number(gender))
        page.fill("#id_mobile", fake.mobile())
        page.fill("#id_registered_on", "2024-05-01")
        page.click("button:has-text('提交')")
        expect(page.locator(".messages")).to_contain_text(f"{name}已登记入会")
    expect(page.locator("#recruits tbody tr")).to_have_count(4)
    record(page, "发展会员、入会登记")
    record(page, "建立工会小组", fill=lambda: page.fill("#id_groups", "生产一组\n生产二组"))

    switch_to(page, sign_in, leader, founding_url)

    def slate():
        for name, _gender in RECRUITS:
            check(page, "candidates", name)

    record(page, "候选人协商报批", fill=slate)

    switch_to(page, sign_in, officer, founding_url)

    def assembly():
        page.fill("#id_expected", "4")
        page.fill("#id_present", "4")

    record(page, "召开会员（代表）大会", fill=assembly, upload="会议纪要.pdf")

    def election():
        choose(page, "chair", "王建国")
        check(page, "vice_chairs", "李秀英")
        check(page, "committee", "张伟")
        choose(page, "audit_chair", "刘芳")

    record(page, "选举", fill=election, upload="选举结果报告.pdf")

    switch_to(page, sign_in, leader, founding_url)
    record(page, "选举结果报批", upload="选举结果批复.pdf")

    page.click("#actions a:has-text('办理：成立')")
    expect(page.locator("#id_name")).to_have_value("丙储能科技有限公司工会")
    page.fill("#id_code", "U0900")
    page.click("button:has-text('确认办理：成立')")
    expect(page.locator(".messages")).to_contain_text("已办理：成立")
    expect(page.locator("#state")).to_contain_text("成立")
    expect(page.locator("#history tbody tr")).to_have_count(12)

    page.click("dd >> text=丙储能科技有限公司工会")
    expect(page.locator("h1")).to_contain_text("U0900")
    expect(page.locator("#committee")).to_contain_text("王建国")
    expect(page.locator("#committee")).to_contain_text("副主席")
    expect(page.locator("#audit-committee")).to_contain_text("刘芳")
    expect(page.locator("body")).not_to_contain_text("应及时换届")

    union = Organisation.objects.get(code="U0900")
    enterprise.refresh_from_db()
    assert enterprise.union == union and union.memberships.active().count() == 4
    assert Founding.objects.get().state == "established"

    page.click("nav >> text=建会入会")
    page.click("text=2024年建会入会集中行动")
    expect(page.locator("#coverage-targets")).to_contain_text("100%")
