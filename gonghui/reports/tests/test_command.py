import io
import json
from datetime import date
from io import StringIO

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from pypdf import PdfReader

from gonghui.core import registry
from gonghui.core.models import AuditLog
from gonghui.members.tests.factories import make_member
from gonghui.orgs.tests.factories import OrganisationFactory
from gonghui.reports.selectors import kpi_definitions

pytestmark = pytest.mark.django_db


def report(*args) -> str:
    out = StringIO()
    call_command("report", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def grown(zone, union_a):
    OrganisationFactory(code="UN", parent=zone, established_on=date(2024, 4, 1))
    for _ in range(3):
        make_member(union_a, started_on=date(2024, 5, 1))
    return zone


def test_json_is_one_object_keyed_by_kpi(grown):
    figures = json.loads(report("--org", "ZONE", "--year", "2024", "--format", "json"))
    assert list(figures) == list(kpi_definitions())
    assert figures["unions_total"] == {"value": 2, "previous": 1}
    assert figures["unions_new"] == {"value": 1, "previous": 0}
    assert figures["members_new"] == {"value": 3, "previous": 0}
    assert figures["coverage_rate"] == {"value": None, "previous": None}
    assert AuditLog.objects.filter(action="report.export", detail__format="json").exists()


def test_unknown_org_years_out_of_range_and_missing_out_are_refused_clearly(grown):
    with pytest.raises(CommandError, match="找不到组织代码为 NOPE"):
        report("--org", "NOPE", "--year", "2024")
    with pytest.raises(CommandError, match="最早的记录在2015年"):
        report("--org", "ZONE", "--year", "2014")
    with pytest.raises(CommandError, match="2999年还没有到"):
        report("--org", "ZONE", "--year", "2999")
    for format in ("xlsx", "pdf"):
        with pytest.raises(CommandError, match="--out"):
            report("--org", "ZONE", "--year", "2024", "--format", format)


def test_xlsx_has_figures_with_definitions_and_a_sheet_per_chart(grown, tmp_path):
    out = tmp_path / "report.xlsx"
    report("--org", "ZONE", "--year", "2024", "--format", "xlsx", "--out", str(out))
    book = openpyxl.load_workbook(out)
    assert book.sheetnames[0] == "指标" and len(book.sheetnames) == 1 + len(list(registry.charts))
    rows = list(book["指标"].iter_rows(values_only=True))
    by_key = {row[1]: row for row in rows if row[1] in kpi_definitions()}
    nested = {str(row[1]).split(".")[0] for row in rows if row[1] and "." in str(row[1])}
    assert set(by_key) | nested == set(kpi_definitions())  # a figure by level and kind: a row per part
    assert by_key["unions_total"][2:5] == (2, 1, 1)
    assert "12月31日" in by_key["unions_total"][6]
    assert any(row[0] and str(row[0]).startswith("全区共有企业工会2家") for row in rows)
    members = list(book["历年会员人数"].iter_rows(values_only=True))
    assert members[2] == (None, "年末在册会员", "当年新增会员")
    assert members[-1] == ("2024", 3, 3)


def test_pdf_has_the_sentences_and_the_table(grown, tmp_path):
    out = tmp_path / "report.pdf"
    report("--org", "ZONE", "--year", "2024", "--format", "pdf", "--out", str(out))
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(out.read_bytes())).pages)
    flat = text.replace("\n", "").replace(" ", "")
    assert "测试园区总工会2024年度工作报告" in flat
    assert "全区共有企业工会2家，较去年新增1家，新增工会会员3人" in flat
    assert "基层工会总数" in flat and "历年会员人数" in flat


def test_xlsx_writes_an_organisation_name_as_text_never_a_formula(zone, tmp_path):
    zone.name = '=HYPERLINK("http://example.invalid","总工会")'
    zone.save(update_fields=["name"])
    out = tmp_path / "report.xlsx"
    report("--org", "ZONE", "--year", "2024", "--format", "xlsx", "--out", str(out))
    cell = openpyxl.load_workbook(out).active["A1"]
    assert cell.data_type == "s" and cell.value.startswith('=HYPERLINK("http://example.invalid"')
