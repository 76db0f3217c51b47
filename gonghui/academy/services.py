"""Writes of the craftsman academy. Each checks its actor first (NotInScope otherwise) and is one
transaction with its audit rows: a cancellation with the promotion it causes, a completion with the
certificate it earns."""

import secrets
from collections.abc import Iterable
from datetime import date, time
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.academy import rollups
from gonghui.academy.models import (
    Attendance,
    Certificate,
    CertificateSequence,
    Course,
    Enrolment,
    Partner,
    Session,
    TrainingClass,
)
from gonghui.academy.selectors import enrolment_root
from gonghui.activities.services import membership_on
from gonghui.core.audit import audit_record
from gonghui.core.errors import field_error
from gonghui.core.roles import Role
from gonghui.core.scope import NotInScope, scope_of
from gonghui.members.models import Person
from gonghui.orgs.models import Organisation


def _academy_federation(federation: Organisation, by) -> Organisation:
    """A federation of the actor's subtree, for which they run the academy."""
    scope = scope_of(by)
    scope.require("academy.manage")
    if not (scope.everything or (scope.path and federation.path.startswith(scope.path))):
        raise NotInScope
    if not federation.is_federation:
        raise field_error("federation", _("工匠学院由总工会开设，%(org)s不是总工会") % {"org": federation})
    return federation


# --- partners and courses ---


@transaction.atomic
def partner_create(*, federation: Organisation, kind: str, name: str, by, contact: str = "") -> Partner:
    federation = _academy_federation(federation, by)
    partner = Partner(
        federation=federation, kind=kind, name=(name or "").strip(), contact=(contact or "").strip()
    )
    partner.full_clean()
    partner.save()
    audit_record(actor=by, action="academy.partner_create", obj=partner, detail={"kind": kind})
    return partner


@transaction.atomic
def course_create(
    *,
    federation: Organisation,
    title: str,
    craft: str,
    hours: Decimal,
    by,
    partner: Partner | None = None,
    description: str = "",
    min_attendance: Decimal = Decimal("0.80"),
    pass_mark: int | None = None,
) -> Course:
    """A course with its class hours and its completion rule (attendance ratio, pass mark)."""
    federation = _academy_federation(federation, by)
    if partner is not None and partner.federation_id != federation.pk:
        raise field_error("partner", _("合作单位不属于%(org)s") % {"org": federation})
    course = Course(
        federation=federation,
        title=(title or "").strip(),
        craft=craft,
        hours=hours,
        partner=partner,
        description=description or "",
        min_attendance=Decimal("0.80") if min_attendance is None else min_attendance,
        pass_mark=pass_mark,
        created_by=by if getattr(by, "pk", None) else None,
    )
    course.full_clean()
    course.save()
    audit_record(
        actor=by,
        action="academy.course_create",
        obj=course,
        detail={"craft": craft, "hours": str(course.hours), "pass_mark": pass_mark},
    )
    return course


# --- classes and sessions ---


def _writable_class(training_class: TrainingClass, by) -> TrainingClass:
    """The class, if the actor runs it, locked for this transaction (enrolments queue on this lock)."""
    TrainingClass.objects.writable_by(by).require(training_class)
    return (
        TrainingClass.objects.select_for_update()
        .select_related("course__federation")
        .get(pk=training_class.pk)
    )


@transaction.atomic
def class_create(
    *,
    course: Course,
    mode: str,
    name: str,
    starts_on: date,
    ends_on: date,
    by,
    place: str = "",
    capacity: int | None = None,
    teacher: str = "",
) -> TrainingClass:
    course = Course.objects.writable_by(by).require(course)
    if starts_on and ends_on and ends_on < starts_on:
        raise field_error("ends_on", _("结束日期不能早于开班日期"))
    online = mode == TrainingClass.Mode.ONLINE
    training_class = TrainingClass(
        course=course,
        mode=mode,
        name=(name or "").strip(),
        starts_on=starts_on,
        ends_on=ends_on,
        place="" if online else (place or "").strip(),
        capacity=None if online else capacity,
        teacher=(teacher or "").strip(),
        created_by=by if getattr(by, "pk", None) else None,
    )
    training_class.full_clean()
    with rollups.changing() as touched:
        training_class.save()
        touched.classes.append(training_class.pk)
    audit_record(
        actor=by,
        action="academy.class_create",
        obj=training_class,
        detail={"course": course.pk, "mode": mode, "capacity": training_class.capacity},
    )
    return training_class


