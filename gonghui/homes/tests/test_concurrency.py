"""Officers at the same moment (PostgreSQL, real transactions): ten people registering for the last
seats of a pool get exactly its seats, the rest wait in line; two phones tapping the same person at
the door check them in once, the other is told so."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from gonghui.homes import services
from gonghui.homes.models import CheckIn, EventRegistration
from gonghui.homes.tests.factories import make_event
from gonghui.members.tests.factories import make_member

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent transactions need PostgreSQL"),
]


def _all_at_once(calls) -> list:
    start, outcomes = threading.Barrier(len(calls)), []

    def run(call):
        try:
            start.wait()
            outcomes.append(call())
        except ValidationError as error:
            outcomes.append(error.message_dict["person"][0])
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def test_ten_registrations_at_once_fill_three_seats_and_queue_the_rest(officer, zone, union_a, enterprise_a):
    event = make_event(zone, by=officer, capacity=3)
    people = [make_member(union_a, enterprise=enterprise_a).person for _ in range(10)]
    outcomes = _all_at_once(
        [lambda p=p: services.registration_create(event=event, person=p, by=officer) for p in people]
    )
    assert len(outcomes) == 10 and all(isinstance(o, EventRegistration) for o in outcomes)
    statuses = list(event.registrations.order_by("queued_at", "pk").values_list("status", flat=True))
    assert statuses == ["confirmed"] * 3 + ["waiting"] * 7


def test_two_taps_at_once_check_a_person_in_once(officer, admin_a, zone, member_a):
    event = make_event(zone, by=officer)
    services.registration_create(event=event, person=member_a.person, by=officer)
    outcomes = _all_at_once(
        [
            lambda by=by: services.checkin_create(event=event, person=member_a.person, by=by)
            for by in (officer, admin_a)
        ]
    )
    assert sum(isinstance(o, CheckIn) for o in outcomes) == 1
    assert any(isinstance(o, str) and "不能重复签到" in o for o in outcomes)
    assert CheckIn.objects.count() == 1
