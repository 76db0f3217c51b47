"""The KPIs of medical mutual aid, and the report's sentence about them."""

from datetime import date

from django.db.models import Q, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gonghui.core.figures import Figures, year_bounds
from gonghui.core.registry import Kpi, KpiGroup, Rows
from gonghui.core.rollups import Total
from gonghui.mutual_aid.models import AidMonth, AidPayDays, Claim, LedgerEntry
from gonghui.mutual_aid.rules import CENT
from gonghui.orgs.models import Organisation


def _during(y: int) -> Q:
    return Q(month__range=(date(y, 1, 1), date(y, 12, 1)))


def payments(totals: Figures) -> Figures:
    """mutual_aid_claims_paid, and mutual_aid_paid_amount as a decimal string, from root's roll-up rows."""
    amount = totals["mutual_aid_paid_amount"]
    return {**totals, "mutual_aid_paid_amount": {when: str(amount[when].quantize(CENT)) for when in amount}}


def median_of(counts: list[tuple[int, int]]) -> int | float | None:
    """The median of the values counted (value, how many), as statistics.median gives it."""
    counts = sorted((value, n) for value, n in counts if n)
    total = sum(n for _value, n in counts)
    if not total:
        return None
    wanted, found, seen = {(total - 1) // 2, total // 2}, {}, 0
    for value, n in counts:
        for position in wanted:
            if seen <= position < seen + n:
                found[position] = value
        seen += n
    low, high = found[(total - 1) // 2], found[total // 2]
    return low if total % 2 else (low + high) / 2


def days_to_pay(root: Organisation, year: int) -> Figures:
    """mutual_aid_days_to_pay — one query: root's payments of the two years counted by days waited
    (mutual_aid.rollups), of which the median is exact."""
    rows = (
        AidPayDays.objects.filter(organisation=root, month__range=(date(year - 1, 1, 1), date(year, 12, 1)))
        .values("days")
        .annotate(
            value=Coalesce(Sum("payments", filter=_during(year)), 0),
            previous=Coalesce(Sum("payments", filter=_during(year - 1)), 0),
        )
        .order_by()
    )
    counts = {"value": [], "previous": []}
    for row in rows:
        for when in counts:
            counts[when].append((row["days"], row[when]))
    return {"mutual_aid_days_to_pay": {when: median_of(counts[when]) for when in counts}}


def claim_rows(root: Organisation, year: int, user) -> Rows:
    """The claims filed in the year."""
    filed = (
        Claim.objects.visible_to(user)
        .filter(union__path__startswith=root.path, filed_on__range=year_bounds(year))
        .select_related("union", "plan", "person")
        .order_by("filed_on", "pk")
    )
    return Rows(
        columns=(
            _("申请编号"),
            _("申请日期"),
            _("工会"),
            _("计划"),
            _("姓名"),
            _("状态"),
            _("核定金额（元）"),
        ),
        queryset=filed,
        cells=lambda c: (
            c.number,
            c.filed_on,
            c.union.name,
            c.plan.name,
            c.person.name,
            c.get_status_display(),
            c.amount,
        ),
    )


def payment_rows(root: Organisation, year: int, user) -> Rows:
    """The payments of the ledger made in the year."""
    paid = (
        LedgerEntry.objects.visible_to(user)
        .filter(union__path__startswith=root.path, paid_on__range=year_bounds(year))
        .select_related("claim", "union", "plan", "person")
        .order_by("paid_on", "pk")
    )
    return Rows(
        columns=(
            _("支付日期"),
            _("申请编号"),
            _("申请日期"),
            _("工会"),
            _("计划"),
            _("收款人"),
            _("金额（元）"),
        ),
        queryset=paid,
        cells=lambda e: (
            e.paid_on,
            e.claim.number,
            e.claim.filed_on,
            e.union.name,
            e.plan.name,
            e.person.name,
            e.amount,
        ),
    )


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
        totals={"mutual_aid_enrolments": Total(AidMonth, ("enrolments",))},  # mutual_aid.rollups
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
        totals={"mutual_aid_claims": Total(AidMonth, ("claims",))},
        kpis=(
            Kpi(
                "mutual_aid_claims",
                gettext_lazy("医疗互助申请"),
                gettext_lazy("件"),
                gettext_lazy("子树内工会申请日期在当年的互助申请，不论后来是否给付。"),
                rows=claim_rows,
            ),
        ),
    ),
    KpiGroup(
        "mutual_aid.payments",
        order=62,
        totals={
            "mutual_aid_claims_paid": Total(AidMonth, ("paid",)),
            "mutual_aid_paid_amount": Total(AidMonth, ("paid_amount",)),
        },
        derive=payments,
        sentences=sentences,
        kpis=(
            Kpi(
                "mutual_aid_claims_paid",
                gettext_lazy("医疗互助给付"),
                gettext_lazy("件"),
                gettext_lazy("给付台账中支付日期在当年的给付笔数（每件申请只付一次）。"),
                rows=payment_rows,
            ),
            Kpi(
                "mutual_aid_paid_amount",
                gettext_lazy("医疗互助给付金额"),
                gettext_lazy("元"),
                gettext_lazy(
                    "给付台账中支付日期在当年的金额合计，精确到分（按支付日期计：12月住院、次年1月支付的计入次年）。"
                ),
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
