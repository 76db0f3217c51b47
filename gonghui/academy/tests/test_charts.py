"""培训课时按月 on the dashboard, as its own SVG, in the annual report's workbook and PDF, with the
rows behind it."""

import io
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse
from pypdf import PdfReader

from gonghui.academy import services
from gonghui.academy.charts import hours_by_month
from gonghui.academy.tests.factories import make_class, make_course
from gonghui.members.tests.factories import make_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def classes(zone, union_a, enterprise_a, academy_staff):
    """2024: 24 h in May (twice), 8.5 h online in March; an online course not put on line."""
    offline = make_course(zone, by=academy_staff, hours=Decimal("24"))
    online = make_course(zone, by=academy_staff, title="安全生产法规（线上）", hours=Decimal("8.5"))
    make_class(offline, by=academy_staff)
    make_class(
        offline, by=academy_staff, name="2024年第2期", starts_on=date(2024, 5, 20), ends_on=date(2024, 5, 24)
    )
    for name in ("已上线", "未上线"):
        klass = make_class(
            online,
            by=academy_staff,
            mode="online",
            name=name,
            starts_on=date(2024, 3, 1),
            ends_on=date(2024, 12, 31),
        )
        if name == "已上线":
            services.class_publish(training_class=klass, by=academy_staff)
    make_member(union_a, enterprise=enterprise_a)
    return zone


def test_twelve_months_one_series(classes):
    data = hours_by_month(classes, 2024)
    assert data.x_labels == [f"{m}月" for m in range(1, 13)]
    assert data.series == [("培训课时", [0, 0, 8.5, 0, 48, 0, 0, 0, 0, 0, 0, 0])]
    assert data.unit == "课时"


def test_on_the_dashboard_with_its_rows(client, officer, classes):
    client.force_login(officer)
    page = client.get(reverse("core:home")).content.decode()
    chart = reverse("reports:chart", args=["academy.hours_by_month"])
    rows = reverse("reports:rows", args=["training_hours"])
    assert f"{chart}?org=ZONE&amp;year=2024" in page and f"{rows}?org=ZONE&amp;year=2024" in page
    svg = client.get(chart, {"org": "ZONE", "year": 2024}).content.decode()
    assert "培训课时按月" in svg and "5月" in svg
    lines = client.get(rows, {"org": "ZONE", "year": 2024}).context["lines"]
    assert sorted(line[0] for line in lines) == ["2024年第1期", "2024年第2期", "已上线"]


def test_in_the_workbook_and_the_pdf(classes, tmp_path):
    book, pdf = tmp_path / "report.xlsx", tmp_path / "report.pdf"
    for format, out in (("xlsx", book), ("pdf", pdf)):
        call_command("report", "--org", "ZONE", "--year", "2024", "--format", format, "--out", str(out))
    sheet = list(openpyxl.load_workbook(book)["培训课时按月"].iter_rows(values_only=True))
    assert sheet[2] == (None, "培训课时") and sheet[3:] == [
        (f"{m}月", h) for m, h in zip(range(1, 13), [0, 0, 8.5, 0, 48] + [0] * 7, strict=True)
    ]
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.read_bytes())).pages)
    assert "培训课时按月" in text.replace("\n", "").replace(" ", "")
