"""The claims-paid-by-month chart on the dashboard, as its own drawing, in the workbook and the PDF,
with the rows behind it."""

import io
from datetime import date, datetime

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from gonghui.mutual_aid import services
from gonghui.mutual_aid.models import Claim
from gonghui.mutual_aid.tests.factories import file_claim, to_federation_reviewed

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid(enrolled, plan, member_a, admin_a, reviewer_a, officer):
    claim = to_federation_reviewed(
        file_claim(plan, member_a.person, by=admin_a), union_reviewer=reviewer_a, officer=officer
    )
    claim = services.claim_set_amount(claim=claim, by=officer)
    # decided on the day it was filed, so the payment may carry a 2024 date
    Claim.objects.filter(pk=claim.pk).update(changed_at=timezone.make_aware(datetime(2024, 6, 20)))
    return services.claim_pay(claim=claim, paid_on=date(2024, 7, 15), reference="R1", by=officer)


def test_the_chart_is_on_the_dashboard_with_its_rows(client, officer, paid):
    client.force_login(officer)
    page = client.get(reverse("core:home")).content.decode()
    chart = reverse("reports:chart", args=["mutual_aid.paid_by_month"])
    assert f"{chart}?org=ZONE&amp;year=2024" in page
    rows = reverse("reports:rows", args=["mutual_aid_claims_paid"])
    assert f"{rows}?org=ZONE&amp;year=2024" in page
    svg = client.get(chart, {"org": "ZONE", "year": 2024}).content.decode()
    assert "互助金按月支付" in svg and "7月" in svg and "12月" in svg
    listed = client.get(rows, {"org": "ZONE", "year": 2024}).content.decode()
    assert paid.claim.number in listed


def test_the_chart_is_a_sheet_of_the_workbook_and_a_figure_of_the_pdf(paid, tmp_path):
    book, pdf = tmp_path / "r.xlsx", tmp_path / "r.pdf"
    call_command("report", "--org", "ZONE", "--year", "2024", "--format", "xlsx", "--out", str(book))
    sheet = list(openpyxl.load_workbook(book)["互助金按月支付"].iter_rows(values_only=True))
    assert sheet[2] == (None, "互助金支付金额")
    months = {row[0]: row[1] for row in sheet[3:]}
    assert len(months) == 12 and months["7月"] == float(paid.amount) and months["6月"] == 0
    call_command("report", "--org", "ZONE", "--year", "2024", "--format", "pdf", "--out", str(pdf))
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.read_bytes())).pages)
    assert "互助金按月支付" in text.replace("\n", "").replace(" ", "")
