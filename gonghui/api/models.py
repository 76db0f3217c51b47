from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gonghui.core.roles import Role
from gonghui.core.scope import ScopedQuerySet, Visibility


def _own_tokens(scope):
    return Q(user_id=scope.user_id) if scope.user_id is not None else None


class ApiToken(models.Model):
    """A bearer token for a system acting as its user: only its hash is kept; the token itself is
    shown once, when it is made. It reaches exactly what its user reaches, until it expires or is
    revoked, and stops with its user's account."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("账号"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("用途"), max_length=100)
    prefix = models.CharField(_("令牌开头"), max_length=12, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    expires_at = models.DateTimeField(_("到期时间"))
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    visibility = Visibility(
        read=dict.fromkeys(Role.values, _own_tokens),
        write=Role.values,
        describe=dict.fromkeys(Role.values, "own tokens: user"),
    )

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.prefix}… {self.name}"

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()


class TokenWindow(models.Model):
    """Requests made with a token in one minute, for its rate limit: kept in the database so that
    every app server counts the same requests."""

    token = models.ForeignKey(ApiToken, on_delete=models.CASCADE)
    minute = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["token", "minute"], name="token_window_once")]

    def __str__(self):
        return f"{self.token_id} {self.minute:%H:%M} {self.count}"
