"""Writes on people and memberships. Each checks its actor against the scope before it changes
anything (NotInScope otherwise) and is one transaction with its audit row."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from gonghui.core import crypto
from gonghui.core.audit import audit_record
from gonghui.core.dates import not_future
from gonghui.core.errors import field_error, on_field
from gonghui.core.models import AuditLog
from gonghui.core.pinyin import name_initials, name_pinyin
from gonghui.core.scope import scope_of
from gonghui.core.validators import (
    birth_date_of,
    birth_year_of,
    gender_of,
    mask_id,
    normalise_name,
    validate_mobile,
    validate_person_name,
    validate_resident_id,
)
from gonghui.members import rules
from gonghui.members.models import Membership, Person
from gonghui.members.rollups import person_changing
from gonghui.members.selectors import transfer_targets
from gonghui.orgs.models import Enterprise, Organisation

PROFILE_FIELDS = ("ethnicity", "education", "occupation", "skill_level")


def _validate_id(id_number: str) -> str:
    return on_field("id_number", validate_resident_id, id_number)


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
        birth_year=birth_year_of(number),
        gender=gender_of(number),
        mobile=mobile,
        **{k: (v or "").strip() for k, v in profile.items() if k in PROFILE_FIELDS},
    )


def person_build(*, id_number: str, name: str, mobile: str, **profile) -> Person:
    """A new, validated, unsaved Person."""
    return person_from_valid(
        number=_validate_id(id_number),
        name=on_field("name", validate_person_name, name),
        mobile=on_field("mobile", validate_mobile, mobile),
        **profile,
    )


def check_joinable(person: Person, *, name: str, by) -> None:
    """A known person may join a union: the name typed matches their record and they are active
    nowhere. A refusal is audited (the officer learned something about a person, maybe of another
    union); its messages never name the person (members.rules)."""
    active = person.memberships.active().select_related("union").first()
    matches = normalise_name(name) == person.name
    if matches and active is None:
        return
    audit_record(
        actor=by,
        action="person.lookup",
        obj=person,
        result=AuditLog.Result.DENIED,
        detail={"name_matches": matches, "active_in": active.union.code if active else None},
    )
    errors = {}
    if not matches:
        errors["name"] = [rules.name_mismatch()]
    if active is not None:
        errors["id_number"] = [rules.active_elsewhere(active.union.name)]
    raise ValidationError(errors)


@transaction.atomic
def person_update(
    *, person: Person, by, name: str | None = None, mobile: str | None = None, **profile
) -> Person:
    """Changes a person's name, mobile or profile, for an officer who reaches them."""
    person = Person.objects.writable_by(by).require(person)
    return _change_person(person, by=by, name=name, mobile=mobile, **profile)


def _change_person(person: Person, *, by, name: str | None = None, mobile: str | None = None, **profile):
    changed = []
    if name is not None and normalise_name(name) != person.name:
        person.name = on_field("name", validate_person_name, name)
        person.name_initials, person.name_pinyin = name_initials(person.name), name_pinyin(person.name)
        changed += ["name", "name_initials", "name_pinyin"]
    if mobile is not None and (mobile := on_field("mobile", validate_mobile, mobile)) != person.mobile:
        person.mobile = mobile
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
    """The full ID number, for a role that may see it, of a person it reaches; the reveal is audited."""
    scope_of(by).require("members.reveal_id")
    person = Person.objects.visible_to(by).require(person)
    with transaction.atomic():
        audit_record(actor=by, action="person.reveal_id", obj=person)
    return person.reveal_id_number()


def _check_union(union: Organisation, field: str = "union") -> None:
    if not union.is_grassroots:
        raise field_error(field, _("只能加入基层工会（企业工会或联合工会）"))
    if union.dissolved_on is not None:
        raise field_error(field, _("%(union)s已撤销") % {"union": union})


def _enterprise_for(enterprise: Enterprise | None, union: Organisation) -> Enterprise | None:
    """The employer of a membership in union: the one given, which must be the union's, or the
    union's only enterprise when none is given."""
    if enterprise is None:
        only = list(union.enterprises.all()[:2])
        return only[0] if len(only) == 1 else None
    if enterprise.union_id != union.pk:
        raise field_error("enterprise", _("%(e)s不属于%(u)s") % {"e": enterprise, "u": union})
    return enterprise


