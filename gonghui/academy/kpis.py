"""The craftsman academy's KPIs, and the report's sentence about them.

A class counts in the year it starts. Classes and hours are counted where the course's federation is in
the subtree; trainees where their union (on the day they enrolled) is, so a union's report shows its
own members trained, wherever the class was run. The figures read the roll-ups (academy.rollups),
which the services keep as they write; the rows behind them are the classes and places themselves.
"""

from datetime import date
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gonghui.academy.models import Enrolment, TraineeYear, TrainingClass, TrainingMonth
from gonghui.academy.rollups import HELD
from gonghui.core.figures import Figures, about, both_years, split, year_bounds
from gonghui.core.registry import Kpi, KpiGroup, Rows
from gonghui.core.rollups import Total
from gonghui.orgs.models import Organisation


def months_of(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 1)


def classes(totals: Figures) -> Figures:
    """training_sessions_offline, training_courses_online, training_hours from root's own roll-up
    rows (academy.rollups), the hours as a JSON number."""
    figures = {key: dict(figure) for key, figure in totals.items()}
    for when in ("value", "previous"):
        figures["training_hours"][when] = hours_figure(figures["training_hours"][when])
    return figures


def hours_figure(total) -> int | float:
    """Class hours as a JSON number: 640, or 640.5 where half hours add up."""
    total = Decimal(total).quantize(Decimal("0.1"))
    return int(total) if total == total.to_integral_value() else float(total)


def trainees(root: Organisation, year: int) -> Figures:
    """trainee_person_times, trainee_enterprises — one query over root's own roll-up rows: the year's
    places, and its employers with a place."""
    aggregates = {
        "trainee_person_times": lambda y: Sum("places", filter=Q(year=y), default=0),
        "trainee_enterprises": lambda y: Count(
            "pk", filter=Q(year=y, places__gt=0, enterprise__isnull=False)
        ),
    }
    row = TraineeYear.objects.filter(organisation=root, year__in=(year - 1, year)).aggregate(
        **both_years(aggregates, year)
    )
    return split(row, aggregates)


def held_classes(root: Organisation, year: int, user):
    """The classes the figures count: held, of a federation of root's subtree, starting in the year."""
    return (
        TrainingClass.objects.visible_to(user)
        .filter(HELD, course__federation__path__startswith=root.path, starts_on__range=year_bounds(year))
        .select_related("course__federation")
        .order_by("starts_on", "pk")
    )


def _class_rows(mode: str | None):
    def rows(root: Organisation, year: int, user) -> Rows:
        found = held_classes(root, year, user)
        return Rows(
            columns=(
                _("班级"),
                _("课程"),
                _("形式"),
                _("主办总工会"),
                _("开班日期"),
                _("结束日期"),
                _("课时"),
            ),
            queryset=found.filter(mode=mode) if mode else found,
            cells=lambda c: (
                c.name,
                c.course.title,
                c.get_mode_display(),
                c.course.federation.name,
                c.starts_on,
                c.ends_on,
                c.course.hours,
            ),
        )

    return rows


def trainee_rows(root: Organisation, year: int, user) -> Rows:
    """The places held in the year's classes by members of root's subtree."""
    places = (
        Enrolment.objects.visible_to(user)
        .filter(
            status__in=Enrolment.SEATED,
            union__path__startswith=root.path,
            training_class__starts_on__range=year_bounds(year),
        )
        .select_related("person", "union", "enterprise", "training_class__course")
        .order_by("training_class__starts_on", "training_class_id", "person__name_pinyin", "pk")
    )
    return Rows(
        columns=(_("姓名"), _("公民身份号码"), _("工会"), _("用工单位"), _("班级"), _("开班日期"), _("状态")),
        queryset=places,
        cells=lambda e: (
            e.person.name,
            e.person.id_masked,
            e.union.name,
            e.enterprise.name if e.enterprise else "",
            str(e.training_class),
            e.training_class.starts_on,
            e.get_status_display(),
        ),
    )


def sentences(root: Organisation, figures: Figures) -> list[str]:
    return [
        _(
            "工匠学院全年举办线下培训%(offline)d期、上线线上课程%(online)d门，共%(hours)s课时；"
            "培训职工%(people)s人次，来自%(enterprises)d家企业。"
        )
        % {
            "offline": figures["training_sessions_offline"]["value"],
            "online": figures["training_courses_online"]["value"],
            "hours": figures["training_hours"]["value"],
            "people": about(figures["trainee_person_times"]["value"]),
            "enterprises": figures["trainee_enterprises"]["value"],
        }
    ]


GROUPS = [
    KpiGroup(
        "academy.classes",
        order=45,
        totals={
            "training_sessions_offline": Total(TrainingMonth, ("offline",)),
            "training_courses_online": Total(TrainingMonth, ("online",)),
            "training_hours": Total(TrainingMonth, ("hours",)),
        },
        derive=classes,
        kpis=(
            Kpi(
                "training_sessions_offline",
                gettext_lazy("线下培训"),
                gettext_lazy("期"),
                gettext_lazy("子树内总工会（工匠学院）开办、开班日期在当年的线下培训班级。"),
                rows=_class_rows(TrainingClass.Mode.OFFLINE),
            ),
            Kpi(
                "training_courses_online",
                gettext_lazy("线上课程"),
                gettext_lazy("门"),
                gettext_lazy("子树内总工会（工匠学院）上线、开放日期在当年的线上课程。"),
                rows=_class_rows(TrainingClass.Mode.ONLINE),
            ),
            Kpi(
                "training_hours",
                gettext_lazy("培训课时"),
                gettext_lazy("课时"),
                gettext_lazy("上述线下培训和线上课程的课时之和（每个班级计其课程的课时一次）。"),
                rows=_class_rows(None),
            ),
        ),
    ),
    KpiGroup(
        "academy.trainees",
        order=46,
        compute=trainees,
        sentences=sentences,
        kpis=(
            Kpi(
                "trainee_person_times",
                gettext_lazy("培训职工人次"),
                gettext_lazy("人次"),
                gettext_lazy(
                    "子树内工会的会员报名并获得名额、开班日期在当年的培训人次（候补和已取消的不计；一人参加两期计两人次）。"
                ),
                rows=trainee_rows,
            ),
            Kpi(
                "trainee_enterprises",
                gettext_lazy("参训企业"),
                gettext_lazy("家"),
                gettext_lazy("上述参训人次报名时所在的用工单位，每家企业计一次。"),
            ),
        ),
    ),
]
