"""How figures are written on the pages and in the PDF: thousands separators, rates with one decimal
and a percent sign, money with two decimals, nested figures (by level and kind) as a small table."""

from decimal import Decimal, InvalidOperation

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.urls import reverse
from django.utils.translation import gettext as _

from gonghui.core.figures import format_rate
from gonghui.reports import selectors

register = template.Library()


@register.filter
def figure(value, unit: str = ""):
    """One figure for display; unit "%" makes it a rate."""
    if value is None:
        return "—"
    if str(unit) == "%":
        return format_rate(value)
    if isinstance(value, str):  # money comes as a decimal string ("30000.00")
        try:
            value = Decimal(value)
        except InvalidOperation:
            return value
    if isinstance(value, Decimal):
        return intcomma(f"{value:.2f}")
    if isinstance(value, int | float):
        return intcomma(value)
    return str(value)


@register.filter
def signed(value, unit: str = ""):
    """A change: +16, −3, 0; a rate's change in points."""
    if value is None:
        return "—"
    text = figure(abs(value), "" if str(unit) == "%" else unit)
    if str(unit) == "%":
        text = f"{abs(value):.1f}"
    return f"+{text}" if value > 0 else (f"−{text}" if value < 0 else "0")


@register.filter
def is_nested(value) -> bool:
    return isinstance(value, dict)


@register.filter
def nested_total(value) -> int:
    """The sum of a nested figure's counts ({"national": {"labour_model": 1, …}, …})."""
    return sum(nested_total(v) for v in value.values()) if isinstance(value, dict) else value


@register.filter
def nested_rows(value, kpi=None) -> list[tuple[str, list[tuple[str, object]]]]:
    """{"national": {"labour_model": 1, …}, …} → [("全国", [("劳动模范", 1), …]), …], each key named by
    the KPI's parts where it gives a label (the key itself otherwise)."""
    labels = {key: str(label) for key, label in getattr(kpi, "parts", ())}

    def name(key):
        return labels.get(str(key), str(key))

    return [
        (name(k), [(name(part), n) for part, n in v.items()] if isinstance(v, dict) else [("", v)])
        for k, v in (value or {}).items()
    ]


@register.inclusion_tag("reports/dashboard.html", takes_context=True)
def dashboard(context):
    """The home page of an officer: the year's figures against last year's, the charts and the to-do
    list for their own organisation; for a role without figures (academy, lawyers) their queues."""
    user = context["request"].user
    out = {"todos": selectors.todos_for(user), "request": context["request"]}
    root = selectors.home_root(user)
    if root is None:
        return out
    year = selectors.default_year(root)
    report = selectors.report_for(root, year, charts=False)
    cards = [
        {**row, "url": selectors.rows_url(row["kpi"], root, year)}
        for row in report.rows()
        if not isinstance(row["value"], dict)
    ]
    query = f"org={root.code}&year={year}"
    out.update(
        root=root,
        year=year,
        cards=cards,
        sentences=report.sentences,
        charts=selectors.chart_links(root, year),
        report_url=f"{reverse('reports:kpis')}?{query}",
        no_data_note=_("该年度没有记录，各项为0") if report.empty else "",
    )
    return out
