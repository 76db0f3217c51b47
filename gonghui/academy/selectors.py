import re

from django.db.models import Case, Count, Exists, OuterRef, Q, QuerySet, Subquery, When
from django.urls import reverse
from django.utils import timezone

from gonghui.academy.models import (
    Attendance,
    Certificate,
    Course,
    Enrolment,
    Partner,
    Session,
    TrainingClass,
    ancestors,
)
from gonghui.core.registry import Evidence
from gonghui.core.roles import Role
from gonghui.core.scope import scope_of
from gonghui.members.models import Membership, Person
from gonghui.orgs.models import Organisation


def academy_federations(user) -> QuerySet[Organisation]:
    """The federations for which the user runs the academy (their own, or any for a platform admin)."""
    scope = scope_of(user)
    if not scope.can("academy.manage"):
        return Organisation.objects.none()
    federations = Organisation.objects.filter(
        kind__in=Organisation.FEDERATION_KINDS, dissolved_on__isnull=True
    )
    return federations if scope.everything else federations.filter(path__startswith=scope.path)


def enrolment_root(user, training_class: TrainingClass) -> Organisation:
    """Where a trainee the user enrols must be a member: a union admin's own union, else the course's federation."""
    scope = scope_of(user)
    if scope.role == Role.UNION_ADMIN and not scope.everything:
        return Organisation.objects.get(pk=scope.organisation_id)
    return training_class.course.federation


def partner_list(user) -> QuerySet[Partner]:
    return (
        Partner.objects.visible_to(user).select_related("federation").annotate(course_count=Count("courses"))
    )


def course_list(user, *, craft: str = "", q: str = "") -> QuerySet[Course]:
    """One query: each course with its federation, partner and number of classes."""
    qs = Course.objects.visible_to(user).select_related("federation", "partner")
    if craft:
        qs = qs.filter(craft=craft)
    if q:
        qs = qs.filter(title__icontains=q)
    return qs.annotate(class_count=Count("classes")).order_by("craft", "title", "pk")


def classes_of(course: Course) -> QuerySet[TrainingClass]:
    """One query: the course's classes with their seated and waiting counts."""
    return course.classes.annotate(
        seated=Count("enrolments", filter=Q(enrolments__status__in=Enrolment.SEATED)),
        waiting=Count("enrolments", filter=Q(enrolments__status=Enrolment.Status.WAITING)),
    ).order_by("-starts_on", "-pk")


def roster(training_class: TrainingClass, user) -> list[Enrolment]:
    """The class's enrolments the user reaches (a union admin: their own members'), with who they are,
    their union and employer, the sessions they attended and their certificate: one query."""
    return list(
        Enrolment.objects.visible_to(user)
        .filter(training_class=training_class)
        .select_related("person", "union", "enterprise", "certificate")
        .annotate(present=Count("attendances", filter=Q(attendances__present=True)))
        .order_by("status", "queued_at", "pk")
    )


def sessions_of(training_class: TrainingClass, user) -> list[Session]:
    """The class's sessions (for who follows the academy's classes) with their attendance counts."""
    now = timezone.now()
    sessions = list(
        Session.objects.visible_to(user)
        .filter(training_class=training_class)
        .annotate(present=Count("attendances", filter=Q(attendances__present=True)))
        .order_by("on", "starts_at", "pk")
    )
    for session in sessions:
        session.started = session.has_started(now)
    return sessions


def attendance_of(session: Session) -> dict[int, bool]:
    return dict(Attendance.objects.filter(session=session).values_list("enrolment_id", "present"))


def certificate_list(user, *, year: int | None = None, q: str = "") -> QuerySet[Certificate]:
    """One query: certificates with their holder and course."""
    qs = Certificate.objects.visible_to(user).select_related("person", "training_class__course")
    if year:
        qs = qs.filter(issued_on__year=year)
    if q:
        qs = qs.filter(Q(number__icontains=q) | Q(person__name__icontains=q))
    return qs.order_by("-issued_on", "-number")


TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{1,32}")  # secrets.token_urlsafe, as the certificates are issued


def certificate_by_token(token: str) -> Certificate | None:
    """The public verification's lookup: by the opaque token alone, which is the capability. Anything
    that is not a token's shape (a forged link, a NUL PostgreSQL would refuse) finds nothing."""
    if not TOKEN_RE.fullmatch(token or ""):
        return None
    return (
        Certificate.objects.filter(token=token)
        .select_related("person", "training_class__course__federation")
        .first()
    )


