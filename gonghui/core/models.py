from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import Exists, Func, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gonghui.core.fields import BytewiseCharField
from gonghui.core.roles import Role
from gonghui.core.scope import ScopedQuerySet, Visibility


class OperatorName(Func):
    """Whether a username is the server operator's, "system:<OS user>" (no user's name holds a colon).
    The constant is written into the SQL, not bound: SQLite reads a partial index only for a query
    that holds the index's condition with the same constants."""

    template = "SUBSTR(%(expressions)s, 1, 7) = 'system:'"
    output_field = models.BooleanField()


# The server operator's rows, such as a roster import's one per member: no federation reads them.
BY_SYSTEM = Q(actor__isnull=True) & Q(OperatorName("actor_username"))


def _about_their_users(scope) -> Q:
    """What the sign-ins of the subtree did, and the failed sign-ins under their usernames. Saying
    that these are not the operator's rows changes nothing they read, and lets `audit_people_idx`
    serve the page instead of the time index walking past every imported member's row."""
    users = get_user_model().objects.filter(organisation__path__startswith=scope.path)
    return ~BY_SYSTEM & (
        Q(Exists(users.filter(pk=OuterRef("actor_id"))))
        | Q(actor__isnull=True, actor_username__in=users.values("username"))
    )


class AuditLogQuerySet(ScopedQuerySet):
    def update(self, **kwargs):
        raise PermissionError("the audit log is append-only")

    def delete(self):
        raise PermissionError("the audit log is append-only")


class AuditLog(models.Model):
    """Append-only: rows are only ever inserted, in the same transaction as the change they record,
    by gonghui.core.audit's appender. Each row's `hash` is an HMAC (settings.AUDIT_HMAC_KEY) of its
    content, its place `seq` and the previous row's hash (`prev_hash`), so that a row deleted, edited
    or inserted out of place breaks the chain (`gonghui audit-verify`)."""

    class Result(models.TextChoices):
        OK = "ok", _("成功")
        DENIED = "denied", _("拒绝")
        FAILED = "failed", _("失败")

    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_constraint=False,
    )
    actor_username = models.CharField(_("账号"), max_length=150, blank=True)
    action = BytewiseCharField(_("操作"), max_length=64)  # indexed in Meta
    object_type = models.CharField(_("对象类型"), max_length=64, blank=True)
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    object_repr = models.CharField(_("对象"), max_length=200, blank=True)
    ip = models.GenericIPAddressField(_("来源地址"), null=True, blank=True)
    result = models.CharField(_("结果"), max_length=8, choices=Result.choices, default=Result.OK)
    detail = models.JSONField(_("详情"), default=dict, blank=True)
    seq = models.BigIntegerField(_("链序号"), unique=True, editable=False)
    prev_hash = models.CharField(_("前一条的校验值"), max_length=64, editable=False)
    hash = models.CharField(_("校验值"), max_length=64, editable=False)

    objects = AuditLogQuerySet.as_manager()
    visibility = Visibility(
        read={Role.FEDERATION_STAFF: _about_their_users, Role.AUDIT_ADMIN: lambda scope: Q(at__isnull=False)},
        describe={
            Role.FEDERATION_STAFF: "done by, or signing in as, a user of their subtree",
            Role.AUDIT_ADMIN: "the whole log (the platform's administrators included)",
        },
    )

    class Meta:
        verbose_name = _("审计日志")
        verbose_name_plural = _("审计日志")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="audit_object_idx"),
            models.Index(fields=["action"], name="audit_action_idx"),  # one index, for = and LIKE 'x%'
            models.Index(fields=["at", "id"], condition=~BY_SYSTEM, name="audit_people_idx"),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_username} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("the audit log is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("the audit log is append-only")


class AuditChain(models.Model):
    """The one row (id 1) that serialises appends to the audit log: an appender takes its lock by
    advancing `seq`, and an insert trigger moves `head_hash` to the new last row. The anchor is where
    the chain starts after a prune: the last pruned row's place and hash, with their HMAC."""

    seq = models.BigIntegerField(default=0)
    head_hash = models.CharField(max_length=64, blank=True)
    anchor_seq = models.BigIntegerField(default=0)
    anchor_hash = models.CharField(max_length=64, blank=True)
    anchor_mac = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("审计日志链头")
        verbose_name_plural = _("审计日志链头")

    def __str__(self):
        return f"{self.seq} {self.head_hash}"


class CalendarDay(models.Model):
    """An officer's correction of the working-day calendar: this date is a working day or a day off,
    whatever chinesecalendar says. Written by gonghui.core.calendar_services, read by gonghui.core.workdays."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("放假")
        WORKDAY = "workday", _("上班")

    date = models.DateField(_("日期"), unique=True)
    kind = models.CharField(_("类型"), max_length=8, choices=Kind.choices)
    name = models.CharField(_("节日"), max_length=50, blank=True)
    note = models.CharField(_("依据"), max_length=200, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("录入人"), on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(_("录入时间"), default=timezone.now)

    class Meta:
        verbose_name = _("工作日更正")
        verbose_name_plural = _("工作日更正")
        ordering = ["date"]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.get_kind_display()} {self.name}".rstrip()

    @property
    def is_workday(self) -> bool:
        return self.kind == self.Kind.WORKDAY


class CalendarYear(models.Model):
    """A year chinesecalendar does not know yet whose holiday arrangement officers have entered in full:
    from then on its working days are no longer provisional."""

    year = models.PositiveSmallIntegerField(_("年份"), unique=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("确认人"), on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField(_("确认时间"), default=timezone.now)

    class Meta:
        verbose_name = _("已录入年份")
        verbose_name_plural = _("已录入年份")
        ordering = ["year"]

    def __str__(self):
        return str(self.year)
