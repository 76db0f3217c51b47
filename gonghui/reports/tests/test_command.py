import json
from datetime import date
from io import StringIO

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from gonghui.members.tests.factories import make_member
from gonghui.orgs.tests.factories import OrganisationFactory
from gonghui.reports.selectors import kpi_definitions

pytestmark = pytest.mark.django_db


def report(*args) -> str:
    out = StringIO()
    call_command("report", *args, stdout=out)
    return out.getvalue()


def test_json_is_one_object_keyed_by_kpi(zone, union_a):
    OrganisationFactory(code="UN", parent=zone, established_on=date(2024, 4, 1))
    make_member(union_a, started_on=date(2024, 5, 1))
    figures = json.loads(report("--org", "ZONE", "--year", "2024", "--format", "json"))
    assert list(figures) == list(kpi_definitions())
    assert figures["unions_total"] == {"value": 2, "previous": 1}
    assert figures["unions_new"] == {"value": 1, "previous": 0}
    assert figures["members_new"] == {"value": 1, "previous": 0}
    assert figures["coverage_rate"] == {"value": None, "previous": None}


def test_unknown_org_and_pdf_are_refused_clearly(zone):
    with pytest.raises(CommandError, match="找不到组织代码为 NOPE"):
        report("--org", "NOPE", "--year", "2024")
    with pytest.raises(CommandError, match="PDF"):
        report("--org", "ZONE", "--year", "2024", "--format", "pdf")
    with pytest.raises(CommandError, match="--out"):
        report("--org", "ZONE", "--year", "2024", "--format", "xlsx")


def test_xlsx_has_a_row_per_kpi(zone, union_a, tmp_path):
    out = tmp_path / "report.xlsx"
    report("--org", "ZONE", "--year", "2024", "--format", "xlsx", "--out", str(out))
    rows = list(openpyxl.load_workbook(out).active.iter_rows(values_only=True))
    by_key = {row[1]: row for row in rows if row[1] in kpi_definitions()}
    assert set(by_key) == set(kpi_definitions())
    assert by_key["unions_total"][2:5] == (1, 1, 0)
    assert any(row[0] and str(row[0]).startswith("全区共有企业工会1家") for row in rows)


def test_xlsx_writes_an_organisation_name_as_text_never_a_formula(zone, tmp_path):
    zone.name = '=HYPERLINK("http://example.invalid","总工会")'
    zone.save(update_fields=["name"])
    out = tmp_path / "report.xlsx"
    report("--org", "ZONE", "--year", "2024", "--format", "xlsx", "--out", str(out))
    cell = openpyxl.load_workbook(out).active["A1"]
    assert cell.data_type == "s" and cell.value.startswith('=HYPERLINK("http://example.invalid"')
