"""The KPIs of the legal service, and the report's sentence about them. A case counts in the year
it was received (a consultation asked, an aid application made, a mediation application received)
by an organisation of the subtree."""

from datetime import date

from django.db.models import Count, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gonghui.core.figures import Figures, both_years, rate, split, year_bounds
from gonghui.core.registry import Kpi, KpiGroup, Rows
from gonghui.core.rollups import Total
from gonghui.legal.models import Dispute, Lawyer, LegalMonth
from gonghui.orgs.models import Organisation


def lawyers(root: Organisation, year: int) -> Figures:
    """lawyers — one query."""
    aggregates = {
        "lawyers": lambda y: Count(
            "pk", filter=Q(term_start__lte=date(y, 12, 31), term_end__gte=date(y, 1, 1))
        )
    }
    row = Lawyer.objects.filter(engaged_by__path__startswith=root.path).aggregate(
        **both_years(aggregates, year)
    )
    return split(row, aggregates)


def _rate(part: dict, whole: dict) -> dict:
    return {when: rate(part[when], whole[when]) for when in ("value", "previous")}


def disputes(totals: Figures) -> Figures:
    """disputes, disputes_to_arbitration and mediation_success_rate from root's roll-up rows."""
    return {
        "disputes": totals["disputes"],
        "disputes_to_arbitration": totals["disputes_to_arbitration"],
        "mediation_success_rate": _rate(totals["succeeded"], totals["with_outcome"]),
    }


def mediations_within_limit(totals: Figures) -> Figures:
    """mediations_within_limit from root's roll-up rows (the mediation clocks of the disputes with an
    outcome)."""
    return {"mediations_within_limit": _rate(totals["in_time"], totals["ended"])}


def dispute_rows(root: Organisation, year: int, user) -> Rows:
    """The mediation cases received in the year, with what became of them."""
    received = (
        Dispute.objects.visible_to(user)
        .filter(org__path__startswith=root.path, received_on__range=year_bounds(year))
        .select_related("org")
        .order_by("received_on", "pk")
    )
    return Rows(
        columns=(
            _("案件编号"),
            _("收到申请日期"),
            _("受理单位"),
            _("用人单位"),
            _("事项"),
            _("状态"),
            _("调解结果"),
            _("调解不成后去向"),
        ),
        queryset=received,
        cells=lambda d: (
            d.number,
            d.received_on,
            d.org.name,
            d.employer_name,
            d.get_topic_display(),
            d.get_state_display(),
            d.get_outcome_display(),
            d.get_referred_to_display(),
        ),
    )


def sentences(root: Organisation, figures: Figures) -> list[str]:
    success = figures["mediation_success_rate"]["value"]
    return [
        _(
            "律师团队%(lawyers)d人，全年提供法律咨询%(consultations)d人次，受理法律援助申请%(aid)d件、"
            "劳动争议调解案件%(disputes)d件，调解成功率%(rate)s。"
        )
        % {
            "lawyers": figures["lawyers"]["value"],
            "consultations": figures["legal_consultations"]["value"],
            "aid": figures["legal_aid_cases"]["value"],
            "disputes": figures["disputes"]["value"],
            "rate": "—" if success is None else f"{success}%",
        }
    ]


GROUPS = [
    KpiGroup(
        "legal.lawyers",
        order=80,
        compute=lawyers,
        kpis=(
            Kpi(
                "lawyers",
                gettext_lazy("律师团队"),
                gettext_lazy("人"),
                gettext_lazy("子树内工会或总工会聘请、聘期与当年有重叠的律师。"),
            ),
        ),
    ),
    KpiGroup(
        "legal.consultations",
        order=81,
        totals={"legal_consultations": Total(LegalMonth, ("consultations",))},  # legal.rollups
        kpis=(
            Kpi(
                "legal_consultations",
                gettext_lazy("法律咨询"),
                gettext_lazy("人次"),
                gettext_lazy("子树内受理、咨询日期在当年的法律咨询（含职工网上申请的）。"),
            ),
        ),
    ),
    KpiGroup(
        "legal.aid",
        order=82,
        totals={"legal_aid_cases": Total(LegalMonth, ("aid_cases",))},
        kpis=(
            Kpi(
                "legal_aid_cases",
                gettext_lazy("法律援助申请"),
                gettext_lazy("件"),
                gettext_lazy("子树内受理、申请日期在当年的法律援助申请，无论是否准予援助。"),
            ),
        ),
    ),
    KpiGroup(
        "legal.disputes",
        order=83,
        totals={
            "disputes": Total(LegalMonth, ("disputes",)),
            "disputes_to_arbitration": Total(LegalMonth, ("arbitration",)),
            "with_outcome": Total(LegalMonth, ("concluded",)),
            "succeeded": Total(LegalMonth, ("agreement",)),
        },
        derive=disputes,
        sentences=sentences,
        kpis=(
            Kpi(
                "disputes",
                gettext_lazy("劳动争议调解案件"),
                gettext_lazy("件"),
                gettext_lazy(
                    "子树内调解组织收到申请（或法院委托）日期在当年的劳动争议调解案件，含不予受理的。"
                ),
                rows=dispute_rows,
            ),
            Kpi(
                "mediation_success_rate",
                gettext_lazy("调解成功率"),
                "%",
                gettext_lazy("当年收到的调解案件中，已有调解结果的案件里达成调解协议的比例。"),
            ),
            Kpi(
                "disputes_to_arbitration",
                gettext_lazy("调解不成转仲裁"),
                gettext_lazy("件"),
                gettext_lazy("当年收到的调解案件中，调解不成后转劳动争议仲裁的件数。"),
            ),
        ),
    ),
    KpiGroup(
        "legal.within_limit",
        order=84,
        totals={
            "ended": Total(LegalMonth, ("mediations_ended",)),
            "in_time": Total(LegalMonth, ("mediations_in_time",)),
        },
        derive=mediations_within_limit,
        kpis=(
            Kpi(
                "mediations_within_limit",
                gettext_lazy("法定期限内结束的调解"),
                "%",
                gettext_lazy(
                    "当年收到的调解案件中，已有调解结果的案件里在法定期限内（收到申请起15日，"
                    "经双方同意延长的含延长期）结束调解的比例。"
                ),
            ),
        ),
    ),
]
