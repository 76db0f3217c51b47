from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from gonghui.activities import services as act
from gonghui.core import registry
from gonghui.core.models import AuditLog
from gonghui.members.services import member_transfer
from gonghui.members.tests.factories import make_member
from gonghui.orgs.tests.factories import OrganisationFactory
from gonghui.reports.selectors import kpi_definitions
from gonghui.reports.tests.test_selectors import KPI_QUERIES

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(zone, union_a, union_b, admin_a):
    OrganisationFactory(code="UN", parent=zone, established_on=date(2024, 4, 1))
    moved = make_member(union_a, name="王五", started_on=date(2023, 5, 1))
    member_transfer(membership=moved, to_union=union_b, on=date(2024, 3, 1), by=admin_a)
    for name in ("赵六", "孙七"):
        make_member(union_a, name=name, started_on=date(2024, 5, 1))
    return zone


def test_a_worker_sees_no_figures(client, worker):
    client.force_login(worker)
    assert client.get(reverse("reports:kpis")).status_code == 404
    assert "dashboard" not in client.get(reverse("core:home")).content.decode()


def test_the_officer_sees_their_subtree_with_last_year(client, officer, world, django_assert_max_num_queries):
    client.force_login(officer)
    # session, user, the officer's organisation, the organisation asked for, the KPIs, the
    # navigation's scope check, the organisation choices, the year check (every roll-up's span in one
    # statement), the session's idle-timeout stamp (3)
    with django_assert_max_num_queries(6 + KPI_QUERIES + 1 + 3):
        response = client.get(reverse("reports:kpis"), {"org": "ZONE", "year": 2024})
    rows = {row["kpi"].key: row for row in response.context["rows"]}
    assert list(rows) == list(kpi_definitions())
    assert (
        rows["unions_total"]["value"],
        rows["unions_total"]["previous"],
        rows["unions_total"]["change"],
    ) == (3, 2, 1)
    assert rows["members_new"]["value"] == 2  # 王五 moved inside the zone
    page = response.content.decode()
    assert "全区共有企业工会3家，较去年新增1家，新增工会会员2人" in page
    assert f"{reverse('reports:rows', args=['members_new'])}?org=ZONE&amp;year=2024" in page


def test_a_union_admin_sees_their_own_union_only(client, admin_a, world):
    client.force_login(admin_a)
    response = client.get(reverse("reports:kpis"))
    assert response.context["root"].code == "UA"
    assert client.get(reverse("reports:kpis"), {"org": "ZONE", "year": 2024}).status_code == 404
    assert client.get(reverse("reports:kpis"), {"org": "UB", "year": 2024}).status_code == 404


def test_an_organisation_above_ones_own_is_not_found(client, officer, zone):
    client.force_login(officer)
    assert client.get(reverse("reports:kpis"), {"org": "CITY", "year": 2024}).status_code == 404


def test_default_is_the_last_complete_year_with_records(client, officer, world):
    client.force_login(officer)
    response = client.get(reverse("reports:kpis"))
    assert response.context["root"].code == "ZONE" and response.context["year"] == 2024


def test_a_year_out_of_range_says_so(client, officer, world):
    client.force_login(officer)
    page = client.get(reverse("reports:kpis"), {"org": "ZONE", "year": 2999}).content.decode()
    assert "2999年还没有到" in page
    page = client.get(reverse("reports:kpis"), {"org": "ZONE", "year": 2001}).content.decode()
    assert "最早的记录在2015年" in page


def test_a_year_without_records_gives_zeros_with_a_note(client, officer, zone):
    client.force_login(officer)
    response = client.get(reverse("reports:kpis"), {"org": "ZONE", "year": 2020})
    assert response.context["report"].empty
    assert "该年度没有记录，各项为0" in response.content.decode()


