"""The craftsman academy 工匠学院: its partners, courses by craft, classes (offline with sessions, or
online), enrolments with a waiting list, attendance, completion by the course's rule and numbered
certificates 结业证书 that anyone may verify.

The rules (capacity, who may enrol whom, the completion rule, numbering) live in academy.services;
these models hold the state, and the database keeps what must never happen twice from happening.
"""

from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gonghui.core.roles import Role
from gonghui.core.scope import OFFICER_REACH, Reach, Scope, ScopedQuerySet, Visibility

# Federation staff follow their subtree; academy staff, whose organisation is their federation, run it.
STAFF_READ = {Role.FEDERATION_STAFF: Reach.TREE, Role.ACADEMY_STAFF: Reach.TREE}
ACADEMY_WRITE = (Role.ACADEMY_STAFF,)


def ancestors(path: str) -> list[str]:
    """ "/CITY/ZONE/U0001/" → ["/CITY/", "/CITY/ZONE/", "/CITY/ZONE/U0001/"]."""
    parts = path.strip("/").split("/") if path.strip("/") else []
    return ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


def _offered_above(lookup: str):
    def offered_to_the_union(scope: Scope) -> Q | None:
        """courses of the federations above the union, whose members it may enrol"""
        return Q(**{f"{lookup}__in": ancestors(scope.path)}) if scope.path else None

    return offered_to_the_union


class Craft(models.TextChoices):
    SITE_ENGINEERING = "site_engineering", _("现场工程")
    ELECTRICAL = "electrical", _("电气")
    MAINTENANCE = "maintenance", _("设备维护")
    AUTOMATION = "automation", _("自动化控制")
    QUALITY = "quality", _("质量检测")
    SAFETY = "safety", _("安全生产")
    DIGITAL = "digital", _("数字化技能")
    OTHER = "other", _("其他")


