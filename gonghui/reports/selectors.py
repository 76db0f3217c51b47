"""The KPIs of PRODUCT.md ("What it reports") for an organisation's subtree and a year, the charts,
the rows behind each figure and the officer's to-do list: what the dashboard, the annual report page,
its downloads, `gonghui report` and the API all read.

Each app defines its KPIs once, with their wording, the function that computes them and the rows
behind them, and registers them (gonghui.core.registry.kpis), as it registers its charts, roll-ups
and to-dos; this module reads the registries and names no app. The groups over roll-ups declare the
totals they add up, which the report reads for all of them in ONE statement of the root's own roll-up
rows; each other group is one aggregate query of its own, both years at once — so a report costs the
same number of queries for a union of ten members as for a province.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Max, Min
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core import registry
from gonghui.core.figures import Figures
from gonghui.core.registry import Chart, ChartData, Kpi, Rows
from gonghui.core.scope import NotInScope, get_or_404, scope_of
from gonghui.orgs.models import Organisation


def kpi_definitions() -> dict[str, Kpi]:
    """Every registered KPI by key, in the report's order."""
    return {kpi.key: kpi for group in registry.kpis for kpi in group.kpis}


def kpis_for(root: Organisation, year: int) -> Figures:
    """Every KPI for root's subtree and the year, each {"value": …, "previous": …}, in the report's order."""
    figures = registry.figures_of(registry.kpis, root, year)
    return {key: figures[key] for key in kpi_definitions()}


def change(figure: dict) -> int | float | Decimal | None:
    """This year's value minus last year's; None when either is unknown or the figure is not a number.
    Money comes as a decimal string ("30000.00") and its change is a Decimal."""
    value, previous = figure["value"], figure["previous"]
    if isinstance(value, str) and isinstance(previous, str):
        return Decimal(value) - Decimal(previous)
    if not isinstance(value, int | float) or not isinstance(previous, int | float):
        return None
    difference = value - previous
    return round(difference, 1) if isinstance(difference, float) else difference


def report_sentences(root: Organisation, figures: Figures) -> list[str]:
    """The annual report's sentences, e.g. 全区共有企业工会195家，较去年新增16家，新增工会会员1800余人."""
    return [
        sentence
        for group in registry.kpis
        if group.sentences is not None
        for sentence in group.sentences(root, figures)
    ]


def report_roots(user):
    """Organisations whose figures the user may read: federation staff their subtree, a union admin
    their union, platform admins all."""
    if not scope_of(user).can("reports.read"):
        return Organisation.objects.none()
    return Organisation.objects.visible_to(user)


def home_root(user) -> Organisation | None:
    """The organisation a user's dashboard and report open on: their own, the top one for a platform admin."""
    return report_roots(user).order_by("depth", "path").first()


def data_years(root: Organisation) -> tuple[int | None, int | None]:
    """The first and last year with records in root's subtree, from the registered roll-ups (one query)."""
    spans = [
        rollup.model.objects.filter(organisation=root)
        .values("organisation")
        .annotate(first=Min("month"), last=Max("month"))
        .values("first", "last")
        for rollup in registry.rollups
        if rollup.dated_records
    ]
    if not spans:
        return None, None
    rows = list(spans[0].union(*spans[1:], all=True))
    if not rows:
        return None, None
    return min(row["first"].year for row in rows), max(row["last"].year for row in rows)


def default_year(root: Organisation, today: date | None = None) -> int:
    """The last complete year that has records (last year when there are none)."""
    this_year = (today or timezone.localdate()).year
    _first, last = data_years(root)
    return min(last, this_year - 1) if last is not None else this_year - 1


def check_year(root: Organisation, year: int, today: date | None = None) -> None:
    """A year the report can be made for: not after this year, not before the first record (without
    any record, every past year: its figures are zeros, with a note)."""
    this_year = (today or timezone.localdate()).year
    if year > this_year:
        raise ValidationError(
            {"year": _("%(y)d年还没有到，请选择%(now)d年或以前的年度") % {"y": year, "now": this_year}}
        )
    first, _last = data_years(root)
    if first is not None and year < first:
        raise ValidationError(
            {
                "year": _("%(org)s最早的记录在%(first)d年，请选择%(first)d年或以后的年度")
                % {"org": root.name, "first": first}
            }
        )