def test_rows_behind_a_figure_and_their_download(client, officer, world):
    client.force_login(officer)
    response = client.get(reverse("reports:rows", args=["members_new"]), {"org": "ZONE", "year": 2024})
    names = [line[0] for line in response.context["lines"]]
    assert sorted(names) == ["孙七", "赵六"]
    download = client.get(
        reverse("reports:rows_download", args=["members_new"]), {"org": "ZONE", "year": 2024}
    )
    assert download.status_code == 200
    sheet = openpyxl.load_workbook(__import__("io").BytesIO(b"".join(download.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][:2] == ("姓名", "公民身份号码") and len(rows) == 4
    assert all(sheet.cell(row=r, column=2).data_type == "s" for r in (3, 4))
    entry = AuditLog.objects.get(action="report.rows_export")
    assert entry.detail == {"kpi": "members_new", "year": 2024, "rows": 2}


def test_the_rows_page_by_cursor(client, officer, zone, django_assert_num_queries):
    for n in range(55):
        OrganisationFactory(code=f"N{n:02d}", parent=zone, established_on=date(2024, 4, 1))
    client.force_login(officer)
    url, query = reverse("reports:rows", args=["unions_new"]), {"org": "ZONE", "year": 2024}
    client.get(url, query)
    # session, user, the officer's organisation, the organisation asked for, the year check (the
    # roll-ups' spans, one statement), the page, the figure (its group's one statement)
    queries = 7
    with django_assert_num_queries(queries):
        first = client.get(url, query)
    assert [line[0] for line in first.context["lines"]] == [f"N{n:02d}" for n in range(50)]
    assert first.context["page"].has_next
    with django_assert_num_queries(queries):  # the same for a later page: a range of the index, no OFFSET
        second = client.get(url, {**query, "cursor": first.context["page"].next_cursor})
    assert [line[0] for line in second.context["lines"]] == [f"N{n:02d}" for n in range(50, 55)]
    assert second.context["page"].has_previous and not second.context["page"].has_next
    tampered = client.get(url, {**query, "cursor": first.context["page"].next_cursor[:-2] + "xx"})
    assert [line[0] for line in tampered.context["lines"]] == [f"N{n:02d}" for n in range(50)]
    assert "分页位置已失效" in tampered.content.decode()


def test_rows_are_scoped_and_unknown_figures_not_found(client, officer, admin_a, world):
    client.force_login(officer)
    assert (
        client.get(reverse("reports:rows", args=["nope"]), {"org": "ZONE", "year": 2024}).status_code == 404
    )
    client.force_login(admin_a)
    response = client.get(reverse("reports:rows", args=["members_total"]), {"org": "UA", "year": 2024})
    assert {line[2] for line in response.context["lines"]} == {"甲公司工会"}


def test_every_count_equals_its_rows(officer, zone, union_a, world):
    """The drill-down contract: a count's rows are as many as the figure says."""
    from gonghui.reports.selectors import kpi_rows, kpis_for

    distribution = act.welfare_create(
        union=union_a,
        title="福利",
        occasion="holiday",
        distributed_on=date(2024, 9, 1),
        item="月饼",
        amount=Decimal("100.00"),
        by=officer,
    )
    act.welfare_add_all_members(distribution=distribution, by=officer)
    figures = kpis_for(zone, 2024)
    for key, kpi in kpi_definitions().items():
        if kpi.rows is not None and kpi.unit != "%":
            assert kpi_rows(key, zone, 2024, officer)[1].queryset.count() == figures[key]["value"], key


def test_chart_svg_is_served_with_its_own_policy(client, officer, world):
    client.force_login(officer)
    response = client.get(reverse("reports:chart", args=["members.by_year"]), {"org": "ZONE", "year": 2024})
    assert response["Content-Type"].startswith("image/svg+xml")
    svg = response.content.decode()
    assert "历年会员人数" in svg and "/static/2.0.x/pygal-tooltips.min.js" in svg
    nonce = response["Content-Security-Policy"].split("'nonce-")[1].split("'")[0]
    assert f'nonce="{nonce}"' in svg and "frame-ancestors 'self'" in response["Content-Security-Policy"]


def test_report_downloads_are_audited(client, officer, world):
    client.force_login(officer)
    for format, start in (("pdf", b"%PDF"), ("xlsx", b"PK"), ("json", b"{")):
        response = client.get(reverse("reports:download"), {"org": "ZONE", "year": 2024, "format": format})
        assert response.content.startswith(start)
    assert AuditLog.objects.filter(action="report.export").count() == 3


def test_the_dashboard_on_the_home_page(client, officer, world):
    client.force_login(officer)
    page = client.get(reverse("core:home")).content.decode()
    assert "测试园区总工会 2024年主要数据" in page
    assert 'id="figure-members_new"' in page and 'class="chart"' in page


@pytest.mark.parametrize(
    ("url", "query"),
    [
        ("core:home", {}),
        ("reports:kpis", {"org": "ZONE", "year": 2024}),
        ("reports:download", {"org": "ZONE", "year": 2024, "format": "xlsx"}),
    ],
)
def test_pages_cost_the_same_queries_for_a_larger_world(client, officer, world, zone, url, query):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(officer)
    client.get(reverse(url), query)  # the session's first touches
    with CaptureQueriesContext(connection) as small:
        client.get(reverse(url), query)
    for i in range(3):
        union = OrganisationFactory(code=f"UX{i}", parent=zone, established_on=date(2023 + i % 2, 2, 1))
        for _ in range(5):
            make_member(union, started_on=date(2024, 3, 1))
    with CaptureQueriesContext(connection) as large:
        client.get(reverse(url), query)
    assert len(large) == len(small), [q["sql"][:80] for q in large.captured_queries]


def test_the_figures_in_english(client, officer, zone):
    client.force_login(officer)
    body = client.get(reverse("reports:kpis"), {"org": "ZONE", "year": 2024}, HTTP_ACCEPT_LANGUAGE="en")
    text = body.content.decode()
    assert "New members" in text and "The zone has 0 enterprise unions" in text


@pytest.fixture
def nested_kpi(monkeypatch):
    """A KPI shaped like the honours app's honours_5y (a dict by level and kind), under a key of its own."""
    from gonghui.core.registry import Kpi, KpiGroup

    def compute(root, year):
        value = {
            "national": {"labour_model": 1, "may_day_medal": 1},
            "provincial": {"labour_model": 2, "may_day_medal": 4},
        }
        return {"nested_5y": {"value": value, "previous": value}}

    group = KpiGroup(
        "test.nested",
        order=99,
        compute=compute,
        kpis=(Kpi("nested_5y", "五年荣誉", "项", "近五年获得的荣誉。"),),
    )
    monkeypatch.setitem(registry.kpis._items, group.key, group)
    return group


def test_a_nested_figure_renders_on_the_page_in_the_workbook_and_the_pdf(client, officer, world, nested_kpi):
    import io

    from pypdf import PdfReader

    client.force_login(officer)
    page = client.get(reverse("reports:kpis"), {"org": "ZONE", "year": 2024}).content.decode()
    assert "national" in page and "may_day_medal 1" in page
    book = client.get(reverse("reports:download"), {"org": "ZONE", "year": 2024, "format": "xlsx"}).content
    rows = list(openpyxl.load_workbook(io.BytesIO(book))["指标"].iter_rows(values_only=True))
    assert ("五年荣誉（provincial.may_day_medal）", "nested_5y.provincial.may_day_medal", 4, 4, 0) in [
        r[:5] for r in rows
    ]
    pdf = client.get(reverse("reports:download"), {"org": "ZONE", "year": 2024, "format": "pdf"}).content
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "五年荣誉" in text and "labour_model" in text
    json_figures = client.get(
        reverse("reports:download"), {"org": "ZONE", "year": 2024, "format": "json"}
    ).json()
    assert json_figures["nested_5y"]["value"]["provincial"]["may_day_medal"] == 4
