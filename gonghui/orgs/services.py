"""Writes on the organisation tree, enterprises and union officers. Each checks its actor against the
scope first (NotInScope otherwise) and is one transaction with its audit row."""

from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from gonghui.core import crypto
from gonghui.core.audit import audit_record
from gonghui.core.errors import field_error, on_field
from gonghui.core.models import AuditLog
from gonghui.core.scope import NotInScope, scope_of
from gonghui.core.validators import validate_resident_id
from gonghui.members.models import Membership, Person
from gonghui.orgs.models import Enterprise, Officer, Organisation
from gonghui.orgs.rollups import enterprises_changing, union_changing

ALLOWED_CHILDREN = {
    None: {Organisation.Kind.CITY_FEDERATION, Organisation.Kind.ZONE_FEDERATION},
    Organisation.Kind.CITY_FEDERATION: {Organisation.Kind.ZONE_FEDERATION, *Organisation.GRASSROOTS_KINDS},
    Organisation.Kind.ZONE_FEDERATION: set(Organisation.GRASSROOTS_KINDS),
}


@transaction.atomic
def organisation_create(
    *,
    code: str,
    name: str,
    kind: str,
    parent: Organisation | None,
    established_on: date | None = None,
    by,
    **fields,
) -> Organisation:
    """A new organisation under parent, created by someone who acts for the parent (a federation's
    staff, or a platform admin; only a platform admin creates a top-level federation)."""
    if parent is None:
        if not scope_of(by).everything:
            raise NotInScope
    else:
        parent = Organisation.objects.writable_by(by).require(parent)
    if kind not in ALLOWED_CHILDREN.get(parent.kind if parent else None, set()):
        raise field_error("kind", _("上级组织之下不能设立这一类型的组织"))
    org = Organisation(
        code=code, name=name, kind=kind, parent=parent, established_on=established_on, **fields
    )
    org.place_in_tree()
    org.full_clean()
    with union_changing(org):
        org.save()
    audit_record(actor=by, action="organisation.create", obj=org)
    return org


@transaction.atomic
def organisation_dissolve(*, organisation: Organisation, on: date, by) -> Organisation:
    """Dissolved by the organisation above it (its federation's staff), never by its own admin."""
    if organisation.parent_id is None:
        if not scope_of(by).everything:
            raise NotInScope
    elif not Organisation.objects.writable_by(by).filter(pk=organisation.parent_id).exists():
        raise NotInScope
    if organisation.memberships.active().exists():
        raise field_error("dissolved_on", _("该工会仍有在册会员，须先办理转出或退会"))
    with union_changing(organisation), enterprises_changing(organisation.enterprises.all()):
        organisation.dissolved_on = on
        organisation.full_clean()
        organisation.save(update_fields=["dissolved_on"])
    audit_record(actor=by, action="organisation.dissolve", obj=organisation, detail={"on": on.isoformat()})
    return organisation


ENTERPRISE_FIELDS = (
    "name",
    "credit_code",
    "industry",
    "headcount",
    "founded_on",
    "address",
    "is_key",
    "is_new_employment_form",
    "federation",
    "union",
)


def _check_union(enterprise: Enterprise) -> None:
    union = enterprise.union
    if union is not None and not union.is_grassroots:
        raise field_error("union", _("企业只能归属基层工会"))
    if union is not None and union.dissolved_on is not None:
        raise field_error("union", _("该工会已撤销"))


def _check_actor(enterprise: Enterprise, by) -> None:
    """The actor acts for the enterprise's federation, and for its union when it names one."""
    writable = Organisation.objects.writable_by(by)
    if enterprise.federation_id is not None and not writable.filter(pk=enterprise.federation_id).exists():
        raise NotInScope
    if enterprise.union_id is not None and not writable.filter(pk=enterprise.union_id).exists():
        raise NotInScope


@transaction.atomic
def enterprise_create(*, by, **fields) -> Enterprise:
    enterprise = Enterprise(**fields)
    _check_actor(enterprise, by)
    _check_union(enterprise)
    enterprise.full_clean()
    with enterprises_changing(Enterprise.objects.none()) as created:
        enterprise.save()
        created.append(enterprise.pk)
    audit_record(actor=by, action="enterprise.create", obj=enterprise)
    return enterprise


@transaction.atomic
def enterprise_update(*, enterprise: Enterprise, by, **fields) -> Enterprise:
    enterprise = Enterprise.objects.writable_by(by).require(enterprise)
    changed = {}
    for name, value in fields.items():
        if name not in ENTERPRISE_FIELDS:
            raise TypeError(f"unknown enterprise field {name}")
        old = getattr(enterprise, name)
        if old != value:
            changed[name] = [str(old), str(value)]
            setattr(enterprise, name, value)
    if not changed:
        return enterprise
    if "union" in changed or "federation" in changed:
        _check_actor(enterprise, by)
    _check_union(enterprise)
    enterprise.full_clean()
    with enterprises_changing(Enterprise.objects.filter(pk=enterprise.pk)):
        enterprise.save(update_fields=list(changed))
    audit_record(actor=by, action="enterprise.update", obj=enterprise, detail={"changed": changed})
    return enterprise


