"""What the academy adds to other pages: a worker's talent evidence and the academy staff's queue."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from gonghui.academy import selectors, services
from gonghui.academy.tests.factories import make_class, make_course, make_sessions
from gonghui.core import registry

pytestmark = pytest.mark.django_db


@pytest.fixture
def certificate(zone, academy_staff, member_a):
    klass = make_class(
        make_course(zone, by=academy_staff, title="PLC编程与调试", craft="automation"), by=academy_staff
    )
    (session,) = make_sessions(klass, by=academy_staff, days=1)
    enrolment = services.enrolment_create(
        training_class=klass, person=member_a.person, by=academy_staff, on=date(2024, 5, 1)
    )
    services.attendance_record(session=session, present=[enrolment.pk], by=academy_staff)
    return services.enrolment_complete(enrolment=enrolment, by=academy_staff, on=date(2024, 5, 11))


def test_a_certificate_is_talent_evidence(certificate, member_a, academy_staff):
    (evidence,) = registry.talent["academy.certificate"].evidence(member_a.person)
    assert evidence.kind == "academy.certificate" and evidence.craft == "自动化控制"
    assert evidence.hours == certificate.hours and evidence.on == date(2024, 5, 11)
    assert evidence.ref == f"academy.certificate:{certificate.pk}" and not evidence.revoked
    assert evidence.url.endswith(f"/academy/certificates/{certificate.pk}/")
    services.certificate_revoke(certificate=certificate, reason="材料不实", by=academy_staff)
    assert selectors.talent_evidence(member_a.person)[0].revoked


def test_academy_staff_see_the_classes_awaiting_completion(zone, academy_staff, officer, admin_a, member_a):
    todo = registry.todos["academy.awaiting_completion"]
    course = make_course(zone, by=academy_staff)
    ended = make_class(course, by=academy_staff)
    today = timezone.localdate()
    running = make_class(
        course, by=academy_staff, name="在办", starts_on=today, ends_on=today + timedelta(days=3)
    )
    for klass, on in ((ended, date(2024, 5, 1)), (running, today)):
        services.enrolment_create(training_class=klass, person=member_a.person, by=academy_staff, on=on)
    assert todo.count(academy_staff) == 1
    assert todo.count(officer) is None and todo.count(admin_a) is None
