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
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    return AuditLog.objects.create(
        actor=actor if authenticated and not isinstance(actor, SystemActor) else None,
        actor_username=actor.get_username() if authenticated else username,
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:200] if obj is not None else "",
        ip=ip or current_ip.get(),
        result=result,
        detail=detail or {},
    )
