import pytest
from playwright.sync_api import expect

from gonghui.activities.models import Registration, WelfareDistribution
from gonghui.activities.tests.factories import make_officer
from gonghui.members.tests.factories import make_member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_union_admin_runs_an_activity_and_a_welfare_distribution_signed_off_by_a_second_officer(
    sign_in, live_server, admin_a, union_a, enterprise_a, member_b
):
    present = make_member(union_a, name="王小明", enterprise=enterprise_a, card_number="UA-00001")
    absent = make_member(union_a, name="李大伟", enterprise=enterprise_a, card_number="UA-00002")
    second = make_officer(union_a, "admin-a2")
    page = sign_in(admin_a)

    # an activity: registration, then attendance
    page.click("nav >> text=活动")
    page.click("text=登记活动")
    page.select_option("#id_kind", label="专题学习会")
    page.fill("#id_title", "《工会法》专题学习会")
    page.fill("#id_held_on", "2024-06-12")
    page.fill("#id_place", "职工之家")
    page.click("button:has-text('保存')")
    expect(page.locator(".messages")).to_contain_text("已登记活动")
    for card in ("UA-00001", "UA-00002"):
        page.fill("#register-form #id_person", card)
        page.click("#register-form button:has-text('报名')")
        expect(page.locator(".messages")).to_contain_text("已报名")
    page.fill("#register-form #id_person", member_b.person.reveal_id_number())
    page.click("#register-form button:has-text('报名')")
    expect(page.locator("#register-form")).to_contain_text("不是甲公司工会的在册会员")
    page.check("label:has-text('王小明') >> xpath=../.. >> input[type=checkbox]")
    page.click("button:has-text('保存签到')")
    expect(page.locator(".messages")).to_contain_text("1人参加")
    expect(page.locator("h1 .badge")).to_have_text("已举办")
    expect(page.locator("#counts")).to_have_text("2 / 1")

    # a welfare distribution: who received what and how much
    page.click("nav >> text=福利")
    page.click("text=登记福利发放")
    page.fill("#id_title", "端午节慰问")
    page.select_option("#id_occasion", label="节日慰问")
    page.fill("#id_distributed_on", "2024-06-10")
    page.fill("#id_item", "粽子一盒")
    page.fill("#id_amount", "88.00")
    page.click("button:has-text('保存')")
    page.fill("#recipient-form #id_person", present.person.reveal_id_number())
    page.fill("#recipient-form #id_amount", "120.00")
    page.click("#recipient-form button:has-text('登记')")
    expect(page.locator(".messages")).to_contain_text("已登记王小明领取")
    page.fill("#recipient-form #id_person", member_b.person.reveal_id_number())
    page.click("#recipient-form button:has-text('登记')")
    expect(page.locator("#recipient-form")).to_contain_text("不是甲公司工会的会员")
    page.click("button:has-text('按标准加入全部在册会员')")
    expect(page.locator("#totals")).to_contain_text("2 人 / 208.00 元")
    expect(page.locator("button:has-text('签批')")).to_have_count(0)  # not for the one who registered it
    expect(page.locator("main")).to_contain_text("须由经办人以外的另一名工会干部签批")

    # the second officer signs it off
    page.click("button:has-text('退出')")
    page = sign_in(second)
    page.click("nav >> text=福利")
    page.click("text=端午节慰问")
    page.click("button:has-text('核对无误，签批')")
    expect(page.locator(".messages")).to_contain_text("已签批")
    expect(page.locator("#status")).to_have_text("已签批")
    expect(page.locator("#signed-off-by")).to_contain_text("admin-a2")
    expect(page.locator("#recipient-form")).to_have_count(0)

    distribution = WelfareDistribution.objects.get()
    assert distribution.signed_off_by == second and distribution.created_by == admin_a
    assert Registration.objects.get(person=absent.person).attended is False
