"""The members chart of the dashboard and the annual report, from the roll-up (one query)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gonghui.core.charts import over_the_years
from gonghui.core.registry import Chart, ChartData
from gonghui.members.models import MemberMonth


def members_by_year(root, year: int) -> ChartData:
    return over_the_years(
        MemberMonth,
        root,
        year,
        total=("started", "ended"),
        new="new",
        labels=(_("年末在册会员"), _("当年新增会员")),
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
