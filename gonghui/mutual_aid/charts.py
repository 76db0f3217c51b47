"""The mutual-aid chart of the dashboard and the annual report, from the roll-up (one query)."""

from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gonghui.core.registry import Chart, ChartData
from gonghui.mutual_aid.models import AidMonth
from gonghui.mutual_aid.rules import CENT


def paid_by_month(root, year: int) -> ChartData:
    """The amount paid from the ledger in each month of the year (by the day it was paid)."""
    paid = dict(
        AidMonth.objects.filter(
            organisation=root, month__range=(date(year, 1, 1), date(year, 12, 1))
        ).values_list("month__month", "paid_amount")
    )
    return ChartData(
        x_labels=[_("%(m)d月") % {"m": m} for m in range(1, 13)],
        series=[(_("互助金支付金额"), [Decimal(paid.get(m, 0)).quantize(CENT) for m in range(1, 13)])],
        unit=_("元"),
    )


CHARTS = [
    Chart(
        "mutual_aid.paid_by_month",
        gettext_lazy("互助金按月支付"),
        order=60,
        kind="bar",
        data=paid_by_month,
        kpi="mutual_aid_claims_paid",
    ),
]
