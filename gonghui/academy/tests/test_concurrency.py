"""Two requests completing one trainee at the same moment (a double click, two officers): one
certificate is issued and the other request gets a clear message, on SQLite and on PostgreSQL alike."""

import threading
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import connections
from django.utils import timezone

from gonghui.academy import services
from gonghui.academy.models import Certificate, Enrolment
from gonghui.academy.tests.factories import make_class, make_course, make_sessions

pytestmark = pytest.mark.django_db(transaction=True)


def at_once(n, work):
    start, outcomes = threading.Barrier(n), []

    def run(i):
        try:
            start.wait()
            outcomes.append(work(i))
        except ValidationError as error:
            outcomes.append(" ".join(m for ms in error.message_dict.values() for m in ms))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


@pytest.fixture
def ready(zone, academy_staff, union_a, enterprise_a):
    from gonghui.members.tests.factories import make_member

    klass = make_class(make_course(zone, by=academy_staff), by=academy_staff)
    (session,) = make_sessions(klass, by=academy_staff, days=1)
    enrolments = [
        services.enrolment_create(
            training_class=klass,
            person=make_member(union_a, enterprise=enterprise_a).person,
            by=academy_staff,
            on=date(2024, 5, 1),
        )
        for _ in range(4)
    ]
    services.attendance_record(session=session, present=[e.pk for e in enrolments], by=academy_staff)
    return enrolments


def test_concurrent_completions_of_one_trainee_give_one_certificate(ready, academy_staff):
    enrolment = ready[0]
    outcomes = at_once(
        6, lambda i: services.enrolment_complete(enrolment=enrolment, score=None, by=academy_staff)
    )
    issued = [o for o in outcomes if isinstance(o, Certificate)]
    assert len(issued) == 1 and len(outcomes) == 6, outcomes
    assert all("不能" in o for o in outcomes if not isinstance(o, Certificate)), outcomes
    assert Certificate.objects.filter(enrolment=enrolment).count() == 1
    assert Enrolment.objects.get(pk=enrolment.pk).status == "completed"


def test_concurrent_completions_of_different_trainees_get_different_numbers(ready, academy_staff):
    outcomes = at_once(4, lambda i: services.enrolment_complete(enrolment=ready[i], by=academy_staff).number)
    assert sorted(outcomes) == [f"GJXY-{timezone.localdate().year}-{n:06d}" for n in range(1, 5)]


def test_concurrent_enrolments_never_seat_more_than_the_places(zone, academy_staff, union_a, enterprise_a):
    from gonghui.members.tests.factories import make_member

    klass = make_class(make_course(zone, by=academy_staff), by=academy_staff, capacity=2)
    people = [make_member(union_a, enterprise=enterprise_a).person for _ in range(6)]
    outcomes = at_once(
        6,
        lambda i: (
            services.enrolment_create(
                training_class=klass, person=people[i], by=academy_staff, on=date(2024, 5, 1)
            ).status
        ),
    )
    assert sorted(outcomes) == ["enrolled"] * 2 + ["waiting"] * 4
