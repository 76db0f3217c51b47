"""The KPIs of the legal service, and the report's sentence about them. A case counts in the year
it was received (a consultation asked, an aid application made, a mediation application received)
by an organisation of the subtree."""

from datetime import date

from django.db.models import Count, F, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gonghui.core.figures import Figures, both_years, rate, split, year_bounds
from gonghui.core.registry import Kpi, KpiGroup
from gonghui.legal.models import AidCase, Clock, Consultation, Dispute, Lawyer
from gonghui.orgs.models import Organisation


def _received(y: int, **condition) -> Count:
    return Count("pk", filter=Q(received_on__range=year_bounds(y), **condition))


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


def consultations(root: Organisation, year: int) -> Figures:
    """legal_consultations — one query."""
    aggregates = {"legal_consultations": lambda y: Count("pk", filter=Q(asked_on__range=year_bounds(y)))}
    row = Consultation.objects.filter(org__path__startswith=root.path).aggregate(
        **both_years(aggregates, year)
    )
    return split(row, aggregates)


def aid_cases(root: Organisation, year: int) -> Figures:
    """legal_aid_cases — one query."""
    aggregates = {"legal_aid_cases": lambda y: Count("pk", filter=Q(applied_on__range=year_bounds(y)))}
    row = AidCase.objects.filter(org__path__startswith=root.path).aggregate(**both_years(aggregates, year))
    return split(row, aggregates)


def disputes(root: Organisation, year: int) -> Figures:
    """disputes, mediation_success_rate, disputes_to_arbitration — one query."""
    counts = {
        "disputes": lambda y: _received(y),
        "concluded": lambda y: Count("pk", filter=Q(received_on__range=year_bounds(y)) & ~Q(outcome="")),
        "succeeded": lambda y: _received(y, outcome=Dispute.Outcome.AGREEMENT),
        "disputes_to_arbitration": lambda y: _received(y, referred_to=Dispute.Referral.ARBITRATION),
    }
    row = Dispute.objects.filter(org__path__startswith=root.path).aggregate(**both_years(counts, year))
    figures = split(row, ("disputes", "disputes_to_arbitration"))
    figures["mediation_success_rate"] = {
        when: rate(row["succeeded" + suffix], row["concluded" + suffix])
        for when, suffix in (("value", ""), ("previous", "__previous"))
    }
    return figures


def mediations_within_limit(root: Organisation, year: int) -> Figures:
    """mediations_within_limit — one query, over the mediation clocks of the disputes with an outcome."""
    aggregates = {
        "ended": lambda y: Count("pk", filter=Q(dispute__received_on__range=year_bounds(y))),
        "in_time": lambda y: Count(
            "pk", filter=Q(dispute__received_on__range=year_bounds(y), stopped_on__lte=F("due_on"))
        ),
    }
    row = (
        Clock.objects.filter(
            limit=Clock.Limit.MEDIATION, dispute__org__path__startswith=root.path, stopped_on__isnull=False
        )
        .exclude(dispute__outcome="")
        .aggregate(**both_years(aggregates, year))
    )
    return {
        "mediations_within_limit": {
            when: rate(row["in_time" + suffix], row["ended" + suffix])
            for when, suffix in (("value", ""), ("previous", "__previous"))
        }
    }


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
        compute=consultations,
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
        compute=aid_cases,
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
        compute=disputes,
        sentences=sentences,
        kpis=(
            Kpi(
                "disputes",
                gettext_lazy("劳动争议调解案件"),
                gettext_lazy("件"),
                gettext_lazy(
                    "子树内调解组织收到申请（或法院委托）日期在当年的劳动争议调解案件，含不予受理的。"
                ),
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
        compute=mediations_within_limit,
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