def talent_evidence(person: Person) -> list[Evidence]:
    """The person's certificates (revoked ones flagged), with the craft and the class hours credited."""
    certificates = Certificate.objects.filter(person=person).select_related(
        "training_class__course__federation"
    )
    return [
        Evidence(
            kind="academy.certificate",
            on=c.issued_on,
            title=f"{c.training_class.course.title}（{c.training_class.name}）",
            level="city"
            if c.training_class.course.federation.kind == Organisation.Kind.CITY_FEDERATION
            else "zone",
            craft=c.training_class.course.get_craft_display(),
            hours=c.hours,
            url=reverse("academy:certificate_detail", args=[c.pk]),
            ref=f"academy.certificate:{c.pk}",
            revoked=c.is_revoked,
        )
        for c in certificates.order_by("issued_on", "pk")
    ]


def classes_awaiting_completion(user) -> int | None:
    """Classes the user runs that have ended with trainees not yet decided; None for who runs none."""
    if not scope_of(user).can("academy.manage"):
        return None
    return TrainingClass.objects.writable_by(user).awaiting_completion(timezone.localdate()).count()


def class_list(user, *, course: int | None = None) -> QuerySet[TrainingClass]:
    """One query: the classes the user reaches with their course and their seated and waiting counts."""
    qs = TrainingClass.objects.visible_to(user).select_related("course")
    if course:
        qs = qs.filter(course_id=course)
    return qs.annotate(
        seated=Count("enrolments", filter=Q(enrolments__status__in=Enrolment.SEATED)),
        waiting=Count("enrolments", filter=Q(enrolments__status=Enrolment.Status.WAITING)),
    ).order_by("-starts_on", "-pk")


def enrolment_list(user, *, training_class: int | None = None, status: str = "") -> QuerySet[Enrolment]:
    """One query: the enrolments the user reaches (a union admin: their own members') with who and where."""
    qs = Enrolment.objects.visible_to(user).select_related("person", "union", "training_class")
    if training_class:
        qs = qs.filter(training_class_id=training_class)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("training_class_id", "status", "queued_at", "pk")


def own_enrolments(user) -> QuerySet[Enrolment]:
    """A worker's own enrolments, newest class first, each waiting one with its place in line
    (`place`: 1 is next). One query."""
    ahead = Enrolment.objects.filter(
        Q(queued_at__lt=OuterRef("queued_at")) | Q(queued_at=OuterRef("queued_at"), pk__lte=OuterRef("pk")),
        training_class=OuterRef("training_class"),
        status=Enrolment.Status.WAITING,
    )
    place = Subquery(ahead.order_by().values("training_class").annotate(n=Count("pk")).values("n")[:1])
    return (
        Enrolment.objects.visible_to(user)
        .select_related("training_class__course", "certificate")
        .annotate(place=Case(When(status=Enrolment.Status.WAITING, then=place), default=None))
        .order_by("-training_class__starts_on", "-pk")
    )


def classes_open_to(user, *, on=None) -> QuerySet[TrainingClass]:
    """The classes a worker may enrol in themself: of the federations above their union, offline
    ones not yet over and online ones published, not already joined. One query, with seats."""
    scope = scope_of(user)
    membership = Membership.objects.visible_to(user).active().select_related("union").first()
    if scope.role != Role.WORKER or membership is None:
        return TrainingClass.objects.none()
    on = on or timezone.localdate()
    joined = Enrolment.objects.filter(training_class=OuterRef("pk"), person_id=scope.person_id).exclude(
        status=Enrolment.Status.CANCELLED
    )
    return (
        TrainingClass.objects.filter(course__federation__path__in=ancestors(membership.union.path))
        .filter(
            Q(mode=TrainingClass.Mode.OFFLINE, ends_on__gte=on)
            | Q(mode=TrainingClass.Mode.ONLINE, published=True)
        )
        .filter(~Q(Exists(joined)))
        .select_related("course")
        .annotate(
            seated=Count("enrolments", filter=Q(enrolments__status__in=Enrolment.SEATED)),
            waiting=Count("enrolments", filter=Q(enrolments__status=Enrolment.Status.WAITING)),
        )
        .order_by("starts_on", "pk")
    )
