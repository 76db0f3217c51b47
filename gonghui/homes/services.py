"""Writes on worker homes and events. Each checks its actor before it changes anything (NotInScope
otherwise) and is one transaction with its audit row.

Seats of an event fall into pools: each union quota is a pool for that union's members, and the
seats no quota holds are the open pool for the members of the other unions. A registration takes a
seat of its pool or, when the pool is full, joins that pool's waiting list; a seat freed in a pool
goes to the first in line of the same pool, in the transaction that frees it.
"""

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from pathlib import PurePosixPath

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.activities.services import membership_on, not_registrable_error
from gonghui.core.audit import audit_record
from gonghui.core.dates import not_future
from gonghui.core.errors import field_error
from gonghui.core.roles import Role
from gonghui.core.scope import NotInScope, SystemActor, scope_of
from gonghui.core.uploads import validate_document
from gonghui.homes.models import (
    CheckIn,
    Event,
    EventQuota,
    EventRegistration,
    Facility,
    HomeAward,
    HomePhoto,
    WorkerHome,
)
from gonghui.members.models import Person
from gonghui.orgs.models import Organisation

CHECK_IN_OPENS_BEFORE = timedelta(hours=6)
PHOTO_SUFFIXES = {".jpg", ".jpeg", ".png"}
HOME_FIELDS = ("name", "address", "facilities", "area_m2", "opened_on", "closed_on", "description")


def _user(by):
    """The user to record as having done it; None for a SystemActor (the audit row names it)."""
    return None if isinstance(by, SystemActor) else by


def _moment(value: datetime) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


# --- worker homes ---


def _facilities(values: Iterable[str]) -> list[str]:
    values = set(values or ())
    if unknown := values - set(Facility.values):
        raise field_error(
            "facilities", _("设施：未知的设施「%(keys)s」") % {"keys": "、".join(sorted(unknown))}
        )
    return [key for key in Facility.values if key in values]


def _check_home_dates(home: WorkerHome) -> None:
    not_future(home.opened_on, field="opened_on", label=_("建成日期"))
    if home.closed_on is not None and home.closed_on < home.opened_on:
        raise field_error("closed_on", _("停用日期不能早于建成日期"))


@transaction.atomic
def home_create(
    *,
    union: Organisation,
    name: str,
    address: str,
    opened_on: date,
    by,
    facilities: Iterable[str] = (),
    area_m2: int | None = None,
    description: str = "",
) -> WorkerHome:
    """A worker home of a union (or federation) the actor acts for."""
    scope_of(by).require("homes.manage")
    union = Organisation.objects.writable_by(by).require(union)
    if union.dissolved_on is not None:
        raise field_error("union", _("%(org)s已撤销，不能登记职工之家") % {"org": union})
    home = WorkerHome(
        union=union,
        name=(name or "").strip(),
        address=(address or "").strip(),
        facilities=_facilities(facilities),
        area_m2=area_m2,
        opened_on=opened_on,
        description=description or "",
        created_by=_user(by),
    )
    home.full_clean(validate_constraints=False)
    _check_home_dates(home)
    home.save()
    audit_record(actor=by, action="homes.create", obj=home, detail={"union": union.code, "name": home.name})
    return home


@transaction.atomic
def home_update(*, home: WorkerHome, by, **changes) -> WorkerHome:
    """Changes the home's details (HOME_FIELDS); closed_on marks it out of use."""
    if unknown := set(changes) - set(HOME_FIELDS):
        raise TypeError(f"home_update() got unexpected fields {sorted(unknown)}")
    scope_of(by).require("homes.manage")
    home = WorkerHome.objects.writable_by(by).select_for_update(of=("self",)).require(home)
    if "facilities" in changes:
        changes["facilities"] = _facilities(changes["facilities"])
    for text in ("name", "address"):
        if text in changes:
            changes[text] = (changes[text] or "").strip()
    changed = [field for field in HOME_FIELDS if field in changes and getattr(home, field) != changes[field]]
    for field in changed:
        setattr(home, field, changes[field])
    home.full_clean(validate_constraints=False)
    _check_home_dates(home)
    if changed:
        home.save(update_fields=changed)
        audit_record(actor=by, action="homes.update", obj=home, detail={"fields": changed})
    return home