@transaction.atomic
def class_publish(*, training_class: TrainingClass, by) -> TrainingClass:
    """Puts an online class on line: from then on workers may enrol and complete it."""
    training_class = _writable_class(training_class, by)
    if training_class.is_offline:
        raise field_error("training_class", _("线下培训不需要上线"))
    if training_class.published:
        raise field_error("training_class", _("该线上课程已上线"))
    with rollups.changing(classes=[training_class.pk]):
        training_class.published = True
        training_class.save(update_fields=["published"])
    audit_record(actor=by, action="academy.class_publish", obj=training_class)
    return training_class


@transaction.atomic
def class_reschedule(*, training_class: TrainingClass, starts_on: date, ends_on: date, by) -> TrainingClass:
    """Moves a class to other dates; its figures, and its trainees', follow it to the month and year
    it now starts in. Sessions must stay within the new dates."""
    training_class = _writable_class(training_class, by)
    if starts_on and ends_on and ends_on < starts_on:
        raise field_error("ends_on", _("结束日期不能早于开班日期"))
    if starts_on and ends_on and training_class.sessions.exclude(on__range=(starts_on, ends_on)).exists():
        raise field_error("starts_on", _("已安排的课次不在新的开班日期和结束日期之间，请先调整课次"))
    before = {
        "starts_on": training_class.starts_on.isoformat(),
        "ends_on": training_class.ends_on.isoformat(),
    }
    with rollups.changing(classes=[training_class.pk]):
        training_class.starts_on, training_class.ends_on = starts_on, ends_on
        training_class.full_clean()
        training_class.save(update_fields=["starts_on", "ends_on"])
    audit_record(
        actor=by,
        action="academy.class_reschedule",
        obj=training_class,
        detail={"from": before, "to": {"starts_on": starts_on.isoformat(), "ends_on": ends_on.isoformat()}},
    )
    return training_class


@transaction.atomic
def session_add(
    *, training_class: TrainingClass, on: date, starts_at: time, ends_at: time, by, topic: str = ""
) -> Session:
    training_class = _writable_class(training_class, by)
    if not training_class.is_offline:
        raise field_error("on", _("线上课程没有课次"))
    if on is not None and not training_class.starts_on <= on <= training_class.ends_on:
        raise field_error(
            "on",
            _("课次日期应在开班日期%(start)s至结束日期%(end)s之间")
            % {"start": training_class.starts_on.isoformat(), "end": training_class.ends_on.isoformat()},
        )
    if starts_at and ends_at and ends_at <= starts_at:
        raise field_error("ends_at", _("结束时间应晚于开始时间"))
    session = Session(
        training_class=training_class, on=on, starts_at=starts_at, ends_at=ends_at, topic=topic or ""
    )
    session.full_clean(validate_constraints=False)
    taken = field_error("starts_at", _("该时间已有课次"))
    if training_class.sessions.filter(on=on, starts_at=starts_at).exists():
        raise taken
    try:
        with transaction.atomic():
            session.save()
    except IntegrityError:
        raise taken from None
    audit_record(actor=by, action="academy.session_add", obj=session, detail={"class": training_class.pk})
    return session


# --- enrolment, cancellation and the waiting list ---


def not_eligible_error(root: Organisation):
    """Also the answer for an unknown number, so a lookup reveals nothing about other unions."""
    return field_error("person", _("该人员不是%(org)s的在册会员，不能报名") % {"org": root})


def _enrolment_root(training_class: TrainingClass, person: Person, by) -> Organisation:
    """Where the trainee must be a member: the actor's union for a union admin, the course's federation
    otherwise; a worker enrols only themself."""
    scope = scope_of(by)
    federation = training_class.course.federation
    if scope.role == Role.WORKER and not scope.everything:
        scope.require("academy.enrol_self")
        if person.pk != scope.person_id:
            raise NotInScope
        return federation
    scope.require("academy.enrol")
    TrainingClass.objects.visible_to(by).require(training_class)
    if scope.role == Role.UNION_ADMIN:
        Person.objects.visible_to(by).require(person)  # their own members only
    return enrolment_root(by, training_class)


def _seats_taken(training_class: TrainingClass) -> int:
    return training_class.enrolments.filter(status__in=Enrolment.SEATED).count()


