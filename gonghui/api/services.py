"""API tokens: made for a user (by that user, or on the server by the command), revoked by the same."""

import hashlib
import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.api.models import ApiToken
from gonghui.core.audit import audit_record
from gonghui.core.errors import field_error
from gonghui.core.scope import NotInScope, SystemActor

PREFIX = "gh_"
MAX_DAYS = 365


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_create(*, user, name: str, days: int = 90, by) -> tuple[ApiToken, str]:
    """A new token for user, valid for `days`; returns the row and the token, which is not kept."""
    if not isinstance(by, SystemActor) and by.pk != user.pk:
        raise NotInScope
    if not user.is_active:
        raise field_error("user", _("账号已停用，不能创建令牌"))
    name = name.strip()
    if not name:
        raise field_error("name", _("请填写令牌的用途"))
    if not 1 <= days <= MAX_DAYS:
        raise field_error("days", _("有效天数须在1到%(max)s天之间") % {"max": MAX_DAYS})
    token = PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        row = ApiToken.objects.create(
            user=user,
            name=name,
            prefix=token[:10],
            key_hash=token_hash(token),
            expires_at=timezone.now() + timedelta(days=days),
        )
        audit_record(
            actor=by, action="api.token_create", obj=row, detail={"user": user.username, "days": days}
        )
    return row, token


def token_revoke(*, token: ApiToken, by) -> ApiToken:
    if not isinstance(by, SystemActor):
        token = ApiToken.objects.writable_by(by).require(token)
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().get(pk=token.pk)
        if token.revoked_at is not None:
            raise field_error("token", _("该令牌已吊销"))
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(actor=by, action="api.token_revoke", obj=token, detail={"user": token.user.username})
    return token