@transaction.atomic
def home_award(*, home: WorkerHome, kind: str, level: int, year: int, by, awarded_by: str = "") -> HomeAward:
    """Records a title a federation gave the home (示范点, 模范职工之家) at one level, in one year."""
    scope_of(by).require("homes.award")
    home = WorkerHome.objects.visible_to(by).require(home)
    if year is None or year > timezone.localdate().year:
        raise field_error("year", _("命名年度不能晚于今年"))
    if year < home.opened_on.year:
        raise field_error(
            "year", _("命名年度早于该职工之家的建成年份（%(y)d年）") % {"y": home.opened_on.year}
        )
    award = HomeAward(
        home=home,
        kind=kind,
        level=level,
        year=year,
        awarded_by=(awarded_by or "").strip(),
        recorded_by=_user(by),
    )
    award.full_clean(validate_constraints=False)
    duplicate = field_error("level", _("该职工之家已有这一命名：%(title)s") % {"title": award.title})
    if home.awards.filter(kind=kind, level=level).exists():
        raise duplicate
    try:
        with transaction.atomic():
            award.save()
    except IntegrityError:
        raise duplicate from None
    audit_record(actor=by, action="homes.award", obj=home, detail={"title": award.title, "year": year})
    return award


def validate_photo(upload: UploadedFile) -> None:
    """A JPG or PNG image that passes the document check (size, content matching the type)."""
    if PurePosixPath(upload.name or "").suffix.lower() not in PHOTO_SUFFIXES:
        raise field_error("photo", _("「%(name)s」：照片只能是JPG或PNG图片") % {"name": upload.name})
    validate_document(upload, field="photo")


@transaction.atomic
def home_photo_add(*, home: WorkerHome, photo: UploadedFile, by, caption: str = "") -> HomePhoto:
    scope_of(by).require("homes.manage")
    home = WorkerHome.objects.writable_by(by).require(home)
    validate_photo(photo)
    record = HomePhoto(
        home=home,
        file=photo,
        name=(photo.name or "")[:200],
        size=photo.size,
        caption=(caption or "").strip(),
        uploaded_by=_user(by),
    )
    record.full_clean(exclude=["file"])
    record.save()
    audit_record(
        actor=by, action="homes.photo_add", obj=home, detail={"photo": record.pk, "name": record.name}
    )
    return record


@transaction.atomic
def home_photo_remove(*, photo: HomePhoto, by) -> WorkerHome:
    scope_of(by).require("homes.manage")
    photo = HomePhoto.objects.writable_by(by).select_related("home").require(photo)
    audit_record(
        actor=by, action="homes.photo_remove", obj=photo.home, detail={"photo": photo.pk, "name": photo.name}
    )
    storage, name = photo.file.storage, photo.file.name
    photo.delete()
    transaction.on_commit(lambda: storage.delete(name))
    return photo.home


# --- events ---


@transaction.atomic
def event_create(
    *,
    organiser: Organisation,
    kind: str,
    title: str,
    place: str,
    starts_at: datetime,
    ends_at: datetime,
    registration_opens_at: datetime,
    registration_closes_at: datetime,
    capacity: int,
    by,
    description: str = "",
) -> Event:
    """An event organised by a federation or union the actor acts for."""
    scope_of(by).require("events.manage")
    organiser = Organisation.objects.writable_by(by).require(organiser)
    if organiser.dissolved_on is not None:
        raise field_error("organiser", _("%(org)s已撤销，不能主办活动") % {"org": organiser})
    event = Event(
        organiser=organiser,
        kind=kind,
        title=(title or "").strip(),
        place=(place or "").strip(),
        starts_at=starts_at,
        ends_at=ends_at,
        registration_opens_at=registration_opens_at,
        registration_closes_at=registration_closes_at,
        capacity=capacity,
        description=description or "",
        created_by=_user(by),
    )
    event.full_clean(validate_constraints=False)
    errors = {}
    if ends_at <= starts_at:
        errors["ends_at"] = _("结束时间应晚于开始时间")
    if registration_closes_at <= registration_opens_at:
        errors["registration_closes_at"] = _("报名截止应晚于报名开始")
    elif registration_closes_at > starts_at:
        errors["registration_closes_at"] = _("报名截止不能晚于活动开始")
    if capacity < 1:
        errors["capacity"] = _("总名额至少为1人")
    if errors:
        raise ValidationError(errors)
    event.save()
    audit_record(
        actor=by,
        action="events.create",
        obj=event,
        detail={"organiser": organiser.code, "starts_at": event.starts_at.isoformat(), "capacity": capacity},
    )
    return event


def _locked_event(event: Event) -> Event:
    return Event.objects.select_for_update(of=("self",)).select_related("organiser").get(pk=event.pk)


def pool_seats(event: Event, quota: EventQuota | None) -> int:
    """The seats of a pool: the quota's, or for the open pool the capacity less every quota."""
    if quota is not None:
        return quota.seats
    return event.capacity - (event.quotas.aggregate(total=Sum("seats"))["total"] or 0)


def _in_pool(event: Event, quota: EventQuota | None):
    registrations = event.registrations.all()
    return (
        registrations.filter(quota=quota) if quota is not None else registrations.filter(quota__isnull=True)
    )