@transaction.atomic
def enrolment_create(
    *, training_class: TrainingClass, person: Person, by, on: date | None = None
) -> Enrolment:
    """Enrols a member (on the day) with their employer of that day; past capacity, on the waiting list.

    By academy staff (members of the course's federation), by a union admin (their own members) or by
    the worker themself (self-service).
    """
    on = on or timezone.localdate()
    training_class = TrainingClass.objects.select_related("course__federation").get(pk=training_class.pk)
    root = _enrolment_root(training_class, person, by)
    training_class = (
        TrainingClass.objects.select_for_update()
        .select_related("course__federation")
        .get(pk=training_class.pk)
    )
    if training_class.is_offline and training_class.ends_on < on:
        raise field_error(
            "person", _("该班级已于%(d)s结束，不能报名") % {"d": training_class.ends_on.isoformat()}
        )
    if not training_class.is_offline and not training_class.published:
        raise field_error("person", _("该线上课程尚未上线，不能报名"))
    membership = membership_on(person=person, root=root, on=on)
    if membership is None:
        raise not_eligible_error(root)
    duplicate = field_error("person", _("%(name)s已报名本班级") % {"name": person.name})
    enrolment = training_class.enrolments.filter(person=person).first()
    if enrolment is not None and enrolment.status != Enrolment.Status.CANCELLED:
        raise duplicate
    full = training_class.capacity is not None and _seats_taken(training_class) >= training_class.capacity
    enrolment = enrolment or Enrolment(training_class=training_class, person=person)
    enrolment.membership = membership
    enrolment.union = membership.union
    enrolment.enterprise = membership.enterprise
    enrolment.enrolled_on = on
    enrolment.status = Enrolment.Status.WAITING if full else Enrolment.Status.ENROLLED
    enrolment.queued_at = timezone.now()
    enrolment.cancel_reason = ""
    enrolment.enrolled_by = by if getattr(by, "pk", None) else None
    try:
        with (
            transaction.atomic(),
            rollups.changing(enrolments=[enrolment.pk] if enrolment.pk else []) as touched,
        ):
            enrolment.save()
            touched.enrolments.append(enrolment.pk)
    except IntegrityError:
        raise duplicate from None
    audit_record(
        actor=by,
        action="academy.enrol",
        obj=enrolment,
        detail={"class": training_class.pk, "status": enrolment.status, "union": membership.union.code},
    )
    return enrolment


@transaction.atomic
def enrolment_cancel(*, enrolment: Enrolment, by, reason: str = "") -> Enrolment | None:
    """Cancels an enrolment or a place on the waiting list; a freed place goes to the first in line, in
    the same transaction. Returns the enrolment promoted, if any."""
    Enrolment.objects.writable_by(by).require(enrolment)
    training_class = TrainingClass.objects.select_for_update().get(pk=enrolment.training_class_id)
    enrolment = Enrolment.objects.select_for_update().select_related("person").get(pk=enrolment.pk)
    if enrolment.status not in (Enrolment.Status.ENROLLED, Enrolment.Status.WAITING):
        raise field_error(
            "reason", _("只能取消已报名或候补中的报名（当前：%(s)s）") % {"s": enrolment.get_status_display()}
        )
    freed = enrolment.status == Enrolment.Status.ENROLLED
    with rollups.changing(enrolments=[enrolment.pk]):
        enrolment.status = Enrolment.Status.CANCELLED
        enrolment.cancel_reason = (reason or "").strip()
        enrolment.save(update_fields=["status", "cancel_reason"])
    audit_record(actor=by, action="academy.cancel", obj=enrolment, detail={"reason": enrolment.cancel_reason})
    if not freed:
        return None
    first = (
        training_class.enrolments.select_for_update()
        .filter(status=Enrolment.Status.WAITING)
        .order_by("queued_at", "pk")
        .first()
    )
    if first is None:
        return None
    with rollups.changing(enrolments=[first.pk]):
        first.status = Enrolment.Status.ENROLLED
        first.save(update_fields=["status"])
    audit_record(
        actor=by,
        action="academy.promote",
        obj=first,
        detail={"class": training_class.pk, "freed_by": enrolment.pk},
    )
    return first


# --- attendance ---


@transaction.atomic
def attendance_record(*, session: Session, present: Iterable[int], by) -> int:
    """Who of the enrolled trainees was present (enrolment ids; the others absent). Returns the count present."""
    Session.objects.writable_by(by).require(session)
    session = Session.objects.select_related("training_class").get(pk=session.pk)
    if not session.has_started():
        raise field_error(
            "present",
            _("该课次（%(d)s %(t)s）尚未开始，不能记录考勤")
            % {"d": session.on.isoformat(), "t": session.starts_at.strftime("%H:%M")},
        )
    enrolled = session.training_class.enrolments.filter(status=Enrolment.Status.ENROLLED)
    present = set(present)
    ids = set(enrolled.values_list("pk", flat=True))
    if present - ids:
        raise field_error("present", _("考勤名单中有未在本班级报名的人员"))
    Attendance.objects.filter(session=session, enrolment_id__in=ids).delete()
    recorder = by if getattr(by, "pk", None) else None
    Attendance.objects.bulk_create(
        [
            Attendance(session=session, enrolment_id=pk, present=pk in present, recorded_by=recorder)
            for pk in sorted(ids)
        ]
    )
    audit_record(
        actor=by,
        action="academy.attendance",
        obj=session,
        detail={"present": len(present), "enrolled": len(ids)},
    )
    return len(present)


