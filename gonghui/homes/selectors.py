"""Reads on worker homes and events, always through visible_to."""

from dataclasses import dataclass

from django.db.models import Case, Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core import crypto
from gonghui.core.roles import Role
from gonghui.core.scope import scope_of
from gonghui.core.validators import normalise_number
from gonghui.homes.models import Event, EventQuota, EventRegistration, HomeAward, WorkerHome, _ancestor_paths
from gonghui.members.models import Membership
from gonghui.members.selectors import ID_RE, INITIALS_RE

Status = EventRegistration.Status


def home_list(user, *, q: str = "", demonstration: str = "") -> QuerySet[WorkerHome]:
    """Two queries: the homes with their union and photo count, then their titles (highest first)."""
    qs = WorkerHome.objects.visible_to(user).select_related("union")
    if q := (q or "").strip():
        qs = qs.filter(Q(name__contains=q) | Q(address__contains=q) | Q(union__name__contains=q))
    if demonstration:
        qs = qs.filter(awards__isnull=False).distinct()
    return qs.annotate(photo_count=Count("photos", distinct=True)).prefetch_related(
        Prefetch("awards", queryset=HomeAward.objects.order_by("-level", "-year", "pk"))
    )


def event_list(user, *, year: int | None = None, kind: str = "") -> QuerySet[Event]:
    """One query: each event with its organiser and its confirmed, waiting and checked-in counts."""
    qs = Event.objects.visible_to(user).select_related("organiser")
    if year:
        qs = qs.filter(starts_at__year=year)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.annotate(
        confirmed=Count("registrations", filter=Q(registrations__status=Status.CONFIRMED)),
        waiting=Count("registrations", filter=Q(registrations__status=Status.WAITING)),
        checked_in=Count("registrations__check_in"),
    ).order_by("-starts_at", "-pk")


@dataclass
class Pool:
    label: str
    seats: int
    confirmed: int
    waiting: int
    quota: EventQuota | None = None

    @property
    def free(self) -> int:
        return max(self.seats - self.confirmed, 0)


def pools_of(event: Event, user) -> list[Pool]:
    """The seat pools the user may see: the union quotas they reach, then the open seats. Two queries."""
    counts = {
        row["quota"]: row
        for row in event.registrations.values("quota").annotate(
            confirmed=Count("pk", filter=Q(status=Status.CONFIRMED)),
            waiting=Count("pk", filter=Q(status=Status.WAITING)),
        )
    }
    every_quota = list(event.quotas.select_related("union"))
    reached = set(EventQuota.objects.visible_to(user).filter(event=event).values_list("pk", flat=True))
    empty = {"confirmed": 0, "waiting": 0}
    pools = [
        Pool(
            q.union.name, q.seats, counts.get(q.pk, empty)["confirmed"], counts.get(q.pk, empty)["waiting"], q
        )
        for q in every_quota
        if q.pk in reached
    ]
    open_row = counts.get(None, empty)
    open_seats = event.capacity - sum(q.seats for q in every_quota)
    pools.append(Pool(_("公开名额"), open_seats, open_row["confirmed"], open_row["waiting"]))
    return pools


def registrations_of(event: Event, user) -> list[EventRegistration]:
    """The registrations the user reaches, seats first, then each pool's waiting list in its order
    (each waiting registration carries its place in line), then the cancelled. One query."""
    rows = list(
        EventRegistration.objects.visible_to(user)
        .filter(event=event)
        .select_related("person", "union", "quota__union", "check_in")
        .order_by("queued_at", "pk")
    )
    place: dict[int | None, int] = {}
    for registration in rows:
        if registration.status == Status.WAITING:
            place[registration.quota_id] = place.get(registration.quota_id, 0) + 1
            registration.place_in_line = place[registration.quota_id]
    order = {Status.CONFIRMED: 0, Status.WAITING: 1, Status.CANCELLED: 2}
    return sorted(rows, key=lambda r: (order[r.status], r.quota_id or 0, r.queued_at, r.pk))


def checkin_search(event: Event, user, q: str, *, limit: int = 20) -> list[EventRegistration]:
    """The registrations of the event the officer may check in, found by part of the name, pinyin
    initials (zs → 张三) or the exact ID number. One query."""
    q = (q or "").strip()
    if not q:
        return []
    qs = (
        EventRegistration.objects.writable_by(user)
        .filter(event=event)
        .select_related("person", "union", "check_in")
    )
    compact = normalise_number(q)
    if ID_RE.fullmatch(compact):
        qs = qs.filter(person__id_hash=crypto.lookup_hash(compact))
    elif INITIALS_RE.fullmatch(q.lower()):
        qs = qs.filter(person__name_initials__startswith=q.lower())
    else:
        qs = qs.filter(person__name__contains=q)
    return list(qs.order_by("person__name_pinyin", "pk")[:limit])


def checkin_counts(event: Event, user) -> dict:
    """Seats and check-ins among the registrations the user reaches. One query."""
    return (
        EventRegistration.objects.visible_to(user)
        .filter(event=event)
        .aggregate(
            confirmed=Coalesce(Count("pk", filter=Q(status=Status.CONFIRMED)), 0),
            checked_in=Coalesce(Count("check_in"), 0),
        )
    )


def registration_list(user, *, event: int | None = None, status: str = "") -> QuerySet[EventRegistration]:
    """One query: the registrations the user reaches, with the person, their union and any check-in."""
    qs = EventRegistration.objects.visible_to(user).select_related("person", "union", "check_in")
    if event:
        qs = qs.filter(event_id=event)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("event_id", "queued_at", "pk")


def _place_in(pool: Q) -> Subquery:
    """How many wait in the registration's pool up to and including it (1: next in line)."""
    ahead = EventRegistration.objects.filter(
        pool,
        Q(queued_at__lt=OuterRef("queued_at")) | Q(queued_at=OuterRef("queued_at"), pk__lte=OuterRef("pk")),
        event=OuterRef("event"),
        status=Status.WAITING,
    )
    return Subquery(ahead.order_by().values("event").annotate(n=Count("pk")).values("n")[:1])


def own_registrations(user) -> QuerySet[EventRegistration]:
    """A worker's own registrations, soonest event first, each waiting one with its place in its
    pool's line (`place`). One query."""
    return (
        EventRegistration.objects.visible_to(user)
        .select_related("event", "check_in")
        .annotate(
            place=Case(
                When(status=Status.WAITING, quota__isnull=True, then=_place_in(Q(quota__isnull=True))),
                When(status=Status.WAITING, then=_place_in(Q(quota=OuterRef("quota")))),
                default=None,
            )
        )
        .order_by("-event__starts_at", "-pk")
    )


def events_open_to(user, *, now=None) -> QuerySet[Event]:
    """The events a worker may register for themself now: organised by their union or a federation
    above it, registration open, not already registered. One query."""
    scope = scope_of(user)
    membership = Membership.objects.visible_to(user).active().select_related("union").first()
    if scope.role != Role.WORKER or membership is None:
        return Event.objects.none()
    now = now or timezone.now()
    registered = EventRegistration.objects.filter(event=OuterRef("pk"), person_id=scope.person_id).exclude(
        status=Status.CANCELLED
    )
    return (
        Event.objects.filter(organiser__path__in=_ancestor_paths(membership.union.path))
        .filter(registration_opens_at__lte=now, registration_closes_at__gte=now)
        .filter(~Q(Exists(registered)))
        .select_related("organiser")
        .order_by("starts_at", "pk")
    )
