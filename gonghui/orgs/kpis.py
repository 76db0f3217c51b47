"""The KPIs of the organisation tree: unions, and the coverage of the campaign's target enterprises.

"In the subtree" means: an organisation whose materialised path starts with the root's (the root
itself included).
"""

from datetime import date

from django.db.models import BooleanField, ExpressionWrapper, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gonghui.core.figures import Figures, format_rate, rate, year_bounds
from gonghui.core.registry import Kpi, KpiGroup, Rows
from gonghui.core.rollups import Total
from gonghui.orgs.models import Enterprise, EnterpriseMonth, Organisation, UnionMonth


def standing_at(prefix: str, end: date) -> Q:
    """An organisation established by `end` and not dissolved by then."""
    return Q(**{f"{prefix}established_on__lte": end}) & (
        Q(**{f"{prefix}dissolved_on__isnull": True}) | Q(**{f"{prefix}dissolved_on__gt": end})
    )


CATEGORIES = {  # the campaign's categories of target enterprise, by the prefix of their roll-up fields
    "key": (gettext_lazy("重点企业"), Q(is_key=True)),
    "large": (gettext_lazy("百人以上企业"), Q(headcount__gte=Enterprise.LARGE_HEADCOUNT)),
    "new_form": (gettext_lazy("新就业形态企业"), Q(is_new_employment_form=True)),
}
IN_CATEGORY = Q(is_key=True) | Q(headcount__gte=Enterprise.LARGE_HEADCOUNT) | Q(is_new_employment_form=True)


def existing(y: int) -> Q:
    return Q(founded_on__isnull=True) | Q(founded_on__lte=year_bounds(y)[1])


def in_subtree(root: Organisation) -> Q:
    return Q(federation__path__startswith=root.path) | Q(union__path__startswith=root.path)


def coverage(totals: Figures) -> Figures:
    """target_enterprises and target_enterprises_covered (root's own roll-up rows, orgs.rollups),
    and coverage_rate."""
    figures = dict(totals)
    figures["coverage_rate"] = {
        when: rate(figures["target_enterprises_covered"][when], figures["target_enterprises"][when])
        for when in ("value", "previous")
    }
    return figures


def _union_rows(unions) -> Rows:
    return Rows(
        columns=(_("组织代码"), _("名称"), _("类型"), _("成立日期"), _("撤销日期")),
        queryset=unions.order_by("path"),
        cells=lambda u: (u.code, u.name, u.get_kind_display(), u.established_on, u.dissolved_on),
    )


def unions_total_rows(root: Organisation, year: int, user) -> Rows:
    unions = Organisation.objects.visible_to(user).subtree(root).grassroots()
    return _union_rows(unions.filter(standing_at("", year_bounds(year)[1])))


def unions_new_rows(root: Organisation, year: int, user) -> Rows:
    unions = Organisation.objects.visible_to(user).subtree(root).grassroots()
    return _union_rows(unions.filter(established_on__range=year_bounds(year)))


def _target_rows(root: Organisation, year: int, user, *, covered_only: bool) -> Rows:
    covered = standing_at("union__", year_bounds(year)[1])
    enterprises = (
        Enterprise.objects.visible_to(user)
        .filter(in_subtree(root) & IN_CATEGORY & existing(year))
        .annotate(covered=ExpressionWrapper(covered, output_field=BooleanField()))
        .select_related("union")
        .order_by("name", "pk")
    )
    if covered_only:
        enterprises = enterprises.filter(covered)
    return Rows(
        columns=(
            _("企业名称"),
            _("统一社会信用代码"),
            _("类别"),
            _("职工人数"),
            _("基层工会"),
            _("年底已建会"),
        ),
        queryset=enterprises,
        cells=lambda e: (
            e.name,
            e.credit_code,
            "、".join(str(c) for c in e.categories()),
            e.headcount,
            e.union.name if e.union else "",
            _("是") if e.covered else _("否"),
        ),
    )


def target_rows(root: Organisation, year: int, user) -> Rows:
    return _target_rows(root, year, user, covered_only=False)


def covered_rows(root: Organisation, year: int, user) -> Rows:
    return _target_rows(root, year, user, covered_only=True)


def coverage_sentences(root: Organisation, figures: Figures) -> list[str]:
    if figures["coverage_rate"]["value"] is None:
        return []
    return [
        _(
            "建会入会集中行动覆盖重点企业、百人以上企业和新就业形态企业%(targets)d家，已建会%(covered)d家，覆盖率%(rate)s。"
        )
        % {
            "targets": figures["target_enterprises"]["value"],
            "covered": figures["target_enterprises_covered"]["value"],
            "rate": format_rate(figures["coverage_rate"]["value"]),
        }
    ]


GROUPS = [
    KpiGroup(
        "orgs.unions",
        order=10,
        totals={  # root's own roll-up rows (orgs.rollups)
            "unions_total": Total(UnionMonth, ("established", "-dissolved"), through=True),
            "unions_new": Total(UnionMonth, ("established",)),
        },
        kpis=(
            Kpi(
                "unions_total",
                gettext_lazy("基层工会总数"),
                gettext_lazy("家"),
                gettext_lazy(
                    "本组织及其下属的基层工会（企业工会、联合工会）中，12月31日前已成立且到年底未撤销的。"
                ),
                rows=unions_total_rows,
            ),
            Kpi(
                "unions_new",
                gettext_lazy("新建工会"),
                gettext_lazy("家"),
                gettext_lazy("本组织及其下属的基层工会中，成立日期在当年的（当年成立后又撤销的也计入）。"),
                rows=unions_new_rows,
            ),
        ),
    ),
    KpiGroup(
        "orgs.coverage",
        order=30,
        totals={  # root's own roll-up rows (orgs.rollups); the undated enterprises are targets every year
            "target_enterprises": Total(EnterpriseMonth, ("targets",), through=True, undated=True),
            "target_enterprises_covered": Total(
                EnterpriseMonth, ("covered_started", "-covered_ended"), through=True
            ),
        },
        derive=coverage,
        sentences=coverage_sentences,
        kpis=(
            Kpi(
                "target_enterprises",
                gettext_lazy("建会目标企业"),
                gettext_lazy("家"),
                gettext_lazy(
                    "属地为本组织或所属工会在本组织之下、年底前已成立的重点企业、百人以上企业"
                    "（职工人数按当前登记）和新就业形态企业。"
                ),
                rows=target_rows,
            ),
            Kpi(
                "target_enterprises_covered",
                gettext_lazy("已建会目标企业"),
                gettext_lazy("家"),
                gettext_lazy("目标企业中，所属工会成立日期不晚于12月31日且到年底未撤销的。"),
                rows=covered_rows,
            ),
            Kpi(
                "coverage_rate",
                gettext_lazy("建会覆盖率"),
                "%",
                gettext_lazy("已建会目标企业 ÷ 建会目标企业 × 100，保留一位小数；没有目标企业时为空。"),
                rows=target_rows,
            ),
        ),
    ),
]
