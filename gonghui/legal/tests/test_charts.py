"""The disputes-by-outcome chart on the dashboard, as its own drawing, in the workbook and the PDF,
with the rows behind it."""

import io
from datetime import date

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse
from pypdf import PdfReader

from gonghui.legal.tests.factories import advance, make_dispute, make_lawyer

pytestmark = pytest.mark.django_db


@pytest.fixture
def disputes(zone, union_a, officer, member_a):
    mediator = make_lawyer(zone, by=officer)
    settled = make_dispute(union_a, member_a.person, by=officer, received_on=date(2024, 3, 4))
    for action, extra in (
        ("dispute.accept", {}),
        ("dispute.assign", {"lawyer": mediator}),
        ("dispute.start", {}),
        ("dispute.succeed", {"text": "支付欠薪"}),
    ):
        advance(settled, action, by=officer, on=date(2024, 3, 8), **extra)
    refused = make_dispute(zone, member_a.person, by=officer, received_on=date(2024, 5, 6))
    advance(refused, "dispute.not_accept", by=officer, on=date(2024, 5, 7), note="不属于劳动争议")
    make_dispute(zone, member_a.person, by=officer, received_on=date(2023, 9, 1))
    return settled, refused


def test_the_chart_is_on_the_dashboard_with_its_rows(client, officer, disputes):
    client.force_login(officer)
    page = client.get(reverse("core:home")).content.decode()
    chart = reverse("reports:chart", args=["legal.disputes_by_outcome"])
    assert f"{chart}?org=ZONE&amp;year=2024" in page
    rows = reverse("reports:rows", args=["disputes"])
    assert f"{rows}?org=ZONE&amp;year=2024" in page
    svg = client.get(chart, {"org": "ZONE", "year": 2024}).content.decode()
    assert "劳动争议按结果" in svg and "达成调解协议" in svg and "2023年" in svg
    listed = client.get(rows, {"org": "ZONE", "year": 2024}).content.decode()
    assert all(d.number in listed for d in disputes)


def test_the_chart_is_a_sheet_of_the_workbook_and_a_figure_of_the_pdf(disputes, tmp_path):
    book, pdf = tmp_path / "r.xlsx", tmp_path / "r.pdf"
    call_command("report", "--org", "ZONE", "--year", "2024", "--format", "xlsx", "--out", str(book))
    sheet = list(openpyxl.load_workbook(book)["劳动争议按结果"].iter_rows(values_only=True))
    assert sheet[2] == (None, "2024年", "2023年")
    assert sheet[3:] == [
        ("达成调解协议", 1, 0),
        ("调解不成转仲裁", 0, 0),
        ("调解不成转诉讼", 0, 0),
        ("调解不成未转", 0, 0),
        ("不予受理", 1, 0),
        ("尚在办理", 0, 1),
    ]
    call_command("report", "--org", "ZONE", "--year", "2024", "--format", "pdf", "--out", str(pdf))
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.read_bytes())).pages)
    assert "劳动争议按结果" in text.replace("\n", "").replace(" ", "")
