"""Writes on activities and welfare distributions. Each checks its actor against the scope before it
changes anything (NotInScope otherwise) and is one transaction with its audit row."""

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.activities.models import Activity, Registration, WelfareDistribution, WelfareRecipient
from gonghui.activities.rollups import activity_changing, welfare_signed_off
from gonghui.core.audit import audit_record
from gonghui.core.errors import field_error
from gonghui.members.models import Membership, Person
from gonghui.orgs.models import Organisation


def membership_on(*, person: Person, root: Organisation, on: date) -> Membership | None:
    """The person's membership, on that day, in a union of root's subtree (root itself for a union)."""
    return (
        Membership.objects.active_on(on)
        .filter(person=person, union__path__startswith=root.path)
        .select_related("union")
        .first()
    )


# --- activities ---


@transaction.atomic
def activity_create(
    *,
    organiser: Organisation,
    kind: str,
    title: str,
    held_on: date,
    by,
    place: str = "",
    capacity: int | None = None,
    description: str = "",
) -> Activity:
    """An activity organised by an organisation the actor acts for (a union, or a federation)."""
    organiser = Organisation.objects.writable_by(by).require(organiser)
    if organiser.dissolved_on is not None:
        raise field_error("organiser", _("%(org)s已撤销，不能组织活动") % {"org": organiser})
    activity = Activity(
        organiser=organiser,
        kind=kind,
        title=(title or "").strip(),
        held_on=held_on,
        place=(place or "").strip(),
        capacity=capacity,
        description=description or "",
        created_by=by,
    )
    activity.full_clean()
    activity.save()
    audit_record(
        actor=by,
        action="activity.create",
        obj=activity,
        detail={"organiser": organiser.code, "kind": kind, "held_on": held_on.isoformat()},
    )
    return activity


def not_registrable_error(organiser: Organisation):
    """Also the answer for an unknown number, so a lookup reveals nothing about other unions."""
    return field_error("person", _("该人员不是%(org)s的在册会员，不能报名") % {"org": organiser})


def _locked(activity: Activity, by) -> Activity:
    """The activity, if the actor acts for its organiser, locked for this transaction."""
    Activity.objects.writable_by(by).require(activity)
    return Activity.objects.select_for_update().select_related("organiser").get(pk=activity.pk)


@transaction.atomic
def activity_register(*, activity: Activity, person: Person, by) -> Registration:
    """Registers a member of a union in the organiser's subtree; refuses duplicates and a full activity."""
    activity = _locked(activity, by)
    if activity.status != Activity.Status.PLANNED:
        raise field_error("person", _("该活动已举办或已取消，不能再报名"))
    if membership_on(person=person, root=activity.organiser, on=timezone.localdate()) is None:
        raise not_registrable_error(activity.organiser)
    if activity.registrations.filter(person=person).exists():
        raise field_error("person", _("%(name)s已报名本次活动") % {"name": person.name})
    if activity.capacity is not None and activity.registrations.count() >= activity.capacity:
        raise field_error("person", _("本次活动名额（%(n)d人）已满") % {"n": activity.capacity})
    registration = Registration(activity=activity, person=person, registered_by=by)
    try:
        with transaction.atomic():
            registration.save()
    except IntegrityError:
        raise field_error("person", _("%(name)s已报名本次活动") % {"name": person.name}) from None
    audit_record(actor=by, action="activity.register", obj=registration, detail={"activity": activity.pk})
    return registration


@transaction.atomic
def activity_record_attendance(*, activity: Activity, attended: Iterable[int], by) -> Activity:
    """Records who attended (registration ids; everyone else absent) and marks the activity held."""
    activity = _locked(activity, by)
    if activity.status == Activity.Status.CANCELLED:
        raise field_error("attended", _("该活动已取消，不能签到"))
    if activity.held_on > timezone.localdate():
        raise field_error(
            "attended", _("活动日期%(d)s尚未到，不能记录签到") % {"d": activity.held_on.isoformat()}
        )
    attended = set(attended)
    registrations = activity.registrations.all()
    if attended - set(registrations.values_list("pk", flat=True)):
        raise field_error("attended", _("签到名单中有未报名本次活动的人员"))
    with activity_changing(activity):
        present = registrations.filter(pk__in=attended).update(attended=True)
        registrations.exclude(pk__in=attended).update(attended=False)
        activity.status = Activity.Status.HELD
        activity.save(update_fields=["status"])
    audit_record(actor=by, action="activity.attendance", obj=activity, detail={"attended": present})
    return activity


@transaction.atomic
def activity_cancel(*, activity: Activity, by, reason: str = "") -> Activity:
    activity = _locked(activity, by)
    if activity.status != Activity.Status.PLANNED:
        raise field_error("reason", _("只能取消尚未举办的活动"))
    activity.status = Activity.Status.CANCELLED
    activity.save(update_fields=["status"])
    audit_record(actor=by, action="activity.cancel", obj=activity, detail={"reason": reason})
    return activity


# --- welfare distributions ---


