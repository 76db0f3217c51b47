from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from gonghui.core.roles import Role


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
        return self.is_active and (self.is_superuser or self.role == Role.PLATFORM_ADMIN)

    def has_perm(self, perm, obj=None):
        """A platform admin holds every permission of Django's admin; other roles hold none there."""
        return self.is_platform_admin

    def has_module_perms(self, app_label):
        return self.is_platform_admin


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
