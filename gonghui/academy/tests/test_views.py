import io
from datetime import date, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from gonghui.academy import services
from gonghui.academy.models import Certificate, Course, Enrolment, TrainingClass
from gonghui.academy.tests.factories import make_class, make_course, make_sessions
from gonghui.core.models import AuditLog
from gonghui.members.tests.factories import make_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def course(zone, academy_staff):
    return make_course(zone, by=academy_staff, pass_mark=60)


@pytest.fixture
def running(course, academy_staff):
    """A class that began a week ago and ends today, with three past sessions."""
    today = timezone.localdate()
    klass = make_class(course, by=academy_staff, starts_on=today - timedelta(days=7), ends_on=today)
    make_sessions(klass, by=academy_staff, days=3)
    return klass


@pytest.fixture
def certificate(running, academy_staff, member_a):
    enrolment = services.enrolment_create(training_class=running, person=member_a.person, by=academy_staff)
    for session in running.sessions.all():
        services.attendance_record(session=session, present=[enrolment.pk], by=academy_staff)
    return services.enrolment_complete(enrolment=enrolment, score=88, by=academy_staff)


def test_the_course_list_costs_the_same_for_many_courses(
    client, zone, academy_staff, django_assert_num_queries
):
    for i in range(12):
        make_course(zone, by=academy_staff, title=f"课程{i}")
    client.force_login(academy_staff)
    # session, user, the courses with their federation, partner and class counts (a keyset page:
    # nothing counted); then the session's idle clock is saved (savepoint, update, release)
    with django_assert_num_queries(6):
        response = client.get(reverse("academy:course_list"))
    assert response.status_code == 200 and response.content.decode().count("课程1") >= 3


def test_academy_staff_open_a_course(client, zone, academy_staff):
    client.force_login(academy_staff)
    response = client.post(
        reverse("academy:course_create"),
        {
            "federation": zone.pk,
            "title": "PLC编程与调试",
            "craft": "automation",
            "hours": "32",
            "min_attendance": "0.80",
            "pass_mark": "70",
        },
    )
    course = Course.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "academy:course_detail", args=[course.pk]
    )
    assert course.federation == zone and course.pass_mark == 70


