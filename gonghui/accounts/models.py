import secrets

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from gonghui.core.roles import ADMINISTRATOR_ROLES, SECOND_FACTOR_ROLES, Role


def new_session_stamp() -> str:
    return secrets.token_hex(16)


class User(AbstractUser):
    """A sign-in. Its role and organisation decide what it may see (gonghui.core.scope)."""

    role = models.CharField(_("角色"), max_length=32, choices=Role.choices, default=Role.WORKER)
    organisation = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("所属组织"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    person = models.OneToOneField(
        "members.Person",
        verbose_name=_("本人档案"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="user",
    )
    password_changed_at = models.DateTimeField(_("密码修改时间"), null=True, blank=True)
    password_must_change = models.BooleanField(_("下次登录须修改密码"), default=False)
    # Part of every session's hash: a new stamp ends the user's sessions everywhere (a second factor
    # reset, a new role), as a new password does.
    session_stamp = models.CharField(max_length=32, default=new_session_stamp, editable=False)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        constraints = [
            models.CheckConstraint(
                name="user_scope_matches_role",
                condition=(
                    models.Q(
                        role__in=["federation_staff", "union_admin", "academy_staff"],
                        organisation__isnull=False,
                    )
                    | ~models.Q(role__in=["federation_staff", "union_admin", "academy_staff"])
                ),
            ),
        ]

    @property
    def is_platform_admin(self) -> bool:
        """The system administrator (or a superuser made on the server): Django's admin and every row."""
        return self.is_active and (self.is_superuser or self.role == Role.PLATFORM_ADMIN)

    @property
    def is_administrator(self) -> bool:
        return self.is_superuser or self.role in ADMINISTRATOR_ROLES

    @property
    def needs_second_factor(self) -> bool:
        return self.is_superuser or self.role in SECOND_FACTOR_ROLES

    def has_perm(self, perm, obj=None):
        """A system administrator holds every permission of Django's admin; other roles hold none there."""
        return self.is_platform_admin

    def has_module_perms(self, app_label):
        return self.is_platform_admin

    def _get_session_auth_hash(self, secret=None):
        key_salt = "gonghui.accounts.User.session_auth_hash"
        return salted_hmac(
            key_salt, f"{self.password}:{self.session_stamp}", secret=secret, algorithm="sha256"
        ).hexdigest()


class LoginFailure(models.Model):
    """One failed sign-in, counted by account and by address for the lockout (gonghui.accounts.lockout)."""

    username = models.CharField(max_length=150)
    ip = models.GenericIPAddressField(null=True)
    at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["username", "at"], name="login_failure_account_idx"),
            models.Index(fields=["ip", "at"], name="login_failure_address_idx"),
        ]

    def __str__(self):
        return f"{self.username}@{self.ip} {self.at:%Y-%m-%d %H:%M}"


class PasswordHistory(models.Model):
    """A password the user had (its hash), so that the last few cannot be chosen again."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="password_history")
    encoded = models.CharField(max_length=256)
    at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["user", "-at"], name="password_history_user_idx")]

    def __str__(self):
        return f"{self.user_id} {self.at:%Y-%m-%d}"


class RecoveryCode(models.Model):
    """A single-use recovery code for the second factor, kept as a keyed hash, never in clear."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="recovery_codes")
    digest = models.CharField(max_length=64)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "digest"], name="recovery_code_unique")]

    def __str__(self):
        return f"{self.user_id} {'used' if self.used_at else 'unused'}"