def active_membership_error(active: Membership) -> ValidationError:
    return field_error("id_number", rules.active_elsewhere(active.union.name), code="active_elsewhere")


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
    """Registers a person (new or known by their ID number) as a member of a grassroots union the
    actor manages. A known person who may not join is refused before the transaction, so that the
    audited lookup stays recorded."""
    union = Organisation.objects.writable_by(by).require(union)
    _check_union(union)
    enterprise = _enterprise_for(enterprise, union)
    not_future(started_on, field="started_on", label=_("入会日期"))
    number = _validate_id(id_number)
    if problem := rules.age_problem(birth_date_of(number), started_on):
        raise field_error("id_number", problem)
    known = Person.objects.filter(id_hash=crypto.lookup_hash(number)).first()
    if known is not None:
        check_joinable(known, name=name, by=by)
    try:
        with transaction.atomic():
            return _join(
                union=union,
                number=number,
                name=name,
                mobile=mobile,
                started_on=started_on,
                by=by,
                enterprise=enterprise,
                card_number=card_number,
                **profile,
            )
    except IntegrityError:
        # Another request registered the same number at the same moment (the unique hash, or the one
        # active membership, refused this one): nothing of this request was saved.
        active = Membership.objects.active().filter(person__id_hash=crypto.lookup_hash(number))
        if (active := active.select_related("union").first()) is not None:
            raise active_membership_error(active) from None
        raise field_error(
            "id_number",
            _("该公民身份号码正在被同时登记，请稍后刷新查看结果，不要重复提交"),
            code="concurrent",
        ) from None


def _join(*, union, number, name, mobile, started_on, by, enterprise, card_number, **profile) -> Membership:
    person = Person.objects.select_for_update().filter(id_hash=crypto.lookup_hash(number)).first()
    with person_changing(person.pk if person else None) as created:
        if person is None:
            person = person_build(id_number=number, name=name, mobile=mobile, **profile)
            person.save()
            created.append(person.pk)
            audit_record(actor=by, action="person.create", obj=person)
        else:
            check_joinable(person, name=name, by=by)
            last = person.memberships.order_by("-ended_on").first()
            if problem := rules.rejoin_problem(last.ended_on if last else None, started_on):
                raise field_error("started_on", problem)
            _change_person(person, by=by, mobile=mobile, **profile)
        membership = Membership(
            person=person,
            union=union,
            enterprise=enterprise,
            started_on=started_on,
            card_number=(card_number or "").strip(),
        )
        membership.full_clean(validate_constraints=False)
        membership.save()
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
    """会员关系接转: ends the membership in one union and opens one in another, on the same day.

    The actor manages the membership's union; the receiving union is one of transfer_targets(by)."""
    Membership.objects.writable_by(by).require(membership)
    membership = Membership.objects.select_for_update().select_related("union").get(pk=membership.pk)
    if not membership.is_active:
        raise field_error("membership", _("该会员关系已结束，不能转出"))
    _check_union(to_union, "to_union")
    if to_union.pk == membership.union_id:
        raise field_error("to_union", _("转入工会与当前工会相同"))
    transfer_targets(by).require(to_union)
    enterprise = _enterprise_for(enterprise, to_union)
    not_future(on, field="on", label=_("接转日期"))
    if on < membership.started_on:
        raise field_error("on", _("接转日期不能早于入会日期%(d)s") % {"d": membership.started_on})
    with person_changing(membership.person_id):
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
    Membership.objects.writable_by(by).require(membership)
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if not membership.is_active:
        raise field_error("membership", _("该会员关系已结束"))
    not_future(on, field="on", label=_("退会日期"))
    if on < membership.started_on:
        raise field_error("on", _("退会日期不能早于入会日期%(d)s") % {"d": membership.started_on})
    with person_changing(membership.person_id):
        membership.ended_on, membership.end_reason, membership.note = on, Membership.EndReason.LEFT, note
        membership.save(update_fields=["ended_on", "end_reason", "note"])
    audit_record(actor=by, action="membership.leave", obj=membership, detail={"on": on.isoformat()})
    return membership
