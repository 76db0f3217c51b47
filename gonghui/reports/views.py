import secrets
import tempfile
from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.clickjacking import xframe_options_sameorigin

from gonghui.core import keyset, registry
from gonghui.core.scope import NotInScope, scope_of
from gonghui.reports import selectors, services
from gonghui.reports.charts import add_nonce, render_svg
from gonghui.reports.forms import ReportForm

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CONTENT_TYPES = {"json": "application/json", "xlsx": XLSX, "pdf": "application/pdf"}


def _chosen(request) -> ReportForm:
    """The organisation and year asked for (the user's own, on the last complete year with records,
    when none is asked for); another federation's organisation is not found, as everywhere."""
    scope_of(request.user).require("reports.read")
    roots = selectors.report_roots(request.user).order_by("depth", "path")
    if "org" in request.GET:
        root = selectors.root_for(request.user, request.GET["org"])
        data = {"org": root.code, "year": request.GET.get("year") or selectors.default_year(root)}
    else:
        home = roots.first()
        data = {"org": home.code if home else "", "year": selectors.default_year(home) if home else ""}
    return ReportForm(data, roots=roots)


@login_required
def kpis(request):
    """The annual work report of one organisation's subtree: the figures beside last year's, the
    sentences, the charts, the downloads."""
    form = _chosen(request)
    context = {"form": form}
    if form.is_valid():
        root, year = form.cleaned_data["org"], form.cleaned_data["year"]
        report = selectors.report_for(root, year, charts=False)
        context.update(
            root=root,
            year=year,
            report=report,
            rows=[{**row, "url": selectors.rows_url(row["kpi"], root, year)} for row in report.rows()],
            sentences=report.sentences,
            charts=selectors.chart_links(root, year),
        )
    return render(request, "reports/kpis.html", context)


def _valid(request):
    form = _chosen(request)
    if not form.is_valid():
        raise Http404
    return form.cleaned_data["org"], form.cleaned_data["year"]


@login_required
def download(request):
    """The annual report as json, xlsx or pdf."""
    root, year = _valid(request)
    format = request.GET.get("format", "pdf")
    if format not in services.FORMATS:
        raise Http404
    content = services.report_export(root=root, year=year, format=format, by=request.user)
    response = HttpResponse(content, content_type=CONTENT_TYPES[format])
    filename = f"{root.code}-{year}-年度工作报告.{format}"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


@login_required
def rows(request, key):
    """The rows behind one figure, a page at a time (keyset pages in the rows' own order)."""
    root, year = _valid(request)
    kpi, found = selectors.kpi_rows(key, root, year, request.user)
    page = keyset.page_of(request, found.queryset, selectors.rows_keys(found), jump="")
    return render(
        request,
        "reports/rows.html",
        {
            "root": root,
            "year": year,
            "kpi": kpi,
            "figure": selectors.kpi_figure(key, root, year),
            "columns": found.columns,
            "page": page,
            "lines": [found.cells(obj) for obj in page],
        },
    )


@login_required
def rows_download(request, key):
    root, year = _valid(request)
    out = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it)
    services.rows_export(kpi_key=key, root=root, year=year, by=request.user, out=out)
    out.seek(0)
    kpi = selectors.kpi_definitions()[key]
    return FileResponse(
        out, as_attachment=True, filename=f"{root.code}-{year}-{kpi.label}.xlsx", content_type=XLSX
    )


@login_required
@xframe_options_sameorigin
def chart(request, key):
    """One chart as its own SVG document, framed by the page: pygal's tooltips run inside it."""
    root, year = _valid(request)
    found = registry.charts.get(key)
    if found is None:
        raise NotInScope
    nonce = secrets.token_urlsafe(16)
    svg = add_nonce(render_svg(found, found.data(root, year)), nonce)
    response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
    response["Content-Security-Policy"] = (
        f"default-src 'none'; script-src 'self' 'nonce-{nonce}'; style-src 'unsafe-inline'; "
        "img-src data:; frame-ancestors 'self'"
    )
    return response
