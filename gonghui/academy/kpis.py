"""The craftsman academy's KPIs, and the report's sentence about them.

A class counts in the year it starts. Classes and hours are counted where the course's federation is in
the subtree; trainees where their union (on the day they enrolled) is, so a union's report shows its
own members trained, wherever the class was run.
"""

from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gonghui.academy.models import Enrolment, TrainingClass
from gonghui.core.figures import Figures, about, both_years, split, year_bounds
from gonghui.core.registry import Kpi, KpiGroup
from gonghui.orgs.models import Organisation

HELD = Q(mode=TrainingClass.Mode.OFFLINE) | Q(mode=TrainingClass.Mode.ONLINE, published=True)


def classes(root: Organisation, year: int) -> Figures:
    """training_sessions_offline, training_courses_online, training_hours — one query."""
    aggregates = {
        "training_sessions_offline": lambda y: Count(
            "pk", filter=Q(starts_on__range=year_bounds(y), mode=TrainingClass.Mode.OFFLINE)
        ),
        "training_courses_online": lambda y: Count(
            "pk", filter=Q(starts_on__range=year_bounds(y), mode=TrainingClass.Mode.ONLINE)
        ),
        "training_hours": lambda y: Sum(
            "course__hours", filter=Q(starts_on__range=year_bounds(y)), default=0
        ),
    }
    row = TrainingClass.objects.filter(HELD, course__federation__path__startswith=root.path).aggregate(
        **both_years(aggregates, year)
    )
    figures = split(row, aggregates)
    for when in ("value", "previous"):
        figures["training_hours"][when] = hours_figure(figures["training_hours"][when])
    return figures


def hours_figure(total) -> int | float:
    """Class hours as a JSON number: 640, or 640.5 where half hours add up."""
    total = Decimal(total).quantize(Decimal("0.1"))
    return int(total) if total == total.to_integral_value() else float(total)


def trainees(root: Organisation, year: int) -> Figures:
    """trainee_person_times, trainee_enterprises — one query."""
    aggregates = {
        "trainee_person_times": lambda y: Count(
            "pk", filter=Q(training_class__starts_on__range=year_bounds(y))
        ),
        "trainee_enterprises": lambda y: Count(
            "enterprise", distinct=True, filter=Q(training_class__starts_on__range=year_bounds(y))
        ),
    }
    row = Enrolment.objects.filter(status__in=Enrolment.SEATED, union__path__startswith=root.path).aggregate(
        **both_years(aggregates, year)
    )
    return split(row, aggregates)


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
        compute=classes,
        kpis=(
            Kpi(
                "training_sessions_offline",
                gettext_lazy("线下培训"),
                gettext_lazy("期"),
                gettext_lazy("子树内总工会（工匠学院）开办、开班日期在当年的线下培训班级。"),
            ),
            Kpi(
                "training_courses_online",
                gettext_lazy("线上课程"),
                gettext_lazy("门"),
                gettext_lazy("子树内总工会（工匠学院）上线、开放日期在当年的线上课程。"),
            ),
            Kpi(
                "training_hours",
                gettext_lazy("培训课时"),
                gettext_lazy("课时"),
                gettext_lazy("上述线下培训和线上课程的课时之和（每个班级计其课程的课时一次）。"),
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
