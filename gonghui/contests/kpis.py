"""The KPIs of skill competitions, and the report's sentence about them."""

from django.db.models import Count, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gonghui.contests.models import Contest, Registration, Result
from gonghui.core.figures import Figures, split
from gonghui.core.registry import Kpi, KpiGroup
from gonghui.orgs.models import Organisation


def _for_years(model_qs, year_lookup: str, key: str, year: int) -> dict:
    return model_qs.aggregate(
        **{
            key: Count("pk", distinct=True, filter=Q(**{year_lookup: year})),
            f"{key}__previous": Count("pk", distinct=True, filter=Q(**{year_lookup: year - 1})),
        }
    )


def contests(root: Organisation, year: int) -> Figures:
    """contests, contest_participants, contest_awards — three queries."""
    row = _for_years(Contest.objects.filter(organisers__path__startswith=root.path), "year", "contests", year)
    row |= _for_years(
        Registration.objects.filter(union__path__startswith=root.path),
        "event__contest__year",
        "contest_participants",
        year,
    )
    row |= _for_years(
        Result.objects.filter(registration__union__path__startswith=root.path).exclude(award=""),
        "event__contest__year",
        "contest_awards",
        year,
    )
    return split(row, ("contests", "contest_participants", "contest_awards"))


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
        "contests",
        order=60,
        compute=contests,
        sentences=sentences,
        kpis=(
            Kpi(
                "contests",
                gettext_lazy("劳动和技能竞赛"),
                gettext_lazy("项"),
                gettext_lazy("当年举办、主办单位中有子树内组织的竞赛（一项竞赛含多个比赛项目，计一项）。"),
            ),
            Kpi(
                "contest_participants",
                gettext_lazy("竞赛参赛人次"),
                gettext_lazy("人次"),
                gettext_lazy(
                    "当年竞赛中，报名时会员关系在子树内工会的选手人次（一人参加两个项目计两人次）。"
                ),
            ),
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
