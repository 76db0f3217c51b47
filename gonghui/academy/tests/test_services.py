from datetime import date, time, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from gonghui.academy import services
from gonghui.academy.models import Certificate, Course, Enrolment, TrainingClass
from gonghui.academy.tests.factories import make_class, make_course, make_sessions
from gonghui.core.models import AuditLog
from gonghui.core.scope import NotInScope
from gonghui.core.validators import mask_name
from gonghui.members.tests.factories import make_member

pytestmark = pytest.mark.django_db
MAY = date(2024, 5, 1)


def messages(error: ValidationError, field: str) -> str:
    return " ".join(error.message_dict[field])


@pytest.fixture
def course(zone, academy_staff):
    return make_course(zone, by=academy_staff, pass_mark=60)


@pytest.fixture
def klass(course, academy_staff):
    return make_class(course, by=academy_staff)


def enrol(klass, person, by, on=MAY):
    return services.enrolment_create(training_class=klass, person=person, by=by, on=on)


# --- courses and classes ---


def test_academy_staff_create_a_course_with_its_rule(course):
    assert course.min_attendance == Decimal("0.80") and course.pass_mark == 60
    assert AuditLog.objects.filter(action="academy.course_create", object_id=str(course.pk)).exists()


def test_federation_staff_and_union_admins_do_not_run_courses(zone, officer, admin_a):
    for actor in (officer, admin_a):
        with pytest.raises(NotInScope):
            make_course(zone, by=actor)
    assert not Course.objects.exists()


def test_a_course_is_the_federations(union_a, academy_staff):
    with pytest.raises(ValidationError) as error:
        make_course(union_a, by=academy_staff)
    assert "不是总工会" in messages(error.value, "federation")


@pytest.mark.parametrize(("field", "value"), [("hours", Decimal("0")), ("min_attendance", Decimal("1.5"))])
def test_bad_course_figures_name_their_field(zone, academy_staff, field, value):
    with pytest.raises(ValidationError) as error:
        make_course(zone, by=academy_staff, **{field: value})
    assert field in error.value.message_dict
    assert (
        not Course.objects.exists() and not AuditLog.objects.filter(action="academy.course_create").exists()
    )


def test_a_class_cannot_end_before_it_starts(course, academy_staff):
    with pytest.raises(ValidationError) as error:
        make_class(course, by=academy_staff, starts_on=date(2024, 5, 6), ends_on=date(2024, 5, 1))
    assert "结束日期不能早于开班日期" in messages(error.value, "ends_on")
    assert not TrainingClass.objects.exists()


def test_a_session_lies_within_the_class(klass, academy_staff):
    with pytest.raises(ValidationError) as error:
        services.session_add(
            training_class=klass, on=date(2024, 6, 1), starts_at=time(9), ends_at=time(12), by=academy_staff
        )
    assert "课次日期应在" in messages(error.value, "on")


def test_an_online_class_has_no_place_nor_capacity(course, academy_staff):
    online = make_class(course, by=academy_staff, mode="online", capacity=30)
    assert online.place == "" and online.capacity is None and not online.published
    services.class_publish(training_class=online, by=academy_staff)
    online.refresh_from_db()
    assert online.published


# --- enrolment ---


def test_academy_staff_enrol_a_member_with_the_employer_of_the_day(klass, member_a, academy_staff):
    enrolment = enrol(klass, member_a.person, academy_staff)
    assert enrolment.status == Enrolment.Status.ENROLLED
    assert enrolment.enterprise == member_a.enterprise and enrolment.union == member_a.union
    assert enrolment.enrolled_on == MAY


def test_twice_in_one_class_is_refused(klass, member_a, academy_staff):
    enrol(klass, member_a.person, academy_staff)
    with pytest.raises(ValidationError) as error:
        enrol(klass, member_a.person, academy_staff)
    assert "已报名本班级" in messages(error.value, "person")
    assert Enrolment.objects.count() == 1


def test_the_database_holds_one_enrolment_per_person_and_class(klass, member_a, academy_staff):
    first = enrol(klass, member_a.person, academy_staff)
    with pytest.raises(IntegrityError), transaction.atomic():
        Enrolment.objects.create(
            training_class=klass,
            person=first.person,
            membership=first.membership,
            union=first.union,
            enrolled_on=MAY,
            status=Enrolment.Status.WAITING,
            queued_at=timezone.now(),
        )


def test_a_union_admin_enrols_their_own_members_only(klass, member_a, member_b, admin_a):
    assert enrol(klass, member_a.person, admin_a).union == member_a.union
    with pytest.raises(NotInScope):
        enrol(klass, member_b.person, admin_a)


