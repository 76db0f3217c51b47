"""Passwords over time: changed by their owner, reset by a system administrator (then changed at the
next sign-in), never one of the last PASSWORD_HISTORY, and at most PASSWORD_MAX_AGE old when set.

A new password ends the user's other sessions everywhere: each session carries a hash of the
password (User._get_session_auth_hash), which no longer matches.
"""

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from gonghui.accounts.models import PasswordHistory, User
from gonghui.core.audit import audit_record


def password_expired(user) -> bool:
    max_age = settings.PASSWORD_MAX_AGE
    if max_age is None:
        return False
    changed = user.password_changed_at or user.date_joined
    return timezone.now() - changed > max_age


def must_change_password(user) -> bool:
    return user.password_must_change or password_expired(user)


def _earlier_passwords(user) -> list[str]:
    """The current password's hash and those before it, PASSWORD_HISTORY in all."""
    earlier = list(
        PasswordHistory.objects.filter(user=user)
        .order_by("-at", "-pk")
        .values_list("encoded", flat=True)[: settings.PASSWORD_HISTORY - 1]
    )
    return [user.password, *earlier] if user.password else earlier


class PasswordHistoryValidator:
    """Refuses any of the user's last PASSWORD_HISTORY passwords (the current one included)."""

    def validate(self, password, user=None):
        if user is None or user.pk is None:
            return
        if any(check_password(password, encoded) for encoded in _earlier_passwords(user)):
            raise ValidationError(self.get_help_text(), code="password_reused")

    def get_help_text(self):
        n = settings.PASSWORD_HISTORY
        return ngettext("不能使用最近%(n)d次用过的密码", "不能使用最近%(n)d次用过的密码", n) % {"n": n}


@transaction.atomic
def password_set(*, user: User, password: str, by) -> None:
    """Sets a new password. By its owner it is final; by anyone else (a reset) the owner must change it
    at the next sign-in. Validated (strength, history) with the same messages as the forms."""
    own = getattr(by, "pk", None) == user.pk
    if not own and not (getattr(by, "is_platform_admin", False) and not user.is_administrator):
        raise ValidationError(
            _("只有系统管理员可以重置他人的密码，且不能重置管理员的密码。"), code="not_allowed"
        )
    validate_password(password, user)
    if user.password:
        PasswordHistory.objects.create(user=user, encoded=user.password, at=timezone.now())
        stale = PasswordHistory.objects.filter(user=user).order_by("-at", "-pk")[
            settings.PASSWORD_HISTORY - 1 :
        ]
        PasswordHistory.objects.filter(pk__in=list(stale.values_list("pk", flat=True))).delete()
    user.set_password(password)
    user.password_changed_at = timezone.now()
    user.password_must_change = not own
    user.save(update_fields=["password", "password_changed_at", "password_must_change"])
    audit_record(actor=by, action="auth.password_change" if own else "auth.password_reset", obj=user)
