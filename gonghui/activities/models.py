"""Union activities (lectures, study sessions, outings) with registration and attendance, and welfare
distributions (福利发放): who received what and how much, signed off by a second officer."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gonghui.core.roles import Role
from gonghui.core.scope import OFFICER_REACH, OFFICERS, Reach, ScopedQuerySet, Visibility


class Activity(models.Model):
    """An activity organised by a union or a federation for the members of its subtree."""

    class Kind(models.TextChoices):
        LECTURE = "lecture", _("宣讲会")
        STUDY_SESSION = "study_session", _("专题学习会")
        OUTING = "outing", _("职工出游")
        OTHER = "other", _("其他活动")

    LECTURE_KINDS = (Kind.LECTURE, Kind.STUDY_SESSION)

    class Status(models.TextChoices):
        PLANNED = "planned", _("报名中")
        HELD = "held", _("已举办")
        CANCELLED = "cancelled", _("已取消")

    organiser = models.ForeignKey(
        "orgs.Organisation", verbose_name=_("主办组织"), on_delete=models.PROTECT, related_name="activities"
    )
    kind = models.CharField(_("活动类型"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("活动名称"), max_length=100)
    held_on = models.DateField(_("活动日期"))
    place = models.CharField(_("地点"), max_length=100, blank=True)
    capacity = models.PositiveIntegerField(_("名额"), null=True, blank=True)
    description = models.TextField(_("内容"), blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.PLANNED)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    visibility = Visibility(tree="organiser__path", union="organiser", read=OFFICER_REACH, write=OFFICERS)

    class Meta:
        verbose_name = _("工会活动")
        verbose_name_plural = _("工会活动")
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["organiser", "held_on"], name="activity_organiser_date_idx")]

    def __str__(self):
        return self.title


class Registration(models.Model):
    """A member's registration for an activity; attended is set when attendance is recorded."""

    activity = models.ForeignKey(
        Activity, verbose_name=_("活动"), on_delete=models.CASCADE, related_name="registrations"
    )
    person = models.ForeignKey(
        "members.Person", verbose_name=_("人员"), on_delete=models.PROTECT, related_name="registrations"
    )
    attended = models.BooleanField(_("已签到"), default=False)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    registered_at = models.DateTimeField(_("报名时间"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    visibility = Visibility(
        tree="activity__organiser__path",
        union="activity__organiser",
        person="person",
        read={**OFFICER_REACH, Role.WORKER: Reach.PERSON},
        write=OFFICERS,
    )

    class Meta:
        verbose_name = _("活动报名")
        verbose_name_plural = _("活动报名")
        ordering = ["person__name_pinyin", "id"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "person"], name="registration_once_per_person")
        ]

    def __str__(self):
        return f"{self.person} @ {self.activity}"


class WelfareDistribution(models.Model):
    """A distribution of welfare by a grassroots union; it counts only once a second officer signs it off."""

    class Occasion(models.TextChoices):
        HOLIDAY = "holiday", _("节日慰问")
        SUMMER = "summer", _("夏季送清凉")
        BIRTHDAY = "birthday", _("生日慰问")
        HARDSHIP = "hardship", _("困难帮扶")
        OTHER = "other", _("其他")

    class Status(models.TextChoices):
        DRAFT = "draft", _("待签批")
        SIGNED_OFF = "signed_off", _("已签批")

    union = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("工会"),
        on_delete=models.PROTECT,
        related_name="welfare_distributions",
    )
    title = models.CharField(_("名称"), max_length=100)
    occasion = models.CharField(_("类别"), max_length=12, choices=Occasion.choices)
    distributed_on = models.DateField(_("发放日期"))
    item = models.CharField(_("发放物品"), max_length=100)
    amount = models.DecimalField(_("每人金额（元）"), max_digits=10, decimal_places=2)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("经办人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("签批人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    signed_off_at = models.DateTimeField(_("签批时间"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    visibility = Visibility(tree="union__path", union="union", read=OFFICER_REACH, write=OFFICERS)

    class Meta:
        verbose_name = _("福利发放")
        verbose_name_plural = _("福利发放")
        ordering = ["-distributed_on", "-id"]
        indexes = [models.Index(fields=["union", "distributed_on"], name="welfare_union_date_idx")]
        constraints = [
            models.CheckConstraint(name="welfare_amount_not_negative", condition=models.Q(amount__gte=0)),
            models.CheckConstraint(
                name="welfare_signed_off_by_second_officer",
                condition=models.Q(signed_off_by__isnull=True)
                | ~models.Q(signed_off_by=models.F("created_by")),
            ),
            models.CheckConstraint(
                name="welfare_sign_off_complete",
                condition=models.Q(status="draft", signed_off_by__isnull=True, signed_off_at__isnull=True)
                | models.Q(status="signed_off", signed_off_by__isnull=False, signed_off_at__isnull=False),
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT


class WelfareRecipient(models.Model):
    """One member's receipt in a distribution: what and how much. A member receives a distribution once."""

    distribution = models.ForeignKey(
        WelfareDistribution, verbose_name=_("福利发放"), on_delete=models.CASCADE, related_name="recipients"
    )
    person = models.ForeignKey(
        "members.Person", verbose_name=_("领取人"), on_delete=models.PROTECT, related_name="welfare_received"
    )
    membership = models.ForeignKey(
        "members.Membership", verbose_name=_("会员关系"), on_delete=models.PROTECT, related_name="+"
    )
    item = models.CharField(_("发放物品"), max_length=100)
    amount = models.DecimalField(_("金额（元）"), max_digits=10, decimal_places=2)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    added_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    visibility = Visibility(
        tree="distribution__union__path",
        union="distribution__union",
        person="person",
        read={**OFFICER_REACH, Role.WORKER: Reach.PERSON},
        write=OFFICERS,
    )

    class Meta:
        verbose_name = _("福利领取")
        verbose_name_plural = _("福利领取")
        ordering = ["person__name_pinyin", "id"]
        constraints = [
            models.UniqueConstraint(fields=["distribution", "person"], name="welfare_once_per_person"),
            models.CheckConstraint(
                name="welfare_recipient_amount_not_negative", condition=models.Q(amount__gte=0)
            ),
        ]

    def __str__(self):
        return f"{self.person} · {self.distribution}"


class ActivityMonth(models.Model):
    """What the activities and welfare of an organisation's subtree add up to in a month: activities
    held (lectures and study sessions among them) and their attendances, by the activity's date, and
    the recipients of signed-off welfare distributions, by the distribution's date. A roll-up kept by
    activities.services, rebuilt by `gonghui rollups-rebuild` (gonghui.core.rollups, activities.rollups)."""

    organisation = models.ForeignKey("orgs.Organisation", on_delete=models.CASCADE, related_name="+")
    month = models.DateField()  # its first day
    lectures = models.IntegerField(default=0)
    activities = models.IntegerField(default=0)
    attendees = models.IntegerField(default=0)
    welfare_recipients = models.IntegerField(default=0)

    objects = ScopedQuerySet.as_manager()
    visibility = Visibility(tree="organisation__path", union="organisation", read=OFFICER_REACH, write=())

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "month"], name="activity_month_unique")
        ]

    def __str__(self):
        return f"{self.organisation_id} {self.month:%Y-%m}"
