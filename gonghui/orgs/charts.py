"""The unions' and coverage charts of the dashboard and the annual report (one query each, over roll-ups)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gonghui.core.charts import over_the_years
from gonghui.core.registry import Chart, ChartData
from gonghui.core.rollups import Total, read_totals
from gonghui.orgs.kpis import CATEGORIES
from gonghui.orgs.models import EnterpriseMonth, UnionMonth


def unions_by_year(root, year: int) -> ChartData:
    return over_the_years(
        UnionMonth,
        root,
        year,
        total=("established", "dissolved"),
        new="established",
        labels=(_("年末基层工会"), _("当年新建工会")),
        unit=_("家"),
    )


def coverage_by_category(root, year: int) -> ChartData:
    """Target enterprises and those with a union at the year's end, by campaign category (an
    enterprise in two categories counts in both) — one statement over root's own roll-up rows."""
    totals = read_totals(
        root.pk,
        year,
        {
            **{
                (c, "targets"): Total(EnterpriseMonth, (f"{c}_targets",), through=True, undated=True)
                for c in CATEGORIES
            },
            **{
                (c, "covered"): Total(
                    EnterpriseMonth, (f"{c}_covered_started", f"-{c}_covered_ended"), through=True
                )
                for c in CATEGORIES
            },
        },
    )
    return ChartData(
        x_labels=[str(label) for label, _q in CATEGORIES.values()],
        series=[
            (_("目标企业"), [totals[c, "targets"]["value"] for c in CATEGORIES]),
            (_("已建会"), [totals[c, "covered"]["value"] for c in CATEGORIES]),
        ],
        unit=_("家"),
    )


CHARTS = [
    Chart(
        "orgs.unions_by_year",
        gettext_lazy("历年基层工会"),
        order=20,
        kind="bar",
        data=unions_by_year,
        kpi="unions_total",
    ),
    Chart(
        "orgs.coverage_by_category",
        gettext_lazy("目标企业建会情况（按类别，年底）"),
        order=30,
        kind="bar",
        data=coverage_by_category,
        kpi="target_enterprises",
    ),
]
