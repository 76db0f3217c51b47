"""The academy's chart of the dashboard and the annual report: the class hours of each month, from the
roll-up (one query)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gonghui.academy.kpis import hours_figure, months_of
from gonghui.academy.models import TrainingMonth
from gonghui.core.registry import Chart, ChartData


def hours_by_month(root, year: int) -> ChartData:
    """The hours of the classes held that start in each month of the year (as training_hours)."""
    hours = dict(
        TrainingMonth.objects.filter(organisation=root, month__range=months_of(year)).values_list(
            "month__month", "hours"
        )
    )
    months = range(1, 13)
    return ChartData(
        x_labels=[_("%(m)d月") % {"m": m} for m in months],
        series=[(_("培训课时"), [hours_figure(hours.get(m, 0)) for m in months])],
        unit=_("课时"),
    )


CHARTS = [
    Chart(
        "academy.hours_by_month",
        gettext_lazy("培训课时按月"),
        order=40,
        kind="bar",
        data=hours_by_month,
        kpi="training_hours",
    ),
]