def test_a_union_admin_enrols_a_former_member_only_while_a_member(klass, union_a, admin_a):
    from gonghui.members.services import member_leave

    former = make_member(union_a, started_on=date(2020, 1, 1))
    member_leave(membership=former, on=date(2024, 1, 31), by=admin_a)
    with pytest.raises(ValidationError) as error:
        enrol(klass, former.person, admin_a)
    assert "不是甲公司工会的在册会员" in messages(error.value, "person")


def test_a_member_outside_the_federation_is_refused(klass, academy_staff, zone):
    from gonghui.orgs.models import Organisation
    from gonghui.orgs.tests.factories import OrganisationFactory

    other_zone = OrganisationFactory(
        code="Z9", name="外区总工会", kind=Organisation.Kind.ZONE_FEDERATION, parent=zone.parent
    )
    outsider = make_member(OrganisationFactory(code="U9", name="外区工会", parent=other_zone))
    with pytest.raises(ValidationError) as error:
        enrol(klass, outsider.person, academy_staff)
    assert "测试园区总工会的在册会员" in messages(error.value, "person")
    assert not Enrolment.objects.exists()


def test_a_worker_enrols_themself_and_nobody_else(klass, worker, member_a, member_b):
    assert enrol(klass, member_a.person, worker).enrolled_by == worker
    with pytest.raises(NotInScope):
        enrol(klass, member_b.person, worker)


def test_no_enrolment_after_the_class_ended(klass, member_a, academy_staff):
    with pytest.raises(ValidationError) as error:
        enrol(klass, member_a.person, academy_staff, on=date(2024, 6, 1))
    assert "已于2024-05-10结束" in messages(error.value, "person")


def test_an_online_class_takes_enrolments_once_published(course, academy_staff, member_a):
    online = make_class(course, by=academy_staff, mode="online")
    with pytest.raises(ValidationError) as error:
        enrol(online, member_a.person, academy_staff)
    assert "尚未上线" in messages(error.value, "person")
    services.class_publish(training_class=online, by=academy_staff)
    assert enrol(online, member_a.person, academy_staff).status == Enrolment.Status.ENROLLED


# --- capacity and the waiting list ---


@pytest.fixture
def full_class(course, academy_staff, union_a, enterprise_a):
    klass = make_class(course, by=academy_staff, name="小班", capacity=1)
    people = [make_member(union_a, enterprise=enterprise_a).person for _ in range(4)]
    enrolments = [enrol(klass, p, academy_staff) for p in people]
    return klass, enrolments


def test_past_capacity_the_enrolment_waits(full_class):
    _klass, enrolments = full_class
    assert [e.status for e in enrolments] == ["enrolled", "waiting", "waiting", "waiting"]


def test_a_cancellation_promotes_the_first_in_line(full_class, academy_staff):
    _klass, (seated, first, second, third) = full_class
    promoted = services.enrolment_cancel(enrolment=seated, by=academy_staff, reason="工作调整")
    assert promoted == first
    statuses = dict(Enrolment.objects.values_list("pk", "status"))
    assert statuses == {
        seated.pk: "cancelled",
        first.pk: "enrolled",
        second.pk: "waiting",
        third.pk: "waiting",
    }
    assert AuditLog.objects.filter(action="academy.promote", object_id=str(first.pk)).exists()


def test_leaving_the_waiting_list_promotes_nobody(full_class, academy_staff):
    _klass, (seated, first, second, _third) = full_class
    assert services.enrolment_cancel(enrolment=first, by=academy_staff) is None
    assert services.enrolment_cancel(enrolment=seated, by=academy_staff) == second


def test_a_promotion_that_fails_undoes_the_cancellation(full_class, academy_staff, monkeypatch):
    _klass, (seated, first, *_rest) = full_class

    def broken(**kwargs):
        if kwargs["action"] == "academy.promote":
            raise RuntimeError("disk full")
        return original(**kwargs)

    original = services.audit_record
    monkeypatch.setattr(services, "audit_record", broken)
    with pytest.raises(RuntimeError):
        services.enrolment_cancel(enrolment=seated, by=academy_staff)
    seated.refresh_from_db()
    first.refresh_from_db()
    assert (seated.status, first.status) == ("enrolled", "waiting")


def test_a_cancelled_trainee_enrols_again_at_the_end_of_the_line(full_class, academy_staff):
    klass, (seated, first, *_rest) = full_class
    services.enrolment_cancel(enrolment=seated, by=academy_staff)
    again = enrol(klass, seated.person, academy_staff)
    assert again.pk == seated.pk and again.status == Enrolment.Status.WAITING


def test_a_worker_cancels_their_own_enrolment(klass, worker, member_a):
    enrolment = enrol(klass, member_a.person, worker)
    services.enrolment_cancel(enrolment=enrolment, by=worker)
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.CANCELLED


