"""The KPIs of membership, and the report's first sentence (unions and members together)."""

from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gonghui.core.figures import Figures, about, year_bounds
from gonghui.core.registry import Kpi, KpiGroup, Rows
from gonghui.core.rollups import Total
from gonghui.members.models import MemberMonth, Membership, Person, active_on
from gonghui.orgs.models import Organisation


def new_memberships(root: Organisation, year: int):
    """Memberships that make their person a new member of root's subtree in the year."""
    transferred_inside = Exists(
        Membership.objects.filter(
            person_id=OuterRef("person_id"),
            ended_on=OuterRef("started_on"),
            end_reason=Membership.EndReason.TRANSFERRED_OUT,
            union__path__startswith=root.path,
        )
    )
    return Membership.objects.filter(
        Q(start_reason=Membership.StartReason.JOINED) | ~transferred_inside,
        union__path__startswith=root.path,
        started_on__range=year_bounds(year),
    )


def members_total_rows(root: Organisation, year: int, user) -> Rows:
    """The memberships in force on 31 December (one per person)."""
    memberships = (
        Membership.objects.visible_to(user)
        .filter(active_on(year_bounds(year)[1]), union__path__startswith=root.path)
        .select_related("person", "union", "enterprise")
        .order_by("union__path", "person__name_pinyin", "pk")
    )
    return Rows(
        columns=(_("姓名"), _("公民身份号码"), _("工会"), _("用工单位"), _("入会日期"), _("入会方式")),
        queryset=memberships,
        cells=lambda m: (
            m.person.name,
            m.person.id_masked,
            m.union.name,
            m.enterprise.name if m.enterprise else "",
            m.started_on,
            m.get_start_reason_display(),
        ),
    )


def members_new_rows(root: Organisation, year: int, user) -> Rows:
    """The new members, each once, with the first membership of the year that counts them."""
    first = new_memberships(root, year).filter(person_id=OuterRef("pk")).order_by("started_on", "pk")
    people = (
        Person.objects.visible_to(user)
        .filter(pk__in=new_memberships(root, year).values("person_id"))
        .annotate(
            first_on=Subquery(first.values("started_on")[:1]),
            first_union=Subquery(first.values("union__name")[:1]),
            first_reason=Subquery(first.values("start_reason")[:1]),
        )
        .order_by("first_on", "name_pinyin", "pk")
    )
    reasons = dict(Membership.StartReason.choices)
    return Rows(
        columns=(_("姓名"), _("公民身份号码"), _("工会"), _("入会日期"), _("入会方式")),
        queryset=people,
        cells=lambda p: (p.name, p.id_masked, p.first_union, p.first_on, str(reasons[p.first_reason])),
    )


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
    totals={  # root's own roll-up rows (members.rollups)
        "members_total": Total(MemberMonth, ("started", "-ended"), through=True),
        "members_new": Total(MemberMonth, ("new",)),
    },
    sentences=sentences,
    kpis=(
        Kpi(
            "members_total",
            gettext_lazy("在册会员"),
            gettext_lazy("人"),
            gettext_lazy("12月31日在本组织及其下属基层工会登记在册的会员人数（一人只计一次）。"),
            rows=members_total_rows,
        ),
        Kpi(
            "members_new",
            gettext_lazy("新增会员"),
            gettext_lazy("人"),
            gettext_lazy(
                "当年在本组织及其下属基层工会入会的人数：新入会和从其他地方转入的计入，"
                "本组织下属工会之间的会员关系接转不计入；同一年退会后又入会的只计一次。"
            ),
            rows=members_new_rows,
        ),
    ),
)