# --- completion and certificates ---


def _score(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        score = Decimal(str(value))
    except InvalidOperation:
        raise field_error("score", _("考核成绩应为0至100之间的数字")) from None
    if not Decimal(0) <= score <= Decimal(100):
        raise field_error("score", _("考核成绩应为0至100之间的数字"))
    return score.quantize(Decimal("0.1"))


def _class_has_ended(training_class: TrainingClass) -> None:
    """Offline: every session has begun (and there is one); online: the course is on line."""
    if not training_class.is_offline:
        if not training_class.published:
            raise field_error("training_class", _("该线上课程尚未上线，不能结业"))
        return
    sessions = list(training_class.sessions.all())
    if not sessions:
        raise field_error("training_class", _("该班级尚未安排课次，不能结业"))
    if not all(s.has_started() for s in sessions):
        raise field_error("training_class", _("该班级尚有课次未开始，结课后才能结业"))


def shortfall(
    enrolment: Enrolment, course: Course, sessions: int, present: int, score: Decimal | None
) -> str:
    """Why the trainee does not meet the course's rule ("" when they do)."""
    reasons = []
    if enrolment.training_class.is_offline and sessions:
        ratio = Decimal(present) / Decimal(sessions)
        if ratio < course.min_attendance:
            reasons.append(
                _("出勤%(p)d/%(n)d次，低于结业要求的%(r)s%%")
                % {"p": present, "n": sessions, "r": f"{course.min_attendance * 100:.0f}"}
            )
    if course.pass_mark is not None and score is not None and score < course.pass_mark:
        reasons.append(_("考核成绩%(s)s分，低于合格分%(m)d分") % {"s": score, "m": course.pass_mark})
    return "；".join(reasons)


def _next_number(year: int) -> str:
    """The year's next certificate number; the row's lock orders concurrent issues."""
    CertificateSequence.objects.bulk_create([CertificateSequence(year=year)], ignore_conflicts=True)
    CertificateSequence.objects.filter(year=year).update(last=F("last") + 1)
    last = CertificateSequence.objects.get(year=year).last
    return f"{Certificate.PREFIX}-{year}-{last:06d}"


def _decide(enrolment: Enrolment, *, score: Decimal | None, on: date, by, sessions: int, present: int):
    """Completes (with its certificate) or records 未结业 for one enrolled trainee. Returns the certificate or None."""
    course = enrolment.training_class.course
    reason = shortfall(enrolment, course, sessions, present, score)
    status = Enrolment.Status.NOT_COMPLETED if reason else Enrolment.Status.COMPLETED
    decided = Enrolment.objects.filter(pk=enrolment.pk, status=Enrolment.Status.ENROLLED).update(
        status=status, score=score, decided_on=on, decision_note=reason
    )
    if not decided:  # another request decided it first
        raise field_error(
            "enrolment", _("%(name)s已办理结业，不能重复办理") % {"name": enrolment.person.name}
        )
    audit_record(
        actor=by,
        action="academy.complete" if not reason else "academy.not_complete",
        obj=enrolment,
        detail={"score": None if score is None else str(score), "present": present, "sessions": sessions},
    )
    if reason:
        return None
    certificate = Certificate(
        enrolment=enrolment,
        person_id=enrolment.person_id,
        training_class_id=enrolment.training_class_id,
        number=_next_number(on.year),
        token=secrets.token_urlsafe(18),
        hours=course.hours,
        issued_on=on,
        issued_by=by if getattr(by, "pk", None) else None,
    )
    try:
        with transaction.atomic():
            certificate.save()
    except IntegrityError:
        raise field_error(
            "enrolment", _("%(name)s已取得本班级的结业证书") % {"name": enrolment.person.name}
        ) from None
    audit_record(
        actor=by, action="academy.certificate_issue", obj=certificate, detail={"enrolment": enrolment.pk}
    )
    return certificate


def _present_counts(training_class: TrainingClass) -> dict[int, int]:
    counts: dict[int, int] = {}
    for enrolment_id in Attendance.objects.filter(
        session__training_class=training_class, present=True
    ).values_list("enrolment_id", flat=True):
        counts[enrolment_id] = counts.get(enrolment_id, 0) + 1
    return counts


def _require_scores(course: Course, enrolments, scores: dict) -> None:
    if course.pass_mark is None:
        return
    missing = [e.person.name for e in enrolments if scores.get(e.pk) is None]
    if missing:
        raise field_error(
            "score",
            _("本课程须考核（合格分%(m)d分），请填写成绩：%(names)s")
            % {"m": course.pass_mark, "names": "、".join(missing)},
        )


@transaction.atomic
def enrolment_complete(*, enrolment: Enrolment, by, score=None, on: date | None = None) -> Certificate:
    """Completes one trainee by the course's rule and issues the certificate in the same transaction;
    refuses one who does not meet the rule, or who was already decided (a second request at once)."""
    Enrolment.objects.writable_by(by).require(enrolment)
    training_class = _writable_class(enrolment.training_class, by)
    enrolment = Enrolment.objects.select_related("person", "training_class__course").get(pk=enrolment.pk)
    if enrolment.status != Enrolment.Status.ENROLLED:
        raise field_error(
            "enrolment",
            _("%(name)s当前状态为%(s)s，不能办理结业")
            % {"name": enrolment.person.name, "s": enrolment.get_status_display()},
        )
    _class_has_ended(training_class)
    score = _score(score)
    course = training_class.course
    _require_scores(course, [enrolment], {enrolment.pk: score})
    sessions = training_class.sessions.count()
    present = _present_counts(training_class).get(enrolment.pk, 0)
    if reason := shortfall(enrolment, course, sessions, present, score):
        raise field_error(
            "enrolment", _("%(name)s未达到结业要求：%(r)s") % {"name": enrolment.person.name, "r": reason}
        )
    with rollups.changing(enrolments=[enrolment.pk]):  # a completed place is still a place held
        return _decide(
            enrolment, score=score, on=on or timezone.localdate(), by=by, sessions=sessions, present=present
        )


@transaction.atomic
def class_complete(
    *, training_class: TrainingClass, by, scores: dict | None = None, on: date | None = None
) -> dict:
    """Decides every enrolled trainee of an ended class by the course's rule: those who meet it complete
    and get their certificate, the others are recorded 未结业 with the reason. scores: enrolment id → mark."""
    training_class = _writable_class(training_class, by)
    _class_has_ended(training_class)
    enrolments = list(
        training_class.enrolments.filter(status=Enrolment.Status.ENROLLED)
        .select_related("person", "training_class__course")
        .order_by("person__name_pinyin", "pk")
    )
    if not enrolments:
        raise field_error("training_class", _("没有待结业的学员"))
    scores = {int(k): _score(v) for k, v in (scores or {}).items()}
    course = training_class.course
    _require_scores(course, enrolments, scores)
    sessions = training_class.sessions.count()
    present = _present_counts(training_class)
    on = on or timezone.localdate()
    with rollups.changing(classes=[training_class.pk]):
        certificates = [
            c
            for e in enrolments
            if (
                c := _decide(
                    e, score=scores.get(e.pk), on=on, by=by, sessions=sessions, present=present.get(e.pk, 0)
                )
            )
        ]
    audit_record(
        actor=by,
        action="academy.class_complete",
        obj=training_class,
        detail={"completed": len(certificates), "not_completed": len(enrolments) - len(certificates)},
    )
    return {"completed": len(certificates), "not_completed": len(enrolments) - len(certificates)}


@transaction.atomic
def certificate_revoke(*, certificate: Certificate, reason: str, by) -> Certificate:
    """Revoked by who runs the class that issued it (not by academy staff whose members took it elsewhere)."""
    certificate = Certificate.objects.writable_by(by).require(certificate)
    TrainingClass.objects.writable_by(by).require(certificate.training_class_id)
    certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
    reason = (reason or "").strip()
    if not reason:
        raise field_error("reason", _("请填写撤销原因"))
    if certificate.is_revoked:
        raise field_error(
            "reason", _("该证书已于%(d)s撤销") % {"d": timezone.localdate(certificate.revoked_at).isoformat()}
        )
    certificate.revoked_at = timezone.now()
    certificate.revoked_reason = reason[:200]
    certificate.revoked_by = by if getattr(by, "pk", None) else None
    certificate.save(update_fields=["revoked_at", "revoked_reason", "revoked_by"])
    audit_record(
        actor=by,
        action="academy.certificate_revoke",
        obj=certificate,
        detail={"reason": certificate.revoked_reason},
    )
    return certificate