def test_only_open_enrolments_are_cancelled(full_class, academy_staff):
    _klass, (seated, *_rest) = full_class
    services.enrolment_cancel(enrolment=seated, by=academy_staff)
    with pytest.raises(ValidationError) as error:
        services.enrolment_cancel(enrolment=seated, by=academy_staff)
    assert "已取消" in messages(error.value, "reason")


# --- attendance ---


def test_attendance_for_a_session_not_yet_begun_is_refused(course, academy_staff, member_a):
    today = timezone.localdate()
    klass = make_class(course, by=academy_staff, starts_on=today, ends_on=today + timedelta(days=7))
    enrolment = enrol(klass, member_a.person, academy_staff, on=today)
    later = services.session_add(
        training_class=klass,
        on=today + timedelta(days=1),
        starts_at=time(9),
        ends_at=time(12),
        by=academy_staff,
    )
    with pytest.raises(ValidationError) as error:
        services.attendance_record(session=later, present=[enrolment.pk], by=academy_staff)
    assert "尚未开始，不能记录考勤" in messages(error.value, "present")
    assert not later.attendances.exists()


def test_attendance_names_only_enrolled_trainees(klass, academy_staff, member_a, member_b):
    (session,) = make_sessions(klass, by=academy_staff, days=1)
    enrolled = enrol(klass, member_a.person, academy_staff)
    other = enrol(klass, member_b.person, academy_staff)
    services.enrolment_cancel(enrolment=other, by=academy_staff)
    with pytest.raises(ValidationError) as error:
        services.attendance_record(session=session, present=[other.pk], by=academy_staff)
    assert "未在本班级报名" in messages(error.value, "present")
    assert services.attendance_record(session=session, present=[enrolled.pk], by=academy_staff) == 1
    assert services.attendance_record(session=session, present=[], by=academy_staff) == 0
    assert session.attendances.get().present is False


# --- completion and certificates ---


@pytest.fixture
def ended(klass, academy_staff, union_a, enterprise_a):
    """A class of five past sessions: one trainee attended 4, one 3 (below 80%)."""
    sessions = make_sessions(klass, by=academy_staff)
    good, poor = (
        enrol(klass, make_member(union_a, name=name, enterprise=enterprise_a).person, academy_staff)
        for name in ("陈建明", "刘小芳")
    )
    for i, session in enumerate(sessions):
        present = [good.pk] if i < 4 else []
        if i < 3:
            present.append(poor.pk)
        services.attendance_record(session=session, present=present, by=academy_staff)
    return klass, good, poor


def test_the_class_completes_by_the_course_rule_with_certificates(ended, academy_staff):
    klass, good, poor = ended
    result = services.class_complete(
        training_class=klass, scores={good.pk: "86", poor.pk: "90"}, by=academy_staff, on=date(2024, 5, 11)
    )
    assert result == {"completed": 1, "not_completed": 1}
    good.refresh_from_db()
    poor.refresh_from_db()
    assert good.status == "completed" and good.score == Decimal("86.0")
    assert poor.status == "not_completed" and "出勤3/5次，低于结业要求的80%" in poor.decision_note
    certificate = Certificate.objects.get()
    assert certificate.enrolment == good and certificate.number == "GJXY-2024-000001"
    assert certificate.hours == Decimal("24.0") and len(certificate.token) >= 22
    assert certificate.issued_on == date(2024, 5, 11)


def test_a_score_below_the_pass_mark_does_not_complete(ended, academy_staff):
    klass, good, poor = ended
    with pytest.raises(ValidationError) as error:
        services.enrolment_complete(enrolment=good, score=59, by=academy_staff)
    assert "低于合格分60分" in messages(error.value, "enrolment")
    assert not Certificate.objects.exists()
    good.refresh_from_db()
    assert good.status == "enrolled"


def test_a_missing_or_impossible_score_is_refused(ended, academy_staff):
    klass, good, poor = ended
    with pytest.raises(ValidationError) as error:
        services.class_complete(training_class=klass, scores={good.pk: 80}, by=academy_staff)
    assert "请填写成绩：刘小芳" in messages(error.value, "score")
    with pytest.raises(ValidationError) as error:
        services.enrolment_complete(enrolment=good, score="101", by=academy_staff)
    assert "0至100" in messages(error.value, "score")
    assert not Certificate.objects.exists()
    assert Enrolment.objects.filter(status="enrolled").count() == 2


def test_no_certificate_for_who_did_not_complete(ended, academy_staff):
    _klass, _good, poor = ended
    with pytest.raises(ValidationError) as error:
        services.enrolment_complete(enrolment=poor, score=90, by=academy_staff)
    assert "未达到结业要求" in messages(error.value, "enrolment")
    assert not Certificate.objects.exists()


