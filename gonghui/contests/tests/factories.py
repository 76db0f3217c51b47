from datetime import date
from decimal import Decimal

from gonghui.accounts.models import User
from gonghui.contests import services
from gonghui.contests.models import Criterion, Judge
from gonghui.core.roles import Role

LEVELS = ["未完成", "基本完成，有明显缺陷", "完成，动作规范", "完成，熟练精准"]


def make_user(username, role=Role.WORKER, organisation=None, person=None) -> User:
    user = User(username=username, role=role, organisation=organisation, person=person, first_name=username)
    user.set_password("Test-password-2025")
    user.save()
    return user


def make_contest(organiser, *, by, held_on=date(2024, 5, 20), **kwargs):
    return services.contest_create(
        title=kwargs.pop("title", "2024年职工职业技能竞赛"),
        year=held_on.year,
        level=kwargs.pop("level", "zone"),
        held_on=held_on,
        organisers=[organiser],
        rules="按国家职业技能标准命题",
        by=by,
        **kwargs,
    )


def make_event(contest, *, by, name="叉车", tie_break=("part:实操", "time", "part:理论"), **awards):
    """An event marked 理论 30% (a written test, 1 point off per wrong answer) + 实操 70% (a safety check
    all or nothing, a judgement of the handling, the time taken)."""
    event = services.event_create(contest=contest, name=name, by=by)
    theory = services.part_add(event=event, name="理论", weight=Decimal(30), by=by)
    practice = services.part_add(event=event, name="实操", weight=Decimal(70), by=by)
    M, J, T = Criterion.Kind.MEASUREMENT, Criterion.Kind.JUDGEMENT, Criterion.Kind.TIME
    services.criterion_add(part=theory, name="理论考试", kind=M, max_mark=100, deduction=1, by=by)
    services.criterion_add(part=practice, name="安全检查", kind=M, max_mark=10, by=by)
    services.criterion_add(part=practice, name="操作规范", kind=J, max_mark=60, levels=LEVELS, by=by)
    services.criterion_add(
        part=practice, name="用时", kind=T, max_mark=30, standard_seconds=300, limit_seconds=600, by=by
    )
    services.event_set_rules(
        event=event,
        tie_break=list(tie_break),
        award_basis=awards.pop("award_basis", "count"),
        first=awards.pop("first", 1),
        second=awards.pop("second", 1),
        third=awards.pop("third", 1),
        merit=awards.pop("merit", 0),
        by=by,
    )
    event.refresh_from_db()
    return event


def make_panel(event, *, by, enterprise=None):
    """Two scoring judges with accounts, a 裁判长 and a 监督; returns them in that order."""
    judges = []
    for username, capacity in (
        ("judge-1", "judge"),
        ("judge-2", "judge"),
        ("chief", "chief"),
        ("supervisor", "supervisor"),
    ):
        user = User.objects.filter(username=username).first() or make_user(username)
        judges.append(
            services.judge_add(event=event, user=user, capacity=capacity, enterprise=enterprise, by=by)
        )
    return judges


def criteria(event) -> dict[str, Criterion]:
    return {c.name: c for c in Criterion.objects.filter(part__event=event)}


def score_all(registration, judges: list[Judge], *, wrong=5, safe=0, levels=(3, 3), seconds=300):
    """Every criterion of the competitor scored: measurement and time by the first judge, the
    judgement by each scoring judge with the given levels."""
    c = criteria(registration.event)
    first = judges[0]
    user = first.user
    services.score_record(
        registration=registration, criterion=c["理论考试"], judge=first, value=wrong, by=user
    )
    services.score_record(
        registration=registration, criterion=c["安全检查"], judge=first, value=safe, by=user
    )
    services.score_record(registration=registration, criterion=c["用时"], judge=first, value=seconds, by=user)
    for judge, level in zip(judges, levels, strict=False):
        services.score_record(
            registration=registration, criterion=c["操作规范"], judge=judge, value=level, by=judge.user
        )
