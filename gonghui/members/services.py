"""Writes on people and memberships. Each is one transaction with its audit row."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from gonghui.core import crypto
from gonghui.core.audit import audit_record
from gonghui.core.errors import field_error
from gonghui.core.pinyin import name_initials, name_pinyin
from gonghui.core.validators import (
    birth_date_of,
    gender_of,
    mask_id,
    validate_mobile,
    validate_not_future,
    validate_resident_id,
)
from gonghui.members.models import Membership, Person
from gonghui.orgs.models import Enterprise, Organisation

MIN_AGE, MAX_AGE = 16, 70
PROFILE_FIELDS = ("ethnicity", "education", "occupation", "skill_level")


def normalise_name(name: str) -> str:
    name = " ".join((name or "").split())
    return name.replace("•", "·").replace("・", "·")


def _validate_id(id_number: str) -> str:
    try:
        return validate_resident_id(id_number)
    except ValidationError as e:
        raise ValidationError({"id_number": e.messages}) from None


def _validate_mobile(mobile: str) -> str:
    try:
        return validate_mobile(mobile)
    except ValidationError as e:
        raise ValidationError({"mobile": e.messages}) from None


def age_on(birth: date, on: date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def person_find(*, id_number: str) -> Person | None:
    return Person.objects.filter(id_hash=crypto.lookup_hash(_validate_id(id_number))).first()


def person_from_valid(*, number: str, name: str, mobile: str, **profile) -> Person:
    """An unsaved Person from an ID number, name and mobile that are already valid and normalised."""
    return Person(
        name=name,
        name_initials=name_initials(name),
        name_pinyin=name_pinyin(name),
        id_hash=crypto.lookup_hash(number),
        id_encrypted=crypto.encrypt(number),
        id_masked=mask_id(number),
        birth_date=birth_date_of(number),
        gender=gender_of(number),
        mobile=mobile,
        **{k: (v or "").strip() for k, v in profile.items() if k in PROFILE_FIELDS},
    )


def person_build(*, id_number: str, name: str, mobile: str, **profile) -> Person:
    """A new, validated, unsaved Person."""
    number = _validate_id(id_number)
    name = normalise_name(name)
    if not name:
        raise field_error("name", _("姓名不能为空"))
    return person_from_valid(number=number, name=name, mobile=_validate_mobile(mobile), **profile)


def check_joinable(person: Person, *, name: str) -> None:
    """A known person may join a union: the name matches their record and they are active nowhere."""
    if normalise_name(name) != person.name:
        raise field_error(
            "name", _("该公民身份号码已登记的姓名为%(name)s，与填写的不一致") % {"name": person.name}
        )
    if (active := person.memberships.active().select_related("union").first()) is not None:
        raise active_membership_error(active)


@transaction.atomic
def person_update(
    *, person: Person, by, name: str | None = None, mobile: str | None = None, **profile
) -> Person:
    changed = []
    if name is not None and normalise_name(name) != person.name:
        person.name = normalise_name(name)
        if not person.name:
            raise field_error("name", _("姓名不能为空"))
        person.name_initials, person.name_pinyin = name_initials(person.name), name_pinyin(person.name)
        changed += ["name", "name_initials", "name_pinyin"]
    if mobile is not None and _validate_mobile(mobile) != person.mobile:
        person.mobile = _validate_mobile(mobile)
        changed.append("mobile")
    for field, value in profile.items():
        if field in PROFILE_FIELDS and (value or "") != getattr(person, field):
            setattr(person, field, value or "")
            changed.append(field)
    if changed:
        person.save(update_fields=changed)
        audit_record(
            actor=by,
            action="person.update",
            obj=person,
            detail={"fields": [f for f in changed if f not in ("name_initials", "name_pinyin")]},
        )
    return person


def person_reveal_id(*, person: Person, by) -> str:
    """The full ID number, for a role that may see it; the reveal is audited."""
    with transaction.atomic():
        audit_record(actor=by, action="person.reveal_id", obj=person)
    return person.reveal_id_number()


def _check_union(union: Organisation, field: str = "union") -> None:
    if not union.is_grassroots:
        raise field_error(field, _("只能加入基层工会（企业工会或联合工会）"))
    if union.dissolved_on is not None:
        raise field_error(field, _("%(union)s已撤销") % {"union": union})


def _check_enterprise(enterprise: Enterprise | None, union: Organisation) -> None:
    if enterprise is not None and enterprise.union_id != union.pk:
        raise field_error("enterprise", _("%(e)s不属于%(u)s") % {"e": enterprise, "u": union})


def _check_date(on: date, field: str, label: str) -> None:
    try:
        validate_not_future(on, label)
    except ValidationError as e:
        raise ValidationError({field: e.messages}) from None


def active_membership_error(active: Membership) -> ValidationError:
    return field_error(
        "id_number",
        _("该人员已是%(union)s的在册会员，如需变更请办理会员关系接转") % {"union": active.union},
        code="active_elsewhere",
    )


@transaction.atomic
def member_join(
    *,
    union: Organisation,
    id_number: str,
    name: str,
    mobile: str,
    started_on: date,
    by,
    enterprise: Enterprise | None = None,
    card_number: str = "",
    **profile,
) -> Membership:
    """Registers a person (new or known by their ID number) as a member of a grassroots union."""
    _check_union(union)
    _check_enterprise(enterprise, union)
    _check_date(started_on, "started_on", _("入会日期"))
    number = _validate_id(id_number)
    if not MIN_AGE <= age_on(birth_date_of(number), started_on) <= MAX_AGE:
        raise field_error("id_number", _("入会时年龄应在%(a)d至%(b)d周岁之间") % {"a": MIN_AGE, "b": MAX_AGE})
    person = Person.objects.select_for_update().filter(id_hash=crypto.lookup_hash(number)).first()
    if person is None:
        person = person_build(id_number=number, name=name, mobile=mobile, **profile)
        person.save()
        audit_record(actor=by, action="person.create", obj=person)
    else:
        check_joinable(person, name=name)
        last = person.memberships.order_by("-ended_on").first()
        if last is not None and last.ended_on > started_on:
            raise field_error(
                "started_on", _("入会日期不能早于上一段会员关系的结束日期%(d)s") % {"d": last.ended_on}
            )
        person_update(person=person, by=by, mobile=mobile, **profile)
    membership = Membership(
        person=person,
        union=union,
        enterprise=enterprise,
        started_on=started_on,
        card_number=(card_number or "").strip(),
    )
    membership.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            membership.save()
    except IntegrityError:
        active = person.memberships.active().select_related("union").first()
        if active is None:
            raise
        raise active_membership_error(active) from None
    audit_record(
        actor=by,
        action="membership.join",
        obj=membership,
        detail={"union": union.code, "started_on": started_on.isoformat()},
    )
    return membership


@transaction.atomic
def member_transfer(
    *,
    membership: Membership,
    to_union: Organisation,
    on: date,
    by,
    enterprise: Enterprise | None = None,
    note: str = "",
) -> Membership:
    """会员关系接转: ends the membership in one union and opens one in another, on the same day."""
    membership = Membership.objects.select_for_update().select_related("union").get(pk=membership.pk)
    if not membership.is_active:
        raise field_error("membership", _("该会员关系已结束，不能转出"))
    _check_union(to_union, "to_union")
    if to_union.pk == membership.union_id:
        raise field_error("to_union", _("转入工会与当前工会相同"))
    _check_enterprise(enterprise, to_union)
    _check_date(on, "on", _("接转日期"))
    if on < membership.started_on:
        raise field_error("on", _("接转日期不能早于入会日期%(d)s") % {"d": membership.started_on})
    membership.ended_on, membership.end_reason, membership.note = (
        on,
        Membership.EndReason.TRANSFERRED_OUT,
        note,
    )
    membership.save(update_fields=["ended_on", "end_reason", "note"])
    new = Membership.objects.create(
        person_id=membership.person_id,
        union=to_union,
        enterprise=enterprise,
        started_on=on,
        start_reason=Membership.StartReason.TRANSFERRED_IN,
        card_number=membership.card_number,
        note=note,
    )
    audit_record(
        actor=by,
        action="membership.transfer",
        obj=new,
        detail={"from": membership.union.code, "to": to_union.code, "on": on.isoformat()},
    )
    return new


@transaction.atomic
def member_leave(*, membership: Membership, on: date, by, note: str = "") -> Membership:
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if not membership.is_active:
        raise field_error("membership", _("该会员关系已结束"))
    _check_date(on, "on", _("退会日期"))
    if on < membership.started_on:
        raise field_error("on", _("退会日期不能早于入会日期%(d)s") % {"d": membership.started_on})
    membership.ended_on, membership.end_reason, membership.note = on, Membership.EndReason.LEFT, note
    membership.save(update_fields=["ended_on", "end_reason", "note"])
    audit_record(actor=by, action="membership.leave", obj=membership, detail={"on": on.isoformat()})
    return membership
