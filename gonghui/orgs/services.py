from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from gonghui.core.audit import audit_record
from gonghui.core.errors import field_error
from gonghui.orgs.models import Enterprise, Organisation

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
    by=None,
    **fields,
) -> Organisation:
    if kind not in ALLOWED_CHILDREN.get(parent.kind if parent else None, set()):
        raise field_error("kind", _("上级组织之下不能设立这一类型的组织"))
    org = Organisation(
        code=code, name=name, kind=kind, parent=parent, established_on=established_on, **fields
    )
    org.path = org.compute_path()
    org.depth = org.path.count("/") - 2
    org.full_clean()
    org.save()
    audit_record(actor=by, action="organisation.create", obj=org)
    return org


@transaction.atomic
def organisation_dissolve(*, organisation: Organisation, on: date, by) -> Organisation:
    if organisation.memberships.active().exists():
        raise field_error("dissolved_on", _("该工会仍有在册会员，须先办理转出或退会"))
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


@transaction.atomic
def enterprise_create(*, by=None, **fields) -> Enterprise:
    enterprise = Enterprise(**fields)
    _check_union(enterprise)
    enterprise.full_clean()
    enterprise.save()
    audit_record(actor=by, action="enterprise.create", obj=enterprise)
    return enterprise


@transaction.atomic
def enterprise_update(*, enterprise: Enterprise, by=None, **fields) -> Enterprise:
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
    _check_union(enterprise)
    enterprise.full_clean()
    enterprise.save(update_fields=list(changed))
    audit_record(actor=by, action="enterprise.update", obj=enterprise, detail={"changed": changed})
    return enterprise
