"""Writing the audit log. Call audit_record inside the transaction of the change it records."""

from contextvars import ContextVar

from django.conf import settings

from gonghui.core.models import AuditLog
from gonghui.core.scope import SystemActor

current_ip: ContextVar[str | None] = ContextVar("current_ip", default=None)


def client_ip(request) -> str | None:
    if settings.TRUST_X_FORWARDED_FOR and (forwarded := request.META.get("HTTP_X_FORWARDED_FOR")):
        return forwarded.split(",")[0].strip()
    return request.META.get("REMOTE_ADDR")


def actor_columns(actor, username: str = "") -> tuple[int | None, str]:
    """The audit row's actor id and username for a user, a SystemActor (no id, "system:<OS user>")
    or None (no id; `username` says who tried, e.g. a failed sign-in)."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return None, username
    return (None if isinstance(actor, SystemActor) else actor.pk), actor.get_username()


def audit_record(
    *,
    actor,
    action: str,
    obj=None,
    result: str = AuditLog.Result.OK,
    detail: dict | None = None,
    ip: str | None = None,
    username: str = "",
) -> AuditLog:
    """actor: a user, a SystemActor (recorded by its name, "system:<OS user>") or None (then username
    says who tried, e.g. a failed sign-in)."""
    actor_id, actor_username = actor_columns(actor, username)
    return AuditLog.objects.create(
        actor_id=actor_id,
        actor_username=actor_username,
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:200] if obj is not None else "",
        ip=ip or current_ip.get(),
        result=result,
        detail=detail or {},
    )
