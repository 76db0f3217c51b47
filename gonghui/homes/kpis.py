"""The KPIs of worker homes and events, and the report's sentence about them."""

from django.db.models import Count, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gonghui.core.figures import Figures, both_years, split, year_bounds
from gonghui.core.registry import Kpi, KpiGroup
from gonghui.homes.models import CheckIn, Event, WorkerHome
from gonghui.orgs.models import Organisation


def _open_at_year_end(year: int) -> Q:
    end = year_bounds(year)[1]
    return Q(opened_on__lte=end) & (Q(closed_on__isnull=True) | Q(closed_on__gt=end))


def homes(root: Organisation, year: int) -> Figures:
    """worker_homes, worker_homes_demonstration — one query (a home with several titles counts once)."""
    aggregates = {
        "worker_homes": lambda y: Count("pk", filter=_open_at_year_end(y), distinct=True),
        "worker_homes_demonstration": lambda y: Count(
            "pk", filter=_open_at_year_end(y) & Q(awards__year__lte=y), distinct=True
        ),
    }
    row = WorkerHome.objects.filter(union__path__startswith=root.path).aggregate(
        **both_years(aggregates, year)
    )
    return split(row, aggregates)


def events(root: Organisation, year: int) -> Figures:
    """events — one query."""
    aggregates = {"events": lambda y: Count("pk", filter=Q(starts_at__date__range=year_bounds(y)))}
    row = Event.objects.filter(organiser__path__startswith=root.path).aggregate(
        **both_years(aggregates, year)
    )
    return split(row, aggregates)


def attendees(root: Organisation, year: int) -> Figures:
    """event_attendees — one query."""
    aggregates = {
        "event_attendees": lambda y: Count(
            "pk", filter=Q(registration__event__starts_at__date__range=year_bounds(y))
        )
    }
    row = CheckIn.objects.filter(registration__event__organiser__path__startswith=root.path).aggregate(
        **both_years(aggregates, year)
    )
    return split(row, aggregates)


def sentences(root: Organisation, figures: Figures) -> list[str]:
    return [
        _(
            "建成职工之家%(homes)d个，其中示范职工之家%(demonstration)d个；举办文体活动%(events)d场，签到参加%(attendees)d人次。"
        )
        % {
            "homes": figures["worker_homes"]["value"],
            "demonstration": figures["worker_homes_demonstration"]["value"],
            "events": figures["events"]["value"],
            "attendees": figures["event_attendees"]["value"],
        }
    ]


GROUPS = [
    KpiGroup(
        "homes.homes",
        order=80,
        compute=homes,
        kpis=(
            Kpi(
                "worker_homes",
                gettext_lazy("职工之家"),
                gettext_lazy("个"),
                gettext_lazy("子树内工会的职工之家，年底已建成且未停用。"),
            ),
            Kpi(
                "worker_homes_demonstration",
                gettext_lazy("示范职工之家"),
                gettext_lazy("个"),
                gettext_lazy(
                    "上述职工之家中，到年底已获任一级“职工之家示范点”或“模范职工之家”命名的（一家多项命名计一个）。"
                ),
            ),
        ),
    ),
    KpiGroup(
        "homes.events",
        order=81,
        compute=events,
        kpis=(
            Kpi(
                "events",
                gettext_lazy("文体活动"),
                gettext_lazy("场"),
                gettext_lazy("子树内组织主办、开始日期在当年的文艺演出、体育赛事等文体活动。"),
            ),
        ),
    ),
    KpiGroup(
        "homes.attendees",
        order=82,
        compute=attendees,
        sentences=sentences,
        kpis=(
            Kpi(
                "event_attendees",
                gettext_lazy("文体活动参加人次"),
                gettext_lazy("人次"),
                gettext_lazy("上述文体活动在现场签到的人次（一人参加两场计两人次；只报名未签到的不计）。"),
            ),
        ),
    ),
]
