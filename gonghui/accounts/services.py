"""The security administrator's duties: roles, second factors (gonghui.accounts.second_factor) and
unlocks. None of the three administrators' roles is granted here: only on the server."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from gonghui.accounts.lockout import unlock
from gonghui.accounts.models import User, new_session_stamp
from gonghui.core.audit import audit_record
from gonghui.core.roles import ADMINISTRATOR_ROLES, ORGANISATION_ROLES, Role
from gonghui.core.scope import scope_of


def _require_security_admin(by, user: User) -> None:
    scope_of(by).require("security.manage")
    if user.pk == getattr(by, "pk", None):
        raise ValidationError(_("不能变更自己的账号，请由另一位安全管理员操作。"), code="own")


@transaction.atomic
def role_set(*, user: User, role: str, organisation, by) -> User:
    """Gives a user a role of the platform's work (never an administrator's) and the organisation it
    acts for. The user's sessions end: the next sign-in carries the new role."""
    _require_security_admin(by, user)
    if user.is_administrator:
        raise ValidationError(_("管理员的角色不能在网页上变更，只能在服务器上调整。"), code="administrator")
    if role in ADMINISTRATOR_ROLES or role not in Role.values:
        raise ValidationError(
            {"role": _("管理员角色（系统、安全、审计）只能在服务器上授予，不能在网页上授予。")},
            code="administrator",
        )
    if role in ORGANISATION_ROLES and organisation is None:
        raise ValidationError({"organisation": _("该角色须指定所属组织。")}, code="organisation")
    before = {"role": user.role, "organisation": user.organisation.code if user.organisation_id else None}
    user.role = role
    user.organisation = organisation if role in ORGANISATION_ROLES else None
    user.session_stamp = new_session_stamp()
    user.full_clean(exclude=["password"])
    user.save(update_fields=["role", "organisation", "session_stamp"])
    audit_record(
        actor=by,
        action="security.role_set",
        obj=user,
        detail={
            "before": before,
            "after": {"role": role, "organisation": organisation.code if organisation else None},
        },
    )
    return user


@transaction.atomic
def account_unlock(*, user: User, by) -> int:
    """Lifts the account's sign-in lock and slowing on every address. Returns the failures cleared."""
    _require_security_admin(by, user)
    failures = unlock(username=user.get_username())
    audit_record(actor=by, action="auth.unlock", obj=user, detail={"failures": failures})
    return failures


@transaction.atomic
def administrator_grant(*, user: User, role: str, by) -> User:
    """On the server only (`gonghui grant-admin`): makes a user one of the three administrators.
    One duty per person: the role replaces whatever the user held."""
    if role not in ADMINISTRATOR_ROLES:
        raise ValidationError(_("只能授予系统管理员、安全管理员或审计管理员角色。"), code="not_administrator")
    before = user.role
    user.role = role
    user.organisation = None
    user.is_staff = role == Role.PLATFORM_ADMIN
    user.session_stamp = new_session_stamp()
    user.save(update_fields=["role", "organisation", "is_staff", "session_stamp"])
    audit_record(
        actor=by, action="security.administrator_grant", obj=user, detail={"before": before, "after": role}
    )
    return user
