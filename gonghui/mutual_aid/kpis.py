"""The KPIs of medical mutual aid, and the report's sentence about them."""

from decimal import Decimal
from statistics import median

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gonghui.core.figures import Figures, both_years, split, year_bounds
from gonghui.core.registry import Kpi, KpiGroup
from gonghui.mutual_aid.models import Claim, Enrolment, LedgerEntry
from gonghui.mutual_aid.rules import CENT
from gonghui.orgs.models import Organisation


def enrolments(root: Organisation, year: int) -> Figures:
    """mutual_aid_enrolments — one query."""
    aggregates = {
        "mutual_aid_enrolments": lambda y: Count(
            "pk", filter=Q(covered_from__lte=year_bounds(y)[1], covered_until__gte=year_bounds(y)[0])
        ),
    }
    row = Enrolment.objects.filter(union__path__startswith=root.path).aggregate(
        **both_years(aggregates, year)
    )
    return split(row, aggregates)


def claims(root: Organisation, year: int) -> Figures:
    """mutual_aid_claims — one query."""
    aggregates = {"mutual_aid_claims": lambda y: Count("pk", filter=Q(filed_on__range=year_bounds(y)))}
    row = Claim.objects.filter(union__path__startswith=root.path).aggregate(**both_years(aggregates, year))
    return split(row, aggregates)


def payments(root: Organisation, year: int) -> Figures:
    """mutual_aid_claims_paid, mutual_aid_paid_amount — one query."""
    aggregates = {
        "mutual_aid_claims_paid": lambda y: Count("pk", filter=Q(paid_on__range=year_bounds(y))),
        "mutual_aid_paid_amount": lambda y: Sum("amount", filter=Q(paid_on__range=year_bounds(y))),
    }
    row = LedgerEntry.objects.filter(union__path__startswith=root.path).aggregate(
        **both_years(aggregates, year)
    )
    for key in ("mutual_aid_paid_amount", "mutual_aid_paid_amount__previous"):
        row[key] = str((row[key] or Decimal(0)).quantize(CENT))  # SQLite's SUM loses the scale
    return split(row, aggregates)


def days_to_pay(root: Organisation, year: int) -> Figures:
    """mutual_aid_days_to_pay — one query: each payment's dates for the two years (a median is not an
    aggregate both databases have)."""
    days = {year: [], year - 1: []}
    for paid_on, filed_on in LedgerEntry.objects.filter(
        union__path__startswith=root.path, paid_on__range=(year_bounds(year - 1)[0], year_bounds(year)[1])
    ).values_list("paid_on", "claim__filed_on"):
        days[paid_on.year].append((paid_on - filed_on).days)
    return {
        "mutual_aid_days_to_pay": {
            "value": median(days[year]) if days[year] else None,
            "previous": median(days[year - 1]) if days[year - 1] else None,
        }
    }


def sentences(root: Organisation, figures: Figures) -> list[str]:
    return [
        _(
            "职工医疗互助保障参保%(enrolments)d人次，受理互助申请%(claims)d件，给付%(paid)d件、金额%(amount)s元。"
        )
        % {
            "enrolments": figures["mutual_aid_enrolments"]["value"],
            "claims": figures["mutual_aid_claims"]["value"],
            "paid": figures["mutual_aid_claims_paid"]["value"],
            "amount": figures["mutual_aid_paid_amount"]["value"],
        }
    ]


GROUPS = [
    KpiGroup(
        "mutual_aid.enrolments",
        order=60,
        compute=enrolments,
        kpis=(
            Kpi(
                "mutual_aid_enrolments",
                gettext_lazy("医疗互助参保人次"),
                gettext_lazy("人次"),
                gettext_lazy(
                    "子树内工会为职工办理、保障期与当年有重叠的参保记录数（一人参加两种计划计两人次；三年期计划每年各计一次）。"
                ),
            ),
        ),
    ),
    KpiGroup(
        "mutual_aid.claims",
        order=61,
        compute=claims,
        kpis=(
            Kpi(
                "mutual_aid_claims",
                gettext_lazy("医疗互助申请"),
                gettext_lazy("件"),
                gettext_lazy("子树内工会申请日期在当年的互助申请，不论后来是否给付。"),
            ),
        ),
    ),
    KpiGroup(
        "mutual_aid.payments",
        order=62,
        compute=payments,
        sentences=sentences,
        kpis=(
            Kpi(
                "mutual_aid_claims_paid",
                gettext_lazy("医疗互助给付"),
                gettext_lazy("件"),
                gettext_lazy("给付台账中支付日期在当年的给付笔数（每件申请只付一次）。"),
            ),
            Kpi(
                "mutual_aid_paid_amount",
                gettext_lazy("医疗互助给付金额"),
                gettext_lazy("元"),
                gettext_lazy("给付台账中支付日期在当年的金额合计，精确到分。"),
            ),
        ),
    ),
    KpiGroup(
        "mutual_aid.days_to_pay",
        order=63,
        compute=days_to_pay,
        kpis=(
            Kpi(
                "mutual_aid_days_to_pay",
                gettext_lazy("申请到支付天数（中位数）"),
                gettext_lazy("天"),
                gettext_lazy("当年支付的申请，从申请日期到支付日期的自然日数的中位数；当年无支付时为空。"),
            ),
        ),
    ),
]
