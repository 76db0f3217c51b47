"""The legal service's chart of the dashboard and the annual report, from the roll-up (one query)."""

from datetime import date

from django.db.models import Q, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gonghui.core.registry import Chart, ChartData
from gonghui.legal.models import LegalMonth

FIELDS = ("disputes", "agreement", "concluded", "arbitration", "litigation", "not_accepted")


def disputes_by_outcome(root, year: int) -> ChartData:
    """The mediation cases received in the year and the year before, by what became of them; each
    case is in one bar (a failed mediation referred to arbitration is counted as referred)."""
    sums = {
        f"{field}_{y}": Coalesce(Sum(field, filter=Q(month__range=(date(y, 1, 1), date(y, 12, 1)))), 0)
        for field in FIELDS
        for y in (year, year - 1)
    }
    row = LegalMonth.objects.filter(
        organisation=root, month__range=(date(year - 1, 1, 1), date(year, 12, 1))
    ).aggregate(**sums)

    def bars(y: int) -> list[int]:
        n = {field: row[f"{field}_{y}"] for field in FIELDS}
        failed = n["concluded"] - n["agreement"]
        return [
            n["agreement"],
            n["arbitration"],
            n["litigation"],
            failed - n["arbitration"] - n["litigation"],
            n["not_accepted"],
            n["disputes"] - n["concluded"] - n["not_accepted"],
        ]

    return ChartData(
        x_labels=[
            _("达成调解协议"),
            _("调解不成转仲裁"),
            _("调解不成转诉讼"),
            _("调解不成未转"),
            _("不予受理"),
            _("尚在办理"),
        ],
        series=[(_("%(y)d年") % {"y": y}, bars(y)) for y in (year, year - 1)],
        unit=_("件"),
    )


CHARTS = [
    Chart(
        "legal.disputes_by_outcome",
        gettext_lazy("劳动争议按结果"),
        order=70,
        kind="bar",
        data=disputes_by_outcome,
        kpi="disputes",
    ),
]