@transaction.atomic
def welfare_create(
    *,
    union: Organisation,
    title: str,
    occasion: str,
    distributed_on: date,
    item: str,
    amount: Decimal,
    by,
) -> WelfareDistribution:
    """A distribution of a grassroots union the actor acts for, recorded by them as its 经办人."""
    union = Organisation.objects.writable_by(by).require(union)
    if not union.is_grassroots:
        raise field_error("union", _("福利由基层工会发放"))
    if union.dissolved_on is not None:
        raise field_error("union", _("%(union)s已撤销") % {"union": union})
    if amount is None or Decimal(amount) < 0:
        raise field_error("amount", _("每人金额不能为负数"))
    distribution = WelfareDistribution(
        union=union,
        title=(title or "").strip(),
        occasion=occasion,
        distributed_on=distributed_on,
        item=(item or "").strip(),
        amount=Decimal(amount),
        created_by=by,
    )
    distribution.full_clean()
    distribution.save()
    audit_record(
        actor=by,
        action="welfare.create",
        obj=distribution,
        detail={"union": union.code, "amount": str(distribution.amount)},
    )
    return distribution


def _draft(distribution: WelfareDistribution, field: str, by) -> WelfareDistribution:
    """The distribution, if the actor acts for its union, locked, and still a draft."""
    WelfareDistribution.objects.writable_by(by).require(distribution)
    distribution = (
        WelfareDistribution.objects.select_for_update().select_related("union").get(pk=distribution.pk)
    )
    if not distribution.is_draft:
        raise field_error(field, _("本次福利发放已签批，名单不能再修改"))
    return distribution


def not_a_member_error(union: Organisation):
    """Also the answer for an unknown number, so a lookup reveals nothing about other unions."""
    return field_error("person", _("该人员不是%(union)s的会员，不能领取本次福利") % {"union": union})


@transaction.atomic
def welfare_add_recipient(
    *,
    distribution: WelfareDistribution,
    person: Person,
    by,
    item: str = "",
    amount: Decimal | None = None,
) -> WelfareRecipient:
    """Adds a member of the distributing union (on the day of the distribution) to the list, once."""
    distribution = _draft(distribution, "person", by)
    membership = membership_on(person=person, root=distribution.union, on=distribution.distributed_on)
    if membership is None:
        raise not_a_member_error(distribution.union)
    if amount is not None and Decimal(amount) < 0:
        raise field_error("amount", _("金额不能为负数"))
    duplicate = field_error("person", _("%(name)s已领取过本次福利，不能重复发放") % {"name": person.name})
    if distribution.recipients.filter(person=person).exists():
        raise duplicate
    recipient = WelfareRecipient(
        distribution=distribution,
        person=person,
        membership=membership,
        item=(item or "").strip() or distribution.item,
        amount=distribution.amount if amount is None else Decimal(amount),
        added_by=by,
    )
    recipient.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            recipient.save()
    except IntegrityError:
        raise duplicate from None
    audit_record(
        actor=by,
        action="welfare.add_recipient",
        obj=recipient,
        detail={"distribution": distribution.pk, "amount": str(recipient.amount)},
    )
    return recipient


@transaction.atomic
def welfare_add_all_members(*, distribution: WelfareDistribution, by) -> int:
    """Adds every member of the union on the day who is not yet on the list, at the standard item and amount."""
    distribution = _draft(distribution, "person", by)
    memberships = (
        Membership.objects.active_on(distribution.distributed_on)
        .filter(union=distribution.union)
        .exclude(person_id__in=distribution.recipients.values("person_id"))
    )
    added = WelfareRecipient.objects.bulk_create(
        [
            WelfareRecipient(
                distribution=distribution,
                person_id=m.person_id,
                membership_id=m.pk,
                item=distribution.item,
                amount=distribution.amount,
                added_by=by,
            )
            for m in memberships.only("pk", "person_id")
        ],
        batch_size=1000,
    )
    audit_record(actor=by, action="welfare.add_all_members", obj=distribution, detail={"added": len(added)})
    return len(added)


@transaction.atomic
def welfare_remove_recipient(*, recipient: WelfareRecipient, by) -> WelfareDistribution:
    WelfareRecipient.objects.writable_by(by).require(recipient)
    distribution = _draft(recipient.distribution, "person", by)
    audit_record(
        actor=by,
        action="welfare.remove_recipient",
        obj=recipient,
        detail={"distribution": recipient.distribution_id, "person": recipient.person_id},
    )
    recipient.delete()
    return distribution


@transaction.atomic
def welfare_sign_off(*, distribution: WelfareDistribution, by) -> WelfareDistribution:
    """签批: a second officer of the union (or of a federation above it) confirms the list; it is then final."""
    distribution = _draft(distribution, "signed_off_by", by)
    if by.pk == distribution.created_by_id:
        raise field_error("signed_off_by", _("福利发放须由另一名工会干部签批，经办人不能签批本人登记的发放"))
    if not distribution.recipients.exists():
        raise field_error("signed_off_by", _("领取名单为空，不能签批"))
    distribution.status = WelfareDistribution.Status.SIGNED_OFF
    distribution.signed_off_by = by
    distribution.signed_off_at = timezone.now()
    distribution.save(update_fields=["status", "signed_off_by", "signed_off_at"])
    welfare_signed_off(distribution)
    total = sum(distribution.recipients.values_list("amount", flat=True), Decimal("0"))
    audit_record(
        actor=by,
        action="welfare.sign_off",
        obj=distribution,
        detail={"recipients": distribution.recipients.count(), "total": str(total)},
    )
    return distribution