def test_twice_for_one_completion_gives_one_certificate(ended, academy_staff):
    _klass, good, _poor = ended
    first = services.enrolment_complete(enrolment=good, score=80, by=academy_staff)
    with pytest.raises(ValidationError) as error:
        services.enrolment_complete(enrolment=good, score=80, by=academy_staff)
    assert "不能办理结业" in messages(error.value, "enrolment")
    assert list(Certificate.objects.all()) == [first]


def test_a_completion_whose_certificate_fails_is_undone(ended, academy_staff, monkeypatch):
    _klass, good, _poor = ended
    monkeypatch.setattr(services, "_next_number", lambda year: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        services.enrolment_complete(enrolment=good, score=80, by=academy_staff)
    good.refresh_from_db()
    assert good.status == "enrolled" and good.decided_on is None


def test_the_database_holds_one_certificate_per_person_and_class(ended, academy_staff):
    _klass, good, poor = ended
    first = services.enrolment_complete(enrolment=good, score=80, by=academy_staff)
    with pytest.raises(IntegrityError), transaction.atomic():
        Certificate.objects.create(
            enrolment=poor,  # another enrolment, the same person and class
            person=first.person,
            training_class=first.training_class,
            number="GJXY-2024-999999",
            token="another",
            hours=first.hours,
            issued_on=first.issued_on,
        )


def test_numbers_run_on_within_a_year(ended, academy_staff):
    _klass, good, poor = ended
    first = services.enrolment_complete(enrolment=good, score=80, by=academy_staff, on=date(2024, 5, 11))
    services.attendance_record(session=_klass.sessions.last(), present=[poor.pk], by=academy_staff)
    second = services.enrolment_complete(enrolment=poor, score=80, by=academy_staff, on=date(2025, 1, 3))
    assert (first.number, second.number) == ("GJXY-2024-000001", "GJXY-2025-000001")
    assert first.token != second.token


def test_a_class_with_sessions_ahead_does_not_complete(course, academy_staff, member_a):
    today = timezone.localdate()
    klass = make_class(course, by=academy_staff, starts_on=today, ends_on=today + timedelta(days=3))
    enrolment = enrol(klass, member_a.person, academy_staff, on=today)
    services.session_add(
        training_class=klass,
        on=today + timedelta(days=2),
        starts_at=time(9),
        ends_at=time(12),
        by=academy_staff,
    )
    with pytest.raises(ValidationError) as error:
        services.enrolment_complete(enrolment=enrolment, score=90, by=academy_staff)
    assert "尚有课次未开始" in messages(error.value, "training_class")


def test_an_online_class_credits_its_hours_on_completion(zone, academy_staff, member_a):
    course = make_course(zone, by=academy_staff, title="安全生产法规（线上）", hours=Decimal("8"))
    online = make_class(course, by=academy_staff, mode="online")
    services.class_publish(training_class=online, by=academy_staff)
    enrolment = enrol(online, member_a.person, academy_staff)
    certificate = services.enrolment_complete(enrolment=enrolment, by=academy_staff)
    assert certificate.hours == Decimal("8.0")


def test_a_certificate_is_revoked_with_a_reason(ended, academy_staff):
    _klass, good, _poor = ended
    certificate = services.enrolment_complete(enrolment=good, score=80, by=academy_staff)
    with pytest.raises(ValidationError) as error:
        services.certificate_revoke(certificate=certificate, reason=" ", by=academy_staff)
    assert "请填写撤销原因" in messages(error.value, "reason")
    services.certificate_revoke(certificate=certificate, reason="考核材料不实", by=academy_staff)
    certificate.refresh_from_db()
    assert certificate.is_revoked and certificate.revoked_reason == "考核材料不实"
    with pytest.raises(ValidationError) as error:
        services.certificate_revoke(certificate=certificate, reason="再次", by=academy_staff)
    assert "已于" in messages(error.value, "reason")


def test_union_admins_and_federation_staff_do_not_complete_nor_revoke(ended, academy_staff, admin_a, officer):
    _klass, good, _poor = ended
    for actor in (admin_a, officer):
        with pytest.raises(NotInScope):
            services.enrolment_complete(enrolment=good, score=80, by=actor)
    certificate = services.enrolment_complete(enrolment=good, score=80, by=academy_staff)
    for actor in (admin_a, officer):
        with pytest.raises(NotInScope):
            services.certificate_revoke(certificate=certificate, reason="x", by=actor)


@pytest.mark.parametrize(
    ("name", "masked"), [("张三明", "张*明"), ("李四", "李*"), ("欧阳娜娜", "欧**娜"), ("王", "王"), ("", "")]
)
def test_names_are_masked_for_public_pages(name, masked):
    assert mask_name(name) == masked
