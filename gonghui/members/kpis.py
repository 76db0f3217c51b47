"""The KPIs of membership, and the report's first sentence (unions and members together)."""

from django.db.models import Count, Exists, OuterRef, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gonghui.core.figures import Figures, about, both_years, split, year_bounds
from gonghui.core.registry import Kpi, KpiGroup
from gonghui.members.models import Membership, active_on
from gonghui.orgs.models import Organisation


def members(root: Organisation, year: int) -> Figures:
    """members_total, members_new — one query (the inside-transfer test is a correlated subquery)."""
    transferred_inside = Exists(
        Membership.objects.filter(
            person_id=OuterRef("person_id"),
            ended_on=OuterRef("started_on"),
            end_reason=Membership.EndReason.TRANSFERRED_OUT,
            union__path__startswith=root.path,
        )
    )
    aggregates = {
        "members_total": lambda y: Count("person_id", distinct=True, filter=active_on(year_bounds(y)[1])),
        "members_new": lambda y: Count(
            "person_id",
            distinct=True,
            filter=Q(started_on__range=year_bounds(y))
            & (Q(start_reason=Membership.StartReason.JOINED) | ~transferred_inside),
        ),
    }
    row = Membership.objects.filter(union__path__startswith=root.path).aggregate(
        **both_years(aggregates, year)
    )
    return split(row, aggregates)


def sentences(root: Organisation, figures: Figures) -> list[str]:
    """E.g. 全区共有企业工会195家，较去年新增16家，新增工会会员1800余人；年末在册会员30000人。"""
    where = _("全区") if root.kind == Organisation.Kind.ZONE_FEDERATION else root.name
    return [
        _(
            "%(where)s共有企业工会%(total)d家，较去年新增%(new)d家，新增工会会员%(members)s人；"
            "年末在册会员%(active)d人。"
        )
        % {
            "where": where,
            "total": figures["unions_total"]["value"],
            "new": figures["unions_new"]["value"],
            "members": about(figures["members_new"]["value"]),
            "active": figures["members_total"]["value"],
        }
    ]


GROUP = KpiGroup(
    "members",
    order=20,
    compute=members,
    sentences=sentences,
    kpis=(
        Kpi(
            "members_total",
            gettext_lazy("在册会员"),
            gettext_lazy("人"),
            gettext_lazy("年底时在子树内基层工会有有效会员关系的人数（按人计，不重复）。"),
        ),
        Kpi(
            "members_new",
            gettext_lazy("新增会员"),
            gettext_lazy("人"),
            gettext_lazy(
                "当年在子树内开始会员关系的人数（按人计）：入会计入，从子树外转入计入，"
                "子树内工会之间的接转不计入；退会后当年重新入会的计入一次。"
            ),
        ),
    ),
)
