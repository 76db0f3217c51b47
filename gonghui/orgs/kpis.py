"""The KPIs of the organisation tree: unions, and the coverage of the campaign's target enterprises.

"In the subtree" means: an organisation whose materialised path starts with the root's (the root
itself included).
"""

from datetime import date

from django.db.models import Count, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gonghui.core.figures import Figures, both_years, rate, split, year_bounds
from gonghui.core.registry import Kpi, KpiGroup
from gonghui.orgs.models import Enterprise, Organisation


def standing_at(prefix: str, end: date) -> Q:
    """An organisation established by `end` and not dissolved by then."""
    return Q(**{f"{prefix}established_on__lte": end}) & (
        Q(**{f"{prefix}dissolved_on__isnull": True}) | Q(**{f"{prefix}dissolved_on__gt": end})
    )


def unions(root: Organisation, year: int) -> Figures:
    """unions_total, unions_new — one query."""
    aggregates = {
        "unions_total": lambda y: Count("pk", filter=standing_at("", year_bounds(y)[1])),
        "unions_new": lambda y: Count("pk", filter=Q(established_on__range=year_bounds(y))),
    }
    row = Organisation.objects.subtree(root).grassroots().aggregate(**both_years(aggregates, year))
    return split(row, aggregates)


def coverage(root: Organisation, year: int) -> Figures:
    """target_enterprises, target_enterprises_covered, coverage_rate — one query."""
    in_category = (
        Q(is_key=True) | Q(headcount__gte=Enterprise.LARGE_HEADCOUNT) | Q(is_new_employment_form=True)
    )

    def existing(y):
        return Q(founded_on__isnull=True) | Q(founded_on__lte=year_bounds(y)[1])

    aggregates = {
        "target_enterprises": lambda y: Count("pk", filter=existing(y)),
        "target_enterprises_covered": lambda y: Count(
            "pk", filter=existing(y) & standing_at("union__", year_bounds(y)[1])
        ),
    }
    in_subtree = Q(federation__path__startswith=root.path) | Q(union__path__startswith=root.path)
    row = Enterprise.objects.filter(in_subtree & in_category).aggregate(**both_years(aggregates, year))
    figures = split(row, aggregates)
    figures["coverage_rate"] = {
        when: rate(figures["target_enterprises_covered"][when], figures["target_enterprises"][when])
        for when in ("value", "previous")
    }
    return figures


def coverage_sentences(root: Organisation, figures: Figures) -> list[str]:
    if figures["coverage_rate"]["value"] is None:
        return []
    return [
        _(
            "建会入会集中行动覆盖重点企业、百人以上企业和新就业形态企业%(targets)d家，已建会%(covered)d家，覆盖率%(rate)s%%。"
        )
        % {
            "targets": figures["target_enterprises"]["value"],
            "covered": figures["target_enterprises_covered"]["value"],
            "rate": figures["coverage_rate"]["value"],
        }
    ]


GROUPS = [
    KpiGroup(
        "orgs.unions",
        order=10,
        compute=unions,
        kpis=(
            Kpi(
                "unions_total",
                gettext_lazy("基层工会总数"),
                gettext_lazy("家"),
                gettext_lazy(
                    "子树内的基层工会（企业工会、联合工会），成立日期不晚于12月31日，且到年底未撤销。"
                ),
            ),
            Kpi(
                "unions_new",
                gettext_lazy("新建工会"),
                gettext_lazy("家"),
                gettext_lazy("子树内成立日期在当年的基层工会（当年成立后又撤销的也计入）。"),
            ),
        ),
    ),
    KpiGroup(
        "orgs.coverage",
        order=30,
        compute=coverage,
        sentences=coverage_sentences,
        kpis=(
            Kpi(
                "target_enterprises",
                gettext_lazy("建会目标企业"),
                gettext_lazy("家"),
                gettext_lazy(
                    "属地或所属工会在子树内、年底前已成立的重点企业、百人以上企业（职工人数按当前登记）"
                    "和新就业形态企业。"
                ),
            ),
            Kpi(
                "target_enterprises_covered",
                gettext_lazy("已建会目标企业"),
                gettext_lazy("家"),
                gettext_lazy("目标企业中，所属工会成立日期不晚于12月31日且到年底未撤销的。"),
            ),
            Kpi(
                "coverage_rate",
                gettext_lazy("建会覆盖率"),
                "%",
                gettext_lazy("已建会目标企业 ÷ 建会目标企业 × 100，保留一位小数；没有目标企业时为空。"),
            ),
        ),
    ),
]
