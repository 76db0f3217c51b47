"""The craftsman academy in the authorization tests: each zone's course with an offline class (a past
session, the side's member enrolled, completed and certified); the rows of every page and the
service calls.

Academy staff (ZONE's) run their zone's courses and read the trainees' names and employers; union
admins read the courses of the federations above them and enrol their own members; federation staff
follow their subtree without running it; a worker reads their own certificate; the verification page
is public.
"""

from datetime import date, time
from decimal import Decimal

from gonghui.academy import services
from gonghui.accounts.models import User
from gonghui.core.roles import Role
from gonghui.members.tests.factories import make_member
from tests.authorization.common import (
    FOUND,
    NOT_ALLOWED,
    OFFICERS,
    OK,
    Call,
    Row,
    answers,
    everyone,
    obj,
    only,
)
from tests.authorization.world import ACADEMY, CITY, PASSWORD, PLATFORM, U1, U2, WORKER, ZONE, ZONE2

MAY = date(2024, 5, 1)
READERS = OFFICERS | {ACADEMY}
# A course or class of ZONE (own) / ZONE2 (foreign): its federations' staff, the academy of ZONE, the
# admins of the unions below it (U0001 and U0002 for ZONE's), the platform.
CLASS_OWN, CLASS_FOREIGN = {U1, U2, ZONE, CITY, PLATFORM, ACADEMY}, {ZONE2, CITY, PLATFORM}
RUNS_OWN, RUNS_FOREIGN = {ACADEMY, PLATFORM}, {PLATFORM}
STAFF_OWN, STAFF_FOREIGN = {ZONE, CITY, PLATFORM, ACADEMY}, {ZONE2, CITY, PLATFORM}
CERTIFICATE_OWN = {WORKER, U1, ZONE, CITY, PLATFORM, ACADEMY}
TRAINEES = {ACADEMY: "甲鑫"}  # academy staff read the trainees' names and employers


def _academy_staff(federation, username):
    user = User(username=username, role=Role.ACADEMY_STAFF, organisation=federation)
    user.set_password(PASSWORD)
    user.save()
    return user


def _side(side, staff):
    o = side.objects
    o["academy_staff"] = staff
    o["course"] = services.course_create(
        federation=side.federation, title="电工安全操作", craft="electrical", hours=Decimal("16"), by=staff
    )
    o["class"] = services.class_create(
        course=o["course"],
        mode="offline",
        name="2024年第1期",
        starts_on=date(2024, 5, 6),
        ends_on=date(2024, 5, 10),
        place="实训楼",
        capacity=30,
        by=staff,
    )
    o["session"] = services.session_add(
        training_class=o["class"], on=date(2024, 5, 6), starts_at=time(9), ends_at=time(12), by=staff
    )
    o["enrolment"] = services.enrolment_create(
        training_class=o["class"], person=side.person, by=staff, on=MAY
    )
    services.attendance_record(session=o["session"], present=[o["enrolment"].pk], by=staff)
    o["certificate"] = services.enrolment_complete(enrolment=o["enrolment"], by=staff, on=date(2024, 5, 11))


def extend(world) -> None:
    _side(world.own, world.users[ACADEMY])
    _side(world.foreign, _academy_staff(world.foreign.federation, "m-academy-2"))


def _token(w, side):
    return [w.side(side).certificate.token]


