"""Activation codes: how a member gets a sign-in without SMS (an intranet has no gateway)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gonghui.core.fields import BytewiseCharField
from gonghui.core.scope import OFFICER_REACH, OFFICERS, ScopedQuerySet, Visibility


class ActivationCode(models.Model):
    """A one-time code a union admin shows or prints for a member, who signs in with their mobile
    number and it once to set a password. Only its keyed hash is kept; a new code replaces the old."""

    person = models.ForeignKey(
        "members.Person", verbose_name=_("会员"), on_delete=models.PROTECT, related_name="activation_codes"
    )
    union = models.ForeignKey(  # the member's union when the code was issued
        "orgs.Organisation", verbose_name=_("工会"), on_delete=models.PROTECT, related_name="+"
    )
    code_hash = BytewiseCharField(max_length=64, editable=False)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发放人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    issued_at = models.DateTimeField(_("发放时间"))
    expires_at = models.DateTimeField(_("有效期至"))
    used_at = models.DateTimeField(_("使用时间"), null=True, blank=True)
    replaced_at = models.DateTimeField(_("作废时间"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    visibility = Visibility(tree="union__path", union="union", read=OFFICER_REACH, write=OFFICERS)

    class Meta:
        verbose_name = _("激活码")
        verbose_name_plural = _("激活码")
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["code_hash"], name="activation_code_hash_unique"),
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(used_at__isnull=True, replaced_at__isnull=True),
                name="one_live_activation_code",
            ),
        ]

    def __str__(self):
        return f"{self.person} · {self.issued_at:%Y-%m-%d}"
