"""The unions' and coverage charts of the dashboard and the annual report (one query each)."""

from django.db.models import Count, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gonghui.core.charts import over_the_years
from gonghui.core.figures import year_bounds
from gonghui.core.registry import Chart, ChartData
from gonghui.orgs.kpis import existing, in_subtree, standing_at
from gonghui.orgs.models import Enterprise, UnionMonth


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


CATEGORIES = [
    (gettext_lazy("重点企业"), Q(is_key=True)),
    (gettext_lazy("百人以上企业"), Q(headcount__gte=Enterprise.LARGE_HEADCOUNT)),
    (gettext_lazy("新就业形态企业"), Q(is_new_employment_form=True)),
]


def coverage_by_category(root, year: int) -> ChartData:
    """Target enterprises and those with a union at the year's end, by campaign category (an
    enterprise in two categories counts in both)."""
    covered = standing_at("union__", year_bounds(year)[1])
    aggregates = {}
    for i, (_label, category) in enumerate(CATEGORIES):
        aggregates[f"t{i}"] = Count("pk", filter=category)
        aggregates[f"c{i}"] = Count("pk", filter=category & covered)
    row = Enterprise.objects.filter(in_subtree(root) & existing(year)).aggregate(**aggregates)
    return ChartData(
        x_labels=[str(label) for label, _q in CATEGORIES],
        series=[
            (_("目标企业"), [row[f"t{i}"] for i in range(len(CATEGORIES))]),
            (_("已建会"), [row[f"c{i}"] for i in range(len(CATEGORIES))]),
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
