"""The members chart of the dashboard and the annual report, from the roll-up (one query)."""

from django.db.models import F, Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gonghui.core.charts import running_totals, years_up_to
from gonghui.core.registry import Chart, ChartData
from gonghui.members.models import MemberMonth


def members_by_year(root, year: int) -> ChartData:
    rows = (
        MemberMonth.objects.filter(organisation=root, month__year__lte=year)
        .values("month__year")
        .annotate(net=Sum(F("started") - F("ended")), new=Sum("new"))
    )
    net = {r["month__year"]: r["net"] for r in rows}
    new = {r["month__year"]: r["new"] for r in rows}
    years = years_up_to(year, min(net, default=None))
    return ChartData(
        x_labels=[str(y) for y in years],
        series=[
            (_("年末在册会员"), running_totals(net, years)),
            (_("当年新增会员"), [new.get(y, 0) for y in years]),
        ],
        unit=_("人"),
    )


CHARTS = [
    Chart(
        "members.by_year",
        gettext_lazy("历年会员人数"),
        order=10,
        kind="bar",
        data=members_by_year,
        kpi="members_total",
    ),
]