def _free_seats(event: Event, quota: EventQuota | None) -> int:
    confirmed = _in_pool(event, quota).filter(status=EventRegistration.Status.CONFIRMED).count()
    return pool_seats(event, quota) - confirmed


def _fill(event: Event, quota: EventQuota | None, by) -> list[EventRegistration]:
    """Gives the pool's free seats to the first in line of the same pool (never of another)."""
    free = _free_seats(event, quota)
    if free <= 0:
        return []
    waiting = (
        _in_pool(event, quota)
        .filter(status=EventRegistration.Status.WAITING)
        .select_related("person")
        .order_by("queued_at", "pk")[:free]
    )
    promoted = list(waiting)
    now = timezone.now()
    for registration in promoted:
        registration.status = EventRegistration.Status.CONFIRMED
        registration.promoted_at = now
        registration.save(update_fields=["status", "promoted_at"])
        audit_record(actor=by, action="events.promote", obj=registration, detail={"event": event.pk})
    return promoted


@transaction.atomic
def quota_set(*, event: Event, union: Organisation, seats: int, by) -> EventQuota:
    """Sets aside seats for one union's members; more seats promote its waiting list at once."""
    scope_of(by).require("events.manage")
    Event.objects.visible_to(by).require(event)
    event = _locked_event(event)
    Organisation.objects.writable_by(by).require(event.organiser)
    if (
        not Organisation.objects.grassroots()
        .filter(pk=union.pk, path__startswith=event.organiser.path)
        .exists()
    ):
        raise field_error("union", _("名额只能分配给%(org)s所属的基层工会") % {"org": event.organiser})
    if seats is None or seats < 1:
        raise field_error("seats", _("名额至少为1人"))
    quota = event.quotas.filter(union=union).first() or EventQuota(event=event, union=union, seats=seats)
    before = quota.seats if quota.pk else None
    confirmed = (
        quota.registrations.filter(status=EventRegistration.Status.CONFIRMED).count() if quota.pk else 0
    )
    if seats < confirmed:
        raise field_error("seats", _("该工会已有%(n)d人获得名额，名额不能少于%(n)d人") % {"n": confirmed})
    others = event.quotas.exclude(pk=quota.pk).aggregate(total=Sum("seats"))["total"] or 0
    open_confirmed = _in_pool(event, None).filter(status=EventRegistration.Status.CONFIRMED).count()
    if others + seats + open_confirmed > event.capacity:
        raise field_error(
            "seats",
            _("名额超过总名额：总名额%(capacity)d人，其他工会已分配%(others)d人，公开名额已报名%(open)d人")
            % {"capacity": event.capacity, "others": others, "open": open_confirmed},
        )
    quota.seats = seats
    quota.save()
    promoted = _fill(event, quota, by)
    audit_record(
        actor=by,
        action="events.quota_set",
        obj=event,
        detail={"union": union.code, "seats": seats, "before": before, "promoted": len(promoted)},
    )
    return quota


def _check_registering(event: Event, person: Person, by) -> None:
    """A worker registers only themself; an officer needs the event in reach (and, below, the member)."""
    scope = scope_of(by)
    if scope.role == Role.WORKER:
        if scope.person_id is None or person.pk != scope.person_id:
            raise NotInScope
        return
    scope.require("events.manage")
    Event.objects.visible_to(by).require(event)


@transaction.atomic
def registration_create(*, event: Event, person: Person, by) -> EventRegistration:
    """Registers a member of a union in the organiser's subtree: a seat in their pool, or the end of
    its waiting list. A union admin registers their union's members, federation staff those of their
    subtree, a worker themself; once per person and event (a cancelled registration is renewed)."""
    _check_registering(event, person, by)
    event = _locked_event(event)
    now = timezone.now()
    if not event.registration_opens_at <= now <= event.registration_closes_at:
        raise field_error(
            "person",
            _("报名时间为%(opens)s至%(closes)s，现在不能报名")
            % {
                "opens": _moment(event.registration_opens_at),
                "closes": _moment(event.registration_closes_at),
            },
        )
    membership = membership_on(person=person, root=event.organiser, on=timezone.localdate())
    if membership is None:
        raise not_registrable_error(event.organiser)
    worker = scope_of(by).role == Role.WORKER
    if not worker and not Organisation.objects.writable_by(by).filter(pk=membership.union_id).exists():
        raise field_error("person", _("该人员不是您所在工会（或所辖工会）的会员，不能代为报名"))
    registration = event.registrations.filter(person=person).first()
    if registration is not None and registration.status != EventRegistration.Status.CANCELLED:
        raise field_error(
            "person",
            _("%(name)s已报名本次活动（%(status)s）")
            % {"name": person.name, "status": registration.get_status_display()},
        )
    quota = event.quotas.filter(union_id=membership.union_id).first()
    registration = registration or EventRegistration(event=event, person=person)
    registration.union_id = membership.union_id
    registration.quota = quota
    registration.status = (
        EventRegistration.Status.CONFIRMED
        if _free_seats(event, quota) > 0
        else EventRegistration.Status.WAITING
    )
    registration.queued_at = now
    registration.promoted_at = registration.cancelled_at = None
    registration.registered_by = _user(by)
    try:
        with transaction.atomic():
            registration.save()
    except IntegrityError:
        raise field_error("person", _("%(name)s已报名本次活动") % {"name": person.name}) from None
    audit_record(
        actor=by,
        action="events.register",
        obj=registration,
        detail={
            "event": event.pk,
            "status": registration.status,
            "quota": quota.union.code if quota else None,
        },
    )
    return registration