class Partner(models.Model):
    """A member of the academy's alliance (工会+部门+院校+企业): who teaches, hosts or certifies."""

    class Kind(models.TextChoices):
        UNION = "union", _("工会")
        DEPARTMENT = "department", _("政府部门")
        SCHOOL = "school", _("院校")
        ENTERPRISE = "enterprise", _("企业")

    federation = models.ForeignKey(
        "orgs.Organisation", verbose_name=_("所属总工会"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices)
    name = models.CharField(_("名称"), max_length=100)
    contact = models.CharField(_("联系人"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    visibility = Visibility(tree="federation__path", read=STAFF_READ, write=ACADEMY_WRITE)

    class Meta:
        verbose_name = _("合作单位")
        verbose_name_plural = _("合作单位")
        ordering = ["kind", "name", "id"]
        constraints = [models.UniqueConstraint(fields=["federation", "name"], name="partner_unique_name")]

    def __str__(self):
        return self.name


class Course(models.Model):
    """A course of a craft with its class hours and its completion rule, as data."""

    federation = models.ForeignKey(
        "orgs.Organisation", verbose_name=_("主办总工会"), on_delete=models.PROTECT, related_name="courses"
    )
    title = models.CharField(_("课程名称"), max_length=100)
    craft = models.CharField(_("工种方向"), max_length=20, choices=Craft.choices)
    hours = models.DecimalField(
        _("课时"), max_digits=5, decimal_places=1, validators=[MinValueValidator(Decimal("0.5"))]
    )
    partner = models.ForeignKey(
        Partner,
        verbose_name=_("合作单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="courses",
    )
    description = models.TextField(_("课程简介"), blank=True)
    min_attendance = models.DecimalField(
        _("最低出勤率"),
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.80"),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(1))],
        help_text=_("线下班级结业须达到的出勤比例，如0.80"),
    )
    pass_mark = models.PositiveSmallIntegerField(
        _("考核合格分"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(100)],
        help_text=_("不填则不考核"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    visibility = Visibility(
        tree="federation__path",
        read={**STAFF_READ, Role.UNION_ADMIN: _offered_above("federation__path")},
        write=ACADEMY_WRITE,
        describe={Role.UNION_ADMIN: "courses of the federations above the union"},
    )

    class Meta:
        verbose_name = _("课程")
        verbose_name_plural = _("课程")
        ordering = ["craft", "title", "id"]
        constraints = [
            models.CheckConstraint(name="course_hours_positive", condition=Q(hours__gt=0)),
            models.CheckConstraint(
                name="course_attendance_ratio", condition=Q(min_attendance__gte=0, min_attendance__lte=1)
            ),
            models.CheckConstraint(
                name="course_pass_mark_range", condition=Q(pass_mark__isnull=True) | Q(pass_mark__lte=100)
            ),
        ]

    def __str__(self):
        return self.title


class TrainingClassQuerySet(ScopedQuerySet):
    def awaiting_completion(self, today):
        """Classes ended (by today) with trainees still waiting for their completion decision."""
        return self.filter(ends_on__lt=today, enrolments__status=Enrolment.Status.ENROLLED).distinct()


class TrainingClass(models.Model):
    """One run of a course: offline (dates, sessions, place, capacity, teacher) or online (published,
    the course's hours credited on completion)."""

    class Mode(models.TextChoices):
        OFFLINE = "offline", _("线下培训")
        ONLINE = "online", _("线上课程")

    course = models.ForeignKey(
        Course, verbose_name=_("课程"), on_delete=models.PROTECT, related_name="classes"
    )
    mode = models.CharField(_("形式"), max_length=10, choices=Mode.choices)
    name = models.CharField(_("班级名称"), max_length=100)
    starts_on = models.DateField(_("开班日期"))
    ends_on = models.DateField(_("结束日期"))
    place = models.CharField(_("地点"), max_length=100, blank=True)
    capacity = models.PositiveIntegerField(_("名额"), null=True, blank=True, help_text=_("不填则不限名额"))
    teacher = models.CharField(_("授课教师"), max_length=100, blank=True)
    published = models.BooleanField(_("已上线"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = TrainingClassQuerySet.as_manager()
    visibility = Visibility(
        tree="course__federation__path",
        read={**STAFF_READ, Role.UNION_ADMIN: _offered_above("course__federation__path")},
        write=ACADEMY_WRITE,
        describe={Role.UNION_ADMIN: "classes of the federations above the union"},
    )

    class Meta:
        verbose_name = _("培训班级")
        verbose_name_plural = _("培训班级")
        ordering = ["-starts_on", "-id"]
        indexes = [models.Index(fields=["starts_on"], name="trainingclass_starts_idx")]
        constraints = [
            models.CheckConstraint(
                name="class_ends_after_start", condition=Q(ends_on__gte=models.F("starts_on"))
            ),
            models.CheckConstraint(
                name="class_capacity_positive", condition=Q(capacity__isnull=True) | Q(capacity__gt=0)
            ),
            models.CheckConstraint(
                name="class_online_without_place",
                condition=Q(mode="offline") | Q(place="", capacity__isnull=True),
            ),
        ]

    def __str__(self):
        return f"{self.course.title} · {self.name}"

    @property
    def is_offline(self) -> bool:
        return self.mode == self.Mode.OFFLINE


class Session(models.Model):
    """A dated session of an offline class, whose attendance is recorded once it has begun."""

    training_class = models.ForeignKey(
        TrainingClass, verbose_name=_("班级"), on_delete=models.CASCADE, related_name="sessions"
    )
    on = models.DateField(_("日期"))
    starts_at = models.TimeField(_("开始时间"))
    ends_at = models.TimeField(_("结束时间"))
    topic = models.CharField(_("内容"), max_length=100, blank=True)

    objects = ScopedQuerySet.as_manager()
    visibility = Visibility(
        tree="training_class__course__federation__path", read=STAFF_READ, write=ACADEMY_WRITE
    )

    class Meta:
        verbose_name = _("课次")
        verbose_name_plural = _("课次")
        ordering = ["on", "starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                name="session_ends_after_start", condition=Q(ends_at__gt=models.F("starts_at"))
            ),
            models.UniqueConstraint(fields=["training_class", "on", "starts_at"], name="session_unique_time"),
        ]

    def __str__(self):
        return f"{self.on:%Y-%m-%d} {self.starts_at:%H:%M}"

    def has_started(self, now: datetime | None = None) -> bool:
        """Attendance is recorded once a session has begun, never ahead."""
        return timezone.make_aware(datetime.combine(self.on, self.starts_at)) <= (now or timezone.now())


class Enrolment(models.Model):
    """A worker in a class, with the membership and employer of the day they were enrolled."""

    class Status(models.TextChoices):
        ENROLLED = "enrolled", _("已报名")
        WAITING = "waiting", _("候补")
        CANCELLED = "cancelled", _("已取消")
        COMPLETED = "completed", _("已结业")
        NOT_COMPLETED = "not_completed", _("未结业")

    SEATED = (Status.ENROLLED, Status.COMPLETED, Status.NOT_COMPLETED)  # those who hold a place

    training_class = models.ForeignKey(
        TrainingClass, verbose_name=_("班级"), on_delete=models.PROTECT, related_name="enrolments"
    )
    person = models.ForeignKey(
        "members.Person", verbose_name=_("学员"), on_delete=models.PROTECT, related_name="enrolments"
    )
    membership = models.ForeignKey(
        "members.Membership", verbose_name=_("会员关系"), on_delete=models.PROTECT, related_name="+"
    )
    union = models.ForeignKey(
        "orgs.Organisation", verbose_name=_("所在工会"), on_delete=models.PROTECT, related_name="+"
    )
    enterprise = models.ForeignKey(
        "orgs.Enterprise",
        verbose_name=_("用工单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="enrolments",
    )
    enrolled_on = models.DateField(_("报名日期"))
    status = models.CharField(_("状态"), max_length=14, choices=Status.choices)
    queued_at = models.DateTimeField(_("排队时间"))  # the waiting list's order, then id
    score = models.DecimalField(_("考核成绩"), max_digits=5, decimal_places=1, null=True, blank=True)
    decided_on = models.DateField(_("结业日期"), null=True, blank=True)
    decision_note = models.CharField(_("结业说明"), max_length=200, blank=True)
    cancel_reason = models.CharField(_("取消原因"), max_length=200, blank=True)
    enrolled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("报名人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    visibility = Visibility(
        tree=("training_class__course__federation__path", "union__path"),
        union="union",
        person="person",
        read={**STAFF_READ, Role.UNION_ADMIN: Reach.UNION, Role.WORKER: Reach.PERSON},
        write=(Role.ACADEMY_STAFF, Role.UNION_ADMIN, Role.WORKER),
    )

    class Meta:
        verbose_name = _("报名")
        verbose_name_plural = _("报名")
        ordering = ["person__name_pinyin", "id"]
        constraints = [
            models.UniqueConstraint(fields=["training_class", "person"], name="enrolment_once_per_class"),
            models.CheckConstraint(
                name="enrolment_score_range",
                condition=Q(score__isnull=True) | Q(score__gte=0, score__lte=100),
            ),
        ]
        indexes = [models.Index(fields=["training_class", "status", "queued_at"], name="enrolment_queue_idx")]

    def __str__(self):
        return f"{self.person} @ {self.training_class_id}"


class Attendance(models.Model):
    """Present or absent, for one enrolled trainee at one session."""

    session = models.ForeignKey(
        Session, verbose_name=_("课次"), on_delete=models.CASCADE, related_name="attendances"
    )
    enrolment = models.ForeignKey(
        Enrolment, verbose_name=_("报名"), on_delete=models.CASCADE, related_name="attendances"
    )
    present = models.BooleanField(_("出勤"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("记录时间"), auto_now=True)

    objects = ScopedQuerySet.as_manager()
    visibility = Visibility(
        tree="session__training_class__course__federation__path",
        union="enrolment__union",
        person="enrolment__person",
        read={**STAFF_READ, Role.UNION_ADMIN: Reach.UNION, Role.WORKER: Reach.PERSON},
        write=ACADEMY_WRITE,
    )

    class Meta:
        verbose_name = _("考勤")
        verbose_name_plural = _("考勤")
        constraints = [models.UniqueConstraint(fields=["session", "enrolment"], name="attendance_once")]

    def __str__(self):
        return f"{self.enrolment_id} @ {self.session_id}: {'✓' if self.present else '✗'}"


class CertificateSequence(models.Model):
    """The last certificate number given in a year (GJXY-2024-000123 is the 123rd of 2024)."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    objects = ScopedQuerySet.as_manager()
    visibility = Visibility(read={})  # the services' counter: no role reads it

    def __str__(self):
        return f"{self.year}: {self.last}"


class Certificate(models.Model):
    """结业证书: issued with the completion that earns it, once per person and class."""

    PREFIX = "GJXY"

    enrolment = models.OneToOneField(
        Enrolment, verbose_name=_("报名"), on_delete=models.PROTECT, related_name="certificate"
    )
    person = models.ForeignKey(
        "members.Person", verbose_name=_("持证人"), on_delete=models.PROTECT, related_name="certificates"
    )
    training_class = models.ForeignKey(
        TrainingClass, verbose_name=_("班级"), on_delete=models.PROTECT, related_name="certificates"
    )
    number = models.CharField(_("证书编号"), max_length=20, unique=True)
    token = models.CharField(max_length=32, unique=True, editable=False)  # the verification link's
    hours = models.DecimalField(_("课时"), max_digits=5, decimal_places=1)
    issued_on = models.DateField(_("发证日期"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发证人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    revoked_reason = models.CharField(_("撤销原因"), max_length=200, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("撤销人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ScopedQuerySet.as_manager()
    visibility = Visibility(
        tree=("training_class__course__federation__path", "enrolment__union__path"),
        union="enrolment__union",
        person="person",
        read={**STAFF_READ, Role.UNION_ADMIN: Reach.UNION, Role.WORKER: Reach.PERSON},
        write=ACADEMY_WRITE,
    )

    class Meta:
        verbose_name = _("结业证书")
        verbose_name_plural = _("结业证书")
        ordering = ["-issued_on", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["person", "training_class"], name="certificate_once_per_class"),
            models.CheckConstraint(
                name="certificate_revoked_with_reason",
                condition=Q(revoked_at__isnull=True, revoked_reason="")
                | Q(revoked_at__isnull=False) & ~Q(revoked_reason=""),
            ),
        ]

    def __str__(self):
        return self.number

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


class TrainingMonth(models.Model):
    """The classes held that start in a month, counted for the organisation whose subtree holds the
    course's federation: offline classes, online courses put on line and their class hours (a roll-up
    kept by academy.services, rebuilt by `gonghui rollups-rebuild`; see academy.rollups)."""

    organisation = models.ForeignKey("orgs.Organisation", on_delete=models.CASCADE, related_name="+")
    month = models.DateField()  # its first day
    offline = models.IntegerField(default=0)
    online = models.IntegerField(default=0)
    hours = models.DecimalField(max_digits=12, decimal_places=1, default=Decimal(0))

    objects = ScopedQuerySet.as_manager()
    visibility = Visibility(tree="organisation__path", union="organisation", read=OFFICER_REACH, write=())

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "month"], name="training_month_unique")
        ]

    def __str__(self):
        return f"{self.organisation_id} {self.month:%Y-%m}"


class TraineeYear(models.Model):
    """The places held in the classes starting in a year by members of unions in an organisation's
    subtree, per employer of the day of enrolment (enterprise None: no employer recorded). The year's
    person-times are their sum, its enterprises the rows with places — a distinct count that monthly
    sums could not give. A roll-up kept by academy.services (academy.rollups)."""

    organisation = models.ForeignKey("orgs.Organisation", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    enterprise = models.ForeignKey(
        "orgs.Enterprise", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    places = models.IntegerField(default=0)

    objects = ScopedQuerySet.as_manager()
    visibility = Visibility(tree="organisation__path", union="organisation", read=OFFICER_REACH, write=())

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "year", "enterprise"],
                condition=Q(enterprise__isnull=False),
                name="trainee_year_unique",
            ),
            models.UniqueConstraint(
                fields=["organisation", "year"],
                condition=Q(enterprise__isnull=True),
                name="trainee_year_unique_without_employer",
            ),
        ]

    def __str__(self):
        return f"{self.organisation_id} {self.year} {self.enterprise_id}"
