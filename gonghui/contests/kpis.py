"""The KPIs of skill competitions, and the report's sentence about them. Competitors and awards read
the roll-up (contests.rollups); the contests themselves, a few hundred a year, are counted directly."""

from django.db.models import Count, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gonghui.contests.models import Contest, ContestMonth
from gonghui.core.figures import Figures, both_years, split
from gonghui.core.registry import Kpi, KpiGroup
from gonghui.core.rollups import Total
from gonghui.orgs.models import Organisation


def _count_by_year(queryset, year_lookup: str, key: str, year: int) -> Figures:
    """The rows of the year and of the year before, counted in one aggregate query."""
    aggregates = {key: lambda y: Count("pk", distinct=True, filter=Q(**{year_lookup: y}))}
    return split(queryset.aggregate(**both_years(aggregates, year)), aggregates)


def contests(root: Organisation, year: int) -> Figures:
    """contests — one query."""
    return _count_by_year(
        Contest.objects.filter(organisers__path__startswith=root.path), "year", "contests", year
    )


def sentences(root: Organisation, figures: Figures) -> list[str]:
    return [
        _("全年举办劳动和技能竞赛%(contests)d项，职工参赛%(participants)d人次，获奖%(awards)d人次。")
        % {
            "contests": figures["contests"]["value"],
            "participants": figures["contest_participants"]["value"],
            "awards": figures["contest_awards"]["value"],
        }
    ]


GROUPS = [
    KpiGroup(
        "contests.held",
        order=60,
        compute=contests,
        kpis=(
            Kpi(
                "contests",
                gettext_lazy("劳动和技能竞赛"),
                gettext_lazy("项"),
                gettext_lazy("当年举办、主办单位中有子树内组织的竞赛（一项竞赛含多个比赛项目，计一项）。"),
            ),
        ),
    ),
    KpiGroup(
        "contests.participants",
        order=61,
        totals={"contest_participants": Total(ContestMonth, ("participants",))},  # contests.rollups
        kpis=(
            Kpi(
                "contest_participants",
                gettext_lazy("竞赛参赛人次"),
                gettext_lazy("人次"),
                gettext_lazy(
                    "当年竞赛中，报名时会员关系在子树内工会的选手人次（一人参加两个项目计两人次）。"
                ),
            ),
        ),
    ),
    KpiGroup(
        "contests.awards",
        order=62,
        totals={"contest_awards": Total(ContestMonth, ("awards",))},
        sentences=sentences,
        kpis=(
            Kpi(
                "contest_awards",
                gettext_lazy("竞赛获奖人次"),
                gettext_lazy("人次"),
                gettext_lazy(
                    "上述选手中，在成绩经裁判长和监督签字锁定的项目里获一、二、三等奖或优胜奖的人次。"
                ),
            ),
        ),
    ),
]
