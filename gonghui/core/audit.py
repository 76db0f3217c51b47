"""Writing the audit log. Call audit_record inside the transaction of the change it records."""

import ipaddress
from contextvars import ContextVar

from django.conf import settings

from gonghui.core.models import AuditLog
from gonghui.core.scope import SystemActor

current_ip: ContextVar[str | None] = ContextVar("current_ip", default=None)


def client_ip(request) -> str | None:
    """The client's address: REMOTE_ADDR, or behind settings.TRUSTED_PROXIES proxies the entry of
    X-Forwarded-For that the outermost of them appended. Each proxy appends the address it was
    reached from; everything left of that entry is the client's own writing and is never trusted.
    A header that did not pass through every proxy, or an entry that is not an address, counts as
    REMOTE_ADDR."""
    remote = _address(request.META.get("REMOTE_ADDR", ""))
    proxies = settings.TRUSTED_PROXIES
    if proxies:
        entries = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if len(entries) >= proxies:
            return _address(entries[-proxies]) or remote
    return remote


def _address(value: str) -> str | None:
    """The address in the one spelling the database stores (2001:DB8::0:1 → 2001:db8::1), or None."""
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


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