@transaction.atomic
def registration_cancel(*, registration: EventRegistration, by, reason: str = "") -> EventRegistration | None:
    """Cancels a registration; a seat it held goes to the first in line of the same pool, in this
    transaction. Returns the registration promoted, if any."""
    if scope_of(by).role != Role.WORKER:
        scope_of(by).require("events.manage")
    registration = EventRegistration.objects.writable_by(by).require(registration)
    event = _locked_event(registration.event)
    registration = (
        EventRegistration.objects.select_for_update(of=("self",))
        .select_related("person", "quota")
        .get(pk=registration.pk)
    )
    if registration.status == EventRegistration.Status.CANCELLED:
        raise field_error("registration", _("%(name)s的报名已取消") % {"name": registration.person.name})
    if CheckIn.objects.filter(registration=registration).exists():
        raise field_error(
            "registration", _("%(name)s已签到，不能取消报名") % {"name": registration.person.name}
        )
    now = timezone.now()
    if now >= event.starts_at:
        raise field_error("registration", _("活动已开始，不能取消报名"))
    held_a_seat = registration.status == EventRegistration.Status.CONFIRMED
    registration.status = EventRegistration.Status.CANCELLED
    registration.cancelled_at = now
    registration.save(update_fields=["status", "cancelled_at"])
    audit_record(
        actor=by,
        action="events.cancel",
        obj=registration,
        detail={"event": event.pk, "held_a_seat": held_a_seat, "reason": (reason or "").strip()},
    )
    promoted = _fill(event, registration.quota, by) if held_a_seat else []
    return promoted[0] if promoted else None


@transaction.atomic
def checkin_create(*, event: Event, person: Person, by, method: str = CheckIn.Method.NAME) -> CheckIn:
    """Checks a registered person in at the door, once: from CHECK_IN_OPENS_BEFORE the start until
    the end. An officer checks in the registrations they reach (a union admin their union's)."""
    scope_of(by).require("events.checkin")
    event = Event.objects.visible_to(by).require(event)
    now = timezone.now()
    if not event.starts_at - CHECK_IN_OPENS_BEFORE <= now <= event.ends_at:
        raise field_error(
            "person",
            _("签到时间为活动开始前6小时至活动结束（%(opens)s至%(closes)s）")
            % {"opens": _moment(event.starts_at - CHECK_IN_OPENS_BEFORE), "closes": _moment(event.ends_at)},
        )
    registration = (
        EventRegistration.objects.writable_by(by)
        .select_for_update(of=("self",))
        .filter(event=event, person=person)
        .select_related("person")
        .first()
    )
    if registration is None:
        raise field_error("person", _("该人员未报名本次活动，不能签到"))
    name = registration.person.name
    if registration.status == EventRegistration.Status.CANCELLED:
        raise field_error("person", _("%(name)s已取消报名，不能签到") % {"name": name})
    if registration.status == EventRegistration.Status.WAITING:
        raise field_error("person", _("%(name)s在候补名单中，尚未获得名额，不能签到") % {"name": name})
    earlier = CheckIn.objects.filter(registration=registration).first()
    if earlier is not None:
        raise field_error(
            "person",
            _("%(name)s已于%(at)s签到，不能重复签到") % {"name": name, "at": _moment(earlier.checked_in_at)},
        )
    check_in = CheckIn(registration=registration, method=method, checked_in_by=_user(by), checked_in_at=now)
    check_in.full_clean(validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            check_in.save()
    except IntegrityError:
        raise field_error("person", _("%(name)s已签到，不能重复签到") % {"name": name}) from None
    audit_record(
        actor=by, action="events.check_in", obj=registration, detail={"event": event.pk, "method": method}
    )
    return check_in