ROWS = {
    "academy:course_list": Row(get=only(READERS), post=only(READERS)),
    "academy:partner_list": Row(get=only(READERS), post=only(READERS)),
    "academy:certificate_list": Row(get=only(READERS), post=only(READERS), also_reads={ACADEMY: "甲"}),
    "academy:course_create": Row(get=only(RUNS_OWN), post=only(RUNS_OWN)),
    "academy:course_detail": Row(
        args=obj("course"), get=answers(CLASS_OWN, CLASS_FOREIGN), post=answers(CLASS_OWN, CLASS_FOREIGN)
    ),
    "academy:class_create": Row(
        args=obj("course"), get=answers(RUNS_OWN, RUNS_FOREIGN), post=answers(RUNS_OWN, RUNS_FOREIGN)
    ),
    "academy:class_detail": Row(
        also_reads=TRAINEES,
        args=obj("class"),
        get=answers(CLASS_OWN, CLASS_FOREIGN),
        post=answers(CLASS_OWN, CLASS_FOREIGN),
    ),
    # those who enrol (union admins their members, academy staff): an empty body is an invalid form
    "academy:class_enrol": Row(
        also_reads=TRAINEES,
        args=obj("class"),
        get=everyone(NOT_ALLOWED),
        post=answers({U1, U2, ACADEMY, PLATFORM}, {PLATFORM}),
    ),
    "academy:session_add": Row(
        also_reads=TRAINEES,
        args=obj("class"),
        get=everyone(NOT_ALLOWED),
        post=answers(RUNS_OWN, RUNS_FOREIGN),
    ),
    "academy:class_publish": Row(
        args=obj("class"), get=everyone(NOT_ALLOWED), post=answers(RUNS_OWN, RUNS_FOREIGN, yes=FOUND)
    ),
    "academy:class_completion": Row(
        args=obj("class"), get=answers(RUNS_OWN, RUNS_FOREIGN), post=answers(RUNS_OWN, RUNS_FOREIGN)
    ),
    # the trainee themself, their union's admin, the academy (a completed enrolment: refused, said so)
    "academy:enrolment_cancel": Row(
        args=obj("enrolment"),
        get=everyone(NOT_ALLOWED),
        post=answers({WORKER, U1, ACADEMY, PLATFORM}, {PLATFORM}, yes=FOUND),
    ),
    "academy:session_attendance": Row(
        also_reads=TRAINEES,
        args=obj("session"),
        get=answers(STAFF_OWN, STAFF_FOREIGN),
        post=answers(STAFF_OWN, STAFF_FOREIGN),
    ),
    "academy:certificate_detail": Row(
        also_reads=TRAINEES,
        args=obj("certificate"),
        get=answers(CERTIFICATE_OWN, CLASS_FOREIGN),
        post=answers(CERTIFICATE_OWN, CLASS_FOREIGN),
    ),
    "academy:certificate_pdf": Row(
        args=obj("certificate"),
        get=answers(CERTIFICATE_OWN, CLASS_FOREIGN),
        post=answers(CERTIFICATE_OWN, CLASS_FOREIGN),
    ),
    "academy:certificate_revoke": Row(
        also_reads=TRAINEES,
        args=obj("certificate"),
        get=everyone(NOT_ALLOWED),
        post=answers(RUNS_OWN, RUNS_FOREIGN),
    ),
    # public: anyone, signed in or not, sees whether a certificate is valid (the holder's name masked)
    "academy:verify": Row(args=_token, get=everyone(OK, anonymous=OK), post=everyone(OK, anonymous=OK)),
}


def _trainee(w, name="赵新民"):
    """A new member of U0001 in ZONE's class, enrolled by the academy, attending its session."""
    person = make_member(w.own.union, name=name, enterprise=w.own.enterprise).person
    enrolment = services.enrolment_create(
        training_class=w.own.objects["class"], person=person, by=w.users[ACADEMY], on=MAY
    )
    services.attendance_record(session=w.own.session, present=[enrolment.pk], by=w.users[ACADEMY])
    return {"enrolment": enrolment}


def _online(w):
    return {
        "online": services.class_create(
            course=w.own.course,
            mode="online",
            name="线上课程",
            starts_on=date(2024, 3, 1),
            ends_on=date(2024, 12, 31),
            by=w.users[ACADEMY],
        )
    }


CALLS = {
    "academy_partner_create": Call(
        lambda w, by: services.partner_create(
            federation=w.own.federation, kind="school", name="职业技术学院", by=by
        ),
        ACADEMY,
    ),
    "academy_course_create": Call(
        lambda w, by: services.course_create(
            federation=w.own.federation, title="设备点检", craft="maintenance", hours=Decimal("8"), by=by
        ),
        ACADEMY,
    ),
    "academy_class_create": Call(
        lambda w, by: services.class_create(
            course=w.own.course,
            mode="offline",
            name="2024年第2期",
            starts_on=date(2024, 9, 2),
            ends_on=date(2024, 9, 6),
            by=by,
        ),
        ACADEMY,
    ),
    "academy_class_publish": Call(
        lambda w, by, online: services.class_publish(training_class=online, by=by), ACADEMY, prepare=_online
    ),
    "academy_session_add": Call(
        lambda w, by: services.session_add(
            training_class=w.own.objects["class"],
            on=date(2024, 5, 7),
            starts_at=time(14),
            ends_at=time(17),
            by=by,
        ),
        ACADEMY,
    ),
    "academy_enrolment_create": Call(
        lambda w, by, person: services.enrolment_create(
            training_class=w.own.objects["class"], person=person, by=by, on=MAY
        ),
        U1,
        prepare=lambda w: {"person": make_member(w.own.union, name="钱新华").person},
    ),
    "academy_enrolment_cancel": Call(
        lambda w, by, enrolment: services.enrolment_cancel(enrolment=enrolment, by=by), U1, prepare=_trainee
    ),
    "academy_attendance_record": Call(
        lambda w, by: services.attendance_record(session=w.own.session, present=[], by=by), ACADEMY
    ),
    "academy_enrolment_complete": Call(
        lambda w, by, enrolment: services.enrolment_complete(enrolment=enrolment, by=by),
        ACADEMY,
        prepare=_trainee,
    ),
    "academy_class_complete": Call(
        lambda w, by, enrolment: services.class_complete(training_class=w.own.objects["class"], by=by),
        ACADEMY,
        prepare=_trainee,
    ),
    "academy_certificate_revoke": Call(
        lambda w, by: services.certificate_revoke(certificate=w.own.certificate, reason="材料不实", by=by),
        ACADEMY,
    ),
}
