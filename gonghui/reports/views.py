from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from gonghui.core.scope import get_or_404, scope_of
from gonghui.reports import selectors
from gonghui.reports.forms import ReportForm


@login_required
def kpis(request):
    """The figures of one organisation's subtree for a year, beside last year's."""
    scope_of(request.user).require("reports.read")
    roots = selectors.report_roots(request.user).order_by("depth", "path")
    if "org" in request.GET:
        get_or_404(roots, code=request.GET["org"])  # another federation's figures: not found, as everywhere
        data = request.GET
    else:  # one's own root, last year
        home = roots.first()
        data = {"org": home.code if home else "", "year": timezone.localdate().year - 1}
    form = ReportForm(data, roots=roots)
    context = {"form": form}
    if form.is_valid():
        root, year = form.cleaned_data["org"], form.cleaned_data["year"]
        figures = selectors.kpis_for(root, year)
        context.update(
            root=root,
            year=year,
            rows=[
                {
                    "kpi": kpi,
                    "value": selectors.as_text(figures[key]["value"], kpi),
                    "previous": selectors.as_text(figures[key]["previous"], kpi),
                    "change": selectors.as_text(selectors.change(figures[key]), kpi, signed=True),
                }
                for key, kpi in selectors.kpi_definitions().items()
            ],
            sentences=selectors.report_sentences(root, figures),
        )
    return render(request, "reports/kpis.html", context)