def test_a_bad_course_is_refused_beside_its_field(client, zone, academy_staff):
    client.force_login(academy_staff)
    response = client.post(
        reverse("academy:course_create"),
        {"federation": zone.pk, "title": "PLC", "craft": "automation", "hours": "0", "min_attendance": "2"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors.keys() == {"hours", "min_attendance"}
    assert not Course.objects.exists()


def test_the_roster_shows_names_and_employers_never_id_numbers(
    client, running, academy_staff, member_a, member_b
):
    for member in (member_a, member_b):
        services.enrolment_create(training_class=running, person=member.person, by=academy_staff)
    client.force_login(academy_staff)
    body = client.get(reverse("academy:class_detail", args=[running.pk])).content.decode()
    assert "张三" in body and "李四" in body and member_a.enterprise.name in body
    for member in (member_a, member_b):
        assert member.person.id_masked not in body and member.person.id_masked[-4:] not in body


def test_a_union_admin_sees_and_enrols_their_own_members_only(
    client, running, academy_staff, admin_a, member_a, member_b
):
    services.enrolment_create(training_class=running, person=member_b.person, by=academy_staff)
    client.force_login(admin_a)
    url = reverse("academy:class_enrol", args=[running.pk])
    response = client.post(url, {"person": member_b.person.reveal_id_number()})
    assert "已报名本班级" not in response.content.decode()  # nothing told about another union's member
    assert "不是甲公司工会的在册会员" in response.content.decode()
    client.post(url, {"person": member_a.person.reveal_id_number()})
    body = client.get(reverse("academy:class_detail", args=[running.pk])).content.decode()
    assert "张三" in body and "李四" not in body


def test_enrolling_past_capacity_puts_on_the_waiting_list(
    client, course, academy_staff, union_a, enterprise_a
):
    today = timezone.localdate()
    klass = make_class(
        course, by=academy_staff, capacity=1, starts_on=today, ends_on=today + timedelta(days=3)
    )
    first, second = (make_member(union_a, enterprise=enterprise_a, name=n) for n in ("赵一帆", "钱二宝"))
    client.force_login(academy_staff)
    url = reverse("academy:class_enrol", args=[klass.pk])
    client.post(url, {"person": first.person.reveal_id_number()})
    response = client.post(url, {"person": second.person.reveal_id_number()}, follow=True)
    assert "已列入候补名单" in response.content.decode()
    waiting = Enrolment.objects.get(person=second.person)
    assert waiting.status == "waiting"
    seated = Enrolment.objects.get(person=first.person)
    response = client.post(reverse("academy:enrolment_cancel", args=[seated.pk]), follow=True)
    assert "候补的钱二宝已转为正式报名" in response.content.decode()


def test_attendance_ahead_of_a_session_is_refused_on_the_sheet(client, course, academy_staff, member_a):
    today = timezone.localdate()
    klass = make_class(course, by=academy_staff, starts_on=today, ends_on=today + timedelta(days=3))
    enrolment = services.enrolment_create(training_class=klass, person=member_a.person, by=academy_staff)
    later = services.session_add(
        training_class=klass,
        on=today + timedelta(days=2),
        starts_at=time(9),
        ends_at=time(11),
        by=academy_staff,
    )
    client.force_login(academy_staff)
    response = client.post(
        reverse("academy:session_attendance", args=[later.pk]), {"present": [enrolment.pk]}
    )
    assert response.status_code == 200 and "尚未开始，不能记录考勤" in response.content.decode()
    assert not later.attendances.exists()


def test_completion_issues_certificates_from_the_form(client, running, academy_staff, member_a):
    enrolment = services.enrolment_create(training_class=running, person=member_a.person, by=academy_staff)
    client.force_login(academy_staff)
    for session in running.sessions.all():
        client.post(reverse("academy:session_attendance", args=[session.pk]), {"present": [enrolment.pk]})
    url = reverse("academy:class_completion", args=[running.pk])
    response = client.post(url, {})
    assert "请填写成绩：张三" in response.content.decode()
    response = client.post(url, {f"score_{enrolment.pk}": "75"}, follow=True)
    assert "1人结业并颁发证书" in response.content.decode()
    assert Certificate.objects.get().enrolment == enrolment


def test_the_pdf_names_the_holder_and_the_number(client, certificate, academy_staff):
    client.force_login(academy_staff)
    response = client.get(reverse("academy:certificate_pdf", args=[certificate.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "张三" in text and certificate.number in text and "准予结业" in text
    assert AuditLog.objects.filter(
        action="academy.certificate_download", object_id=str(certificate.pk)
    ).exists()


def test_anyone_verifies_a_certificate_without_signing_in(client, certificate, academy_staff):
    response = client.get(reverse("academy:verify", args=[certificate.token]))
    body = response.content.decode()
    assert response.status_code == 200 and "该证书真实有效" in body
    assert "张*" in body and "张三" not in body and certificate.number in body
    assert "no-store" in response["Cache-Control"]
    services.certificate_revoke(certificate=certificate, reason="重复培训", by=academy_staff)
    assert (
        "该证书已被撤销" in client.get(reverse("academy:verify", args=[certificate.token])).content.decode()
    )


def test_an_unknown_token_verifies_nothing(client, certificate):
    response = client.get(reverse("academy:verify", args=["not-a-token"]))
    assert response.status_code == 404 and "查无此证" in response.content.decode()


def test_a_worker_reads_their_own_certificate(client, certificate, worker):
    client.force_login(worker)
    assert client.get(reverse("academy:certificate_detail", args=[certificate.pk])).status_code == 200
    assert client.get(reverse("academy:course_list")).status_code == 404


def test_revoking_without_a_reason_says_so(client, certificate, academy_staff):
    client.force_login(academy_staff)
    response = client.post(reverse("academy:certificate_revoke", args=[certificate.pk]), {"reason": ""})
    assert response.status_code == 200 and "revoke-form" in response.content.decode()
    certificate.refresh_from_db()
    assert not certificate.is_revoked


def test_the_certificate_list_costs_the_same_for_many(
    client, running, academy_staff, union_a, enterprise_a, django_assert_num_queries
):
    for _ in range(5):
        person = make_member(union_a, enterprise=enterprise_a).person
        enrolment = services.enrolment_create(training_class=running, person=person, by=academy_staff)
        for session in running.sessions.all():
            services.attendance_record(
                session=session,
                present=list(running.enrolments.filter(status="enrolled").values_list("pk", flat=True)),
                by=academy_staff,
            )
        services.enrolment_complete(enrolment=enrolment, score=90, by=academy_staff)
    client.force_login(academy_staff)
    # session, user, the certificates with holder and course (a keyset page: nothing counted); the
    # session saved (3)
    with django_assert_num_queries(6):
        response = client.get(reverse("academy:certificate_list"))
    assert response.content.decode().count("GJXY-") >= 5


def test_an_online_class_is_published_from_its_page(client, course, academy_staff):
    online = make_class(
        course, by=academy_staff, mode="online", starts_on=date(2024, 3, 1), ends_on=date(2024, 12, 31)
    )
    client.force_login(academy_staff)
    client.post(reverse("academy:class_publish", args=[online.pk]))
    assert TrainingClass.objects.get(pk=online.pk).published


def test_the_class_page_costs_the_same_for_a_full_roster(
    client, running, academy_staff, union_a, enterprise_a, django_assert_num_queries
):
    for _ in range(8):
        person = make_member(union_a, enterprise=enterprise_a).person
        services.enrolment_create(training_class=running, person=person, by=academy_staff)
    client.force_login(academy_staff)
    # session, user, the class with its course, the roster (people, unions, employers, certificates,
    # attendance counted), may the user change the class, the sessions with their attendance; the
    # session saved (3)
    with django_assert_num_queries(9):
        response = client.get(reverse("academy:class_detail", args=[running.pk]))
    assert len(response.context["seated"]) == 8
