"""A federation officer's year in figures: the home page shows the year against last year with charts
and a to-do list; a figure opens the rows behind it, which download; the annual report downloads as
PDF and Excel, and the PDF says the report's sentences. GONGHUI_SCREENSHOTS=DIR keeps screenshots."""

import io
import os
from datetime import date
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from gonghui.activities import services as act
from gonghui.activities.tests.factories import make_officer
from gonghui.core import registry
from gonghui.members.services import member_leave, member_transfer
from gonghui.members.tests.factories import make_member
from gonghui.orgs.tests.factories import OrganisationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}


def shoot(page, name):
    folder = os.environ.get("GONGHUI_SCREENSHOTS")
    if not folder:
        return
    Path(folder).mkdir(parents=True, exist_ok=True)
    for size, viewport in SIZES.items():
        page.set_viewport_size(viewport)
        page.wait_for_timeout(400)
        page.screenshot(path=f"{folder}/reports-{name}-{size}.png", full_page=True)
    page.set_viewport_size(SIZES["desktop"])


def test_an_officer_reads_the_year_drills_into_a_figure_and_downloads_the_report(
    sign_in, live_server, officer, zone, union_a, union_b, admin_a
):
    OrganisationFactory(code="UN", name="丁公司工会", parent=zone, established_on=date(2025, 3, 1))
    for i, name in enumerate(("周一", "吴二", "郑三")):
        make_member(union_a, name=name, started_on=date(2024 + i % 2, 4, 1))
    moved = make_member(union_a, name="冯四", started_on=date(2022, 1, 1))
    member_transfer(membership=moved, to_union=union_b, on=date(2025, 6, 1), by=admin_a)
    gone = make_member(union_b, name="陈五", started_on=date(2021, 1, 1))
    member_leave(membership=gone, on=date(2025, 9, 1), by=officer)
    other = make_officer(union_a, "admin-a2")
    draft = act.welfare_create(
        union=union_a,
        title="中秋节慰问",
        occasion="holiday",
        distributed_on=date(2025, 9, 1),
        item="月饼",
        amount=Decimal("100.00"),
        by=other,
    )
    act.welfare_add_all_members(distribution=draft, by=other)

    page = sign_in(officer)
    dashboard = page.locator("#dashboard")
    expect(dashboard).to_contain_text("测试园区总工会 2025年主要数据")
    expect(page.locator("#figure-unions_total")).to_contain_text("3")
    expect(page.locator("#figure-unions_total")).to_contain_text("上年 2 · 变化 +1")
    expect(page.locator("#figure-members_new")).to_contain_text("1")
    expect(page.locator("#todos")).to_contain_text("福利发放待签批")
    expect(page.locator("iframe.chart")).to_have_count(len(list(registry.charts)))  # every pillar's charts
    chart = page.frame_locator("iframe.chart").first
    expect(chart.locator(".title").first).to_have_text("历年会员人数")
    shoot(page, "home")

    page.click("#figure-members_total")
    expect(page.locator("h1")).to_contain_text("2025年 在册会员")
    expect(page.locator("#rows")).to_contain_text("冯四")
    expect(page.locator("#rows")).not_to_contain_text("陈五")
    shoot(page, "rows")
    with page.expect_download() as download:
        page.click("#rows-download")
    sheet = openpyxl.load_workbook(io.BytesIO(Path(download.value.path()).read_bytes())).active
    names = {row[0] for row in sheet.iter_rows(min_row=3, values_only=True)}
    assert names == {"周一", "吴二", "郑三", "冯四"}

    page.click("text=返回年度工作报告")
    expect(page.locator("#sentences")).to_contain_text("全区共有企业工会3家，较去年新增1家，新增工会会员1人")
    shoot(page, "report")
    with page.expect_download() as download:
        page.click("#download-pdf")
    reader = PdfReader(io.BytesIO(Path(download.value.path()).read_bytes()))
    text = "".join(p.extract_text() for p in reader.pages).replace("\n", "").replace(" ", "")
    assert "测试园区总工会2025年度工作报告" in text
    assert "全区共有企业工会3家，较去年新增1家，新增工会会员1人" in text
    with page.expect_download() as download:
        page.click("#download-xlsx")
    book = openpyxl.load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    assert book.sheetnames[:2] == ["指标", "历年会员人数"]
