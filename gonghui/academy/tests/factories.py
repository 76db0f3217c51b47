from datetime import date, time
from decimal import Decimal

from gonghui.academy import services
from gonghui.academy.models import Course, Session, TrainingClass


def make_course(federation, *, by, **kwargs) -> Course:
    return services.course_create(
        federation=federation,
        title=kwargs.pop("title", "锂电池电气安全"),
        craft=kwargs.pop("craft", "electrical"),
        hours=kwargs.pop("hours", Decimal("24")),
        by=by,
        **kwargs,
    )


def make_class(
    course, *, by, starts_on=date(2024, 5, 6), ends_on=date(2024, 5, 10), **kwargs
) -> TrainingClass:
    return services.class_create(
        course=course,
        mode=kwargs.pop("mode", TrainingClass.Mode.OFFLINE),
        name=kwargs.pop("name", "2024年第1期"),
        starts_on=starts_on,
        ends_on=ends_on,
        place=kwargs.pop("place", "工匠学院实训楼"),
        teacher=kwargs.pop("teacher", "周建华"),
        by=by,
        **kwargs,
    )


def make_sessions(training_class, *, by, days: int = 5) -> list[Session]:
    start = training_class.starts_on
    return [
        services.session_add(
            training_class=training_class,
            on=start.replace(day=start.day + i),
            starts_at=time(9),
            ends_at=time(12),
            topic=f"第{i + 1}讲",
            by=by,
        )
        for i in range(days)
    ]
