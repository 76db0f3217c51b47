"""The KPIs of union activities and welfare, and the report's sentence about them."""

from django.db.models import Count, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gonghui.activities.models import (
    Activity,
    ActivityMonth,
    Registration,
    WelfareDistribution,
    WelfareRecipient,
)
from gonghui.core.figures import Figures, year_bounds
from gonghui.core.registry import Kpi, KpiGroup, Rows
from gonghui.core.rollups import Total
from gonghui.orgs.models import Organisation


def _activity_rows(root: Organisation, year: int, user, **only) -> Rows:
    held = (
        Activity.objects.visible_to(user)
        .filter(
            organiser__path__startswith=root.path,
            status=Activity.Status.HELD,
            held_on__range=year_bounds(year),
            **only,
        )
        .select_related("organiser")
        .annotate(present=Count("registrations", filter=Q(registrations__attended=True)))
        .order_by("held_on", "pk")
    )
    return Rows(
        columns=(_("活动日期"), _("活动名称"), _("活动类型"), _("组织单位"), _("地点"), _("签到人数")),
        queryset=held,
        cells=lambda a: (a.held_on, a.title, a.get_kind_display(), a.organiser.name, a.place, a.present),
    )


def lecture_rows(root: Organisation, year: int, user) -> Rows:
    return _activity_rows(root, year, user, kind__in=Activity.LECTURE_KINDS)


def activity_rows(root: Organisation, year: int, user) -> Rows:
    return _activity_rows(root, year, user)


def attendee_rows(root: Organisation, year: int, user) -> Rows:
    present = (
        Registration.objects.visible_to(user)
        .filter(
            attended=True,
            activity__status=Activity.Status.HELD,
            activity__organiser__path__startswith=root.path,
            activity__held_on__range=year_bounds(year),
        )
        .select_related("activity", "person")
        .order_by("activity__held_on", "activity_id", "pk")
    )
    return Rows(
        columns=(_("活动日期"), _("活动名称"), _("姓名"), _("公民身份号码")),
        queryset=present,
        cells=lambda r: (r.activity.held_on, r.activity.title, r.person.name, r.person.id_masked),
    )


def welfare_rows(root: Organisation, year: int, user) -> Rows:
    received = (
        WelfareRecipient.objects.visible_to(user)
        .filter(
            distribution__status=WelfareDistribution.Status.SIGNED_OFF,
            distribution__union__path__startswith=root.path,
            distribution__distributed_on__range=year_bounds(year),
        )
        .select_related("distribution__union", "person")
        .order_by("distribution__distributed_on", "distribution_id", "pk")
    )
    return Rows(
        columns=(
            _("发放日期"),
            _("名称"),
            _("工会"),
            _("姓名"),
            _("公民身份号码"),
            _("发放物品"),
            _("金额（元）"),
        ),
        queryset=received,
        cells=lambda r: (
            r.distribution.distributed_on,
            r.distribution.title,
            r.distribution.union.name,
            r.person.name,
            r.person.id_masked,
            r.item,
            r.amount,
        ),
    )


def sentences(root: Organisation, figures: Figures) -> list[str]:
    return [
        _(
            "全年开展宣讲会和专题学习会%(lectures)d场、各类工会活动%(activities)d场，参加%(attendees)d人次；发放福利%(welfare)d人次。"
        )
        % {
            "lectures": figures["lectures"]["value"],
            "activities": figures["activities"]["value"],
            "attendees": figures["activity_attendees"]["value"],
            "welfare": figures["welfare_recipients"]["value"],
        }
    ]


GROUPS = [
    KpiGroup(
        "activities.held",
        order=40,
        totals={  # root's own roll-up rows (activities.rollups)
            "lectures": Total(ActivityMonth, ("lectures",)),
            "activities": Total(ActivityMonth, ("activities",)),
        },
        kpis=(
            Kpi(
                "lectures",
                gettext_lazy("宣讲会和专题学习会"),
                gettext_lazy("场"),
                gettext_lazy(
                    "本组织及其下属工会组织、活动日期在当年、已举办（记录了签到）的宣讲会和专题学习会。"
                ),
                rows=lecture_rows,
            ),
            Kpi(
                "activities",
                gettext_lazy("工会活动"),
                gettext_lazy("场"),
                gettext_lazy(
                    "本组织及其下属工会组织、活动日期在当年、已举办的各类工会活动（含宣讲会、学习会、职工出游等）。"
                ),
                rows=activity_rows,
            ),
        ),
    ),
    KpiGroup(
        "activities.attendees",
        order=41,
        totals={"activity_attendees": Total(ActivityMonth, ("attendees",))},
        kpis=(
            Kpi(
                "activity_attendees",
                gettext_lazy("活动参加人次"),
                gettext_lazy("人次"),
                gettext_lazy("上述已举办活动中签到的人次（一人参加两场计两人次）。"),
                rows=attendee_rows,
            ),
        ),
    ),
    KpiGroup(
        "activities.welfare",
        order=42,
        totals={"welfare_recipients": Total(ActivityMonth, ("welfare_recipients",))},
        sentences=sentences,
        kpis=(
            Kpi(
                "welfare_recipients",
                gettext_lazy("福利发放人次"),
                gettext_lazy("人次"),
                gettext_lazy(
                    "本组织下属基层工会发放日期在当年、已经第二名工会干部签批的福利发放的领取人次。"
                ),
                rows=welfare_rows,
            ),
        ),
    ),
]