@dataclass
class Report:
    """One organisation's figures for a year, as every interface shows them."""

    root: Organisation
    year: int
    figures: Figures
    sentences: list[str]
    charts: list[tuple[Chart, ChartData]] = field(default_factory=list)
    generated: str = field(default_factory=lambda: timezone.localtime().strftime("%Y-%m-%d %H:%M"))

    @property
    def empty(self) -> bool:
        """No figure of the year or the one before is other than zero or empty."""
        return not any(
            figure[when] not in (0, None, {}) and not _all_zero(figure[when])
            for figure in self.figures.values()
            for when in ("value", "previous")
        )

    def rows(self) -> list[dict]:
        return [
            {"kpi": kpi, **self.figures[key], "change": change(self.figures[key])}
            for key, kpi in kpi_definitions().items()
        ]


def _all_zero(value) -> bool:
    if isinstance(value, dict):
        return all(_all_zero(v) for v in value.values())
    if isinstance(value, str):  # money, as a decimal string
        return Decimal(value) == 0
    return value in (0, None)


def report_for(root: Organisation, year: int, *, charts: bool = True) -> Report:
    """The report of root's subtree for the year (check_year first); root already in the user's reach."""
    figures = kpis_for(root, year)
    return Report(
        root=root,
        year=year,
        figures=figures,
        sentences=report_sentences(root, figures),
        charts=[(chart, chart.data(root, year)) for chart in registry.charts] if charts else [],
    )


def root_for(user, code: str) -> Organisation:
    """The organisation of that code, if the user may read its figures (NotInScope otherwise)."""
    return get_or_404(report_roots(user), code=code)


def kpi_rows(kpi_key: str, root: Organisation, year: int, user) -> tuple[Kpi, Rows]:
    """The rows behind one figure, limited to what the user may see; NotInScope for a figure without rows."""
    kpi = kpi_definitions().get(kpi_key)
    if kpi is None or kpi.rows is None:
        raise NotInScope
    return kpi, kpi.rows(root, year, user)


def rows_keys(rows: Rows) -> list[str]:
    """The keys the rows' pages follow: their queryset's ordering, ended by the primary key."""
    keys = [str(key) for key in rows.queryset.query.order_by]
    return keys if keys and keys[-1].lstrip("-") in ("pk", "id") else [*keys, "pk"]


def kpi_figure(kpi_key: str, root: Organisation, year: int) -> dict:
    """One figure, {"value": …, "previous": …}, computed with its group only (one query)."""
    group = next(g for g in registry.kpis if any(kpi.key == kpi_key for kpi in g.kpis))
    return group.compute(root, year)[kpi_key]


def rows_url(kpi: Kpi, root: Organisation, year: int) -> str | None:
    if kpi.rows is None:
        return None
    return f"{reverse('reports:rows', args=[kpi.key])}?org={root.code}&year={year}"


def chart_links(root: Organisation, year: int) -> list[dict]:
    """Each registered chart with the address of its drawing and of the rows behind it."""
    query = f"org={root.code}&year={year}"
    definitions = kpi_definitions()
    return [
        {
            "chart": chart,
            "url": f"{reverse('reports:chart', args=[chart.key])}?{query}",
            "rows_url": rows_url(definitions[chart.kpi], root, year) if chart.kpi in definitions else None,
        }
        for chart in registry.charts
    ]


def todos_for(user) -> list[dict]:
    """The user's queues that have something waiting (registry.todos), in their order."""
    out = []
    for todo in registry.todos:
        count = todo.count(user)
        if count:
            out.append({"key": todo.key, "label": todo.label, "count": count, "url": reverse(todo.url_name)})
    return out
