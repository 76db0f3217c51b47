"""Downloads of the annual report and of the rows behind a figure: checked against the actor's scope
and written to the audit log with what was taken."""

import io
import json

from django.db import transaction
from django.utils.translation import gettext as _

from gonghui.core.audit import audit_record
from gonghui.core.pdf import render_pdf
from gonghui.core.scope import scope_of
from gonghui.orgs.models import Organisation
from gonghui.reports import selectors
from gonghui.reports.charts import render_svg
from gonghui.reports.excel import write_rows_xlsx, write_xlsx

FORMATS = ("json", "xlsx", "pdf")


def report_json(report: selectors.Report) -> str:
    """One object keyed by the KPI keys, each {"value": …, "previous": …}; money as decimal strings."""
    return json.dumps(report.figures, ensure_ascii=False, default=str)


def report_pdf(report: selectors.Report) -> bytes:
    charts = [(chart, render_svg(chart, data, for_print=True)) for chart, data in report.charts]
    return render_pdf("reports/report_pdf.html", {"report": report, "rows": report.rows(), "charts": charts})


def report_export(*, root: Organisation, year: int, format: str, by) -> bytes:
    """The annual report of root's subtree as json, xlsx or pdf bytes, for an actor who may read it."""
    scope_of(by).require("reports.read")
    root = selectors.report_roots(by).require(root)
    selectors.check_year(root, year)
    report = selectors.report_for(root, year, charts=format != "json")
    if format == "json":
        content = report_json(report).encode()
    elif format == "xlsx":
        out = io.BytesIO()
        write_xlsx(report, out)
        content = out.getvalue()
    else:
        content = report_pdf(report)
    with transaction.atomic():
        audit_record(actor=by, action="report.export", obj=root, detail={"year": year, "format": format})
    return content


def rows_export(*, kpi_key: str, root: Organisation, year: int, by, out) -> int:
    """The rows behind one figure as a workbook written to out; returns how many rows."""
    scope_of(by).require("reports.read")
    root = selectors.report_roots(by).require(root)
    selectors.check_year(root, year)
    kpi, rows = selectors.kpi_rows(kpi_key, root, year, by)
    title = _("%(org)s %(year)d年 %(kpi)s明细") % {"org": root.name, "year": year, "kpi": kpi.label}
    with transaction.atomic():
        count = write_rows_xlsx(title, rows, out)
        audit_record(
            actor=by,
            action="report.rows_export",
            obj=root,
            detail={"kpi": kpi_key, "year": year, "rows": count},
        )
    return count