def _check_term(term_start: date, term_end: date) -> None:
    if term_end <= term_start:
        raise field_error(
            "term_end",
            _("任期届满日期（%(end)s）应晚于任期开始日期（%(start)s）")
            % {"end": term_end, "start": term_start},
            code="term_order",
        )


def not_a_member_error(field: str, union: Organisation, role: str):
    """The same answer whoever the number belongs to: it names no one."""
    return field_error(
        field,
        _("该人员不是%(union)s的在册会员，不能担任%(role)s")
        % {"union": union, "role": Officer.Role(role).label},
        code="not_member",
    )


def officer_appoint_by_id_number(*, union: Organisation, id_number: str, role: str, by, **term) -> Officer:
    """officer_appoint for the form, which names the person by ID number: only a member of this union
    is found. A number registered elsewhere is refused like an unknown one, and the lookup audited."""
    union = Organisation.objects.writable_by(by).require(union)
    number = on_field("id_number", validate_resident_id, id_number)
    person = Person.objects.filter(id_hash=crypto.lookup_hash(number)).first()
    if person is None or not Membership.objects.active().filter(person=person, union=union).exists():
        if person is not None:
            audit_record(
                actor=by,
                action="person.lookup",
                obj=person,
                result=AuditLog.Result.DENIED,
                detail={"union": union.code, "for": "officer.appoint"},
            )
        raise not_a_member_error("id_number", union, role)
    return officer_appoint(union=union, person=person, role=role, by=by, **term)


@transaction.atomic
def officer_appoint(
    *, union: Organisation, person: Person, role: str, term_start: date, term_end: date, by
) -> Officer:
    """Appoints a member of the union to an office for a term; one transaction with its audit row.

    Refused: a union that is not grassroots or is dissolved, a term that ends before it starts, a
    person who is not an active member of this union, a man on the women workers' committee, a second
    chair (of the union, the audit or the women's committee) while one is in office, the union chair
    on the audit committee (经审会 examines the chair's spending), the same office twice.
    """
    union = Organisation.objects.writable_by(by).require(union)
    if not union.is_grassroots:
        raise field_error("union", _("只有基层工会设工会委员会"))
    if union.dissolved_on is not None:
        raise field_error("union", _("%(union)s已撤销") % {"union": union})
    _check_term(term_start, term_end)
    role_label = Officer.Role(role).label
    if not Membership.objects.active().filter(person=person, union=union).exists():
        raise not_a_member_error("person", union, role)
    if role in Officer.WOMEN_ROLES and person.gender != Person.Gender.FEMALE:
        raise field_error("person", _("女职工委员会由女会员组成"), code="women_only")
    current = Officer.objects.current().filter(union=union).select_related("person")
    if role in Officer.SINGLE_ROLES and (holder := current.filter(role=role).first()) is not None:
        raise field_error(
            "role",
            _("%(union)s现任%(role)s为%(name)s，须先卸任")
            % {"union": union, "role": role_label, "name": holder.person.name},
            code="office_taken",
        )
    if current.filter(person=person, role=role).exists():
        raise field_error("role", _("%(name)s已担任%(role)s") % {"name": person.name, "role": role_label})
    chair_and_audit = {Officer.Role.CHAIR, *Officer.AUDIT_ROLES}
    if role in chair_and_audit:
        others = chair_and_audit - (
            {Officer.Role.CHAIR} if role == Officer.Role.CHAIR else set(Officer.AUDIT_ROLES)
        )
        if current.filter(person=person, role__in=others).exists():
            raise field_error("role", _("工会主席不得兼任经费审查委员会成员"), code="chair_audit")
    officer = Officer(union=union, person=person, role=role, term_start=term_start, term_end=term_end)
    officer.full_clean(validate_constraints=False)
    officer.save()
    audit_record(
        actor=by,
        action="officer.appoint",
        obj=officer,
        detail={"union": union.code, "role": role, "term": [term_start.isoformat(), term_end.isoformat()]},
    )
    return officer


@transaction.atomic
def officer_stand_down(*, officer: Officer, on: date, by) -> Officer:
    """Ends an office (resignation, 换届): the row stays as history."""
    Officer.objects.writable_by(by).require(officer)
    officer = Officer.objects.select_for_update().get(pk=officer.pk)
    if officer.ended_on is not None:
        raise field_error("on", _("该职务已于%(d)s卸任") % {"d": officer.ended_on})
    if on < officer.term_start:
        raise field_error("on", _("卸任日期不能早于任期开始日期%(d)s") % {"d": officer.term_start})
    officer.ended_on = on
    officer.save(update_fields=["ended_on"])
    audit_record(actor=by, action="officer.stand_down", obj=officer, detail={"on": on.isoformat()})
    return officer
