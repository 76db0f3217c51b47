"""Worker homes (职工之家) with their awards and photos, and cultural and sports events with
registration, seat quotas per union, a waiting list and check-in at the door."""

import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gonghui.core.roles import Role
from gonghui.core.scope import OFFICER_REACH, OFFICERS, Reach, ScopedQuerySet, Visibility

# --- worker homes ---


class Facility(models.TextChoices):
    READING_ROOM = "reading_room", _("职工书屋")
    ACTIVITY_ROOM = "activity_room", _("文体活动室")
    FITNESS = "fitness", _("健身房")
    MOTHER_ROOM = "mother_room", _("爱心妈妈小屋")
    COUNSELLING = "counselling", _("心理咨询室")
    TRAINING = "training", _("培训教室")
    REST_STATION = "rest_station", _("户外劳动者驿站")
    LEGAL_DESK = "legal_desk", _("法律服务站")


class WorkerHome(models.Model):
    """A worker home 职工之家 run by a union (or a federation): a site with its facilities."""

    union = models.ForeignKey(
        "orgs.Organisation", verbose_name=_("所属工会"), on_delete=models.PROTECT, related_name="worker_homes"
    )
    name = models.CharField(_("名称"), max_length=100)
    address = models.CharField(_("地址"), max_length=200)
    facilities = models.JSONField(_("设施"), default=list, blank=True)
    area_m2 = models.PositiveIntegerField(_("面积（平方米）"), null=True, blank=True)
    opened_on = models.DateField(_("建成日期"))
    closed_on = models.DateField(_("停用日期"), null=True, blank=True)
    description = models.TextField(_("简介"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    visibility = Visibility(tree="union__path", union="union", read=OFFICER_REACH, write=OFFICERS)

    class Meta:
        verbose_name = _("职工之家")
        verbose_name_plural = _("职工之家")
        ordering = ["union__path", "name", "id"]
        indexes = [models.Index(fields=["union", "opened_on"], name="home_union_opened_idx")]
        constraints = [
            models.CheckConstraint(
                name="home_closed_after_opened",
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=models.F("opened_on")),
            )
        ]

    def __str__(self):
        return self.name

    def facility_labels(self) -> list[str]:
        return [Facility(key).label for key in self.facilities if key in Facility.values]


class HomeAward(models.Model):
    """A title a home was given in a year: a demonstration site 示范点 or a model home 模范职工之家,
    at one level (园区, 县, 市, 省, 全国)."""

    class Kind(models.TextChoices):
        DEMONSTRATION = "demonstration", _("职工之家示范点")
        MODEL = "model", _("模范职工之家")

    class Level(models.IntegerChoices):  # ordered: the highest is a home's level
        ZONE = 1, _("园区级")
        COUNTY = 2, _("县级")
        CITY = 3, _("市级")
        PROVINCIAL = 4, _("省级")
        NATIONAL = 5, _("全国")

    PREFIX = {  # 省 + 模范职工之家
        Level.ZONE: pgettext_lazy("home title", "园区"),
        Level.COUNTY: pgettext_lazy("home title", "县级"),
        Level.CITY: pgettext_lazy("home title", "市"),
        Level.PROVINCIAL: pgettext_lazy("home title", "省"),
        Level.NATIONAL: pgettext_lazy("home title", "全国"),
    }

    home = models.ForeignKey(
        WorkerHome, verbose_name=_("职工之家"), on_delete=models.CASCADE, related_name="awards"
    )
    kind = models.CharField(_("命名类别"), max_length=16, choices=Kind.choices)
    level = models.PositiveSmallIntegerField(_("级别"), choices=Level.choices)
    year = models.PositiveSmallIntegerField(_("命名年度"))
    awarded_by = models.CharField(_("命名单位"), max_length=100, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    # Awards come from the federations: their staff record them; a union admin reads its homes'.
    visibility = Visibility(
        tree="home__union__path", union="home__union", read=OFFICER_REACH, write=[Role.FEDERATION_STAFF]
    )

    class Meta:
        verbose_name = _("职工之家命名")
        verbose_name_plural = _("职工之家命名")
        ordering = ["-level", "-year", "id"]
        constraints = [
            models.UniqueConstraint(fields=["home", "kind", "level"], name="home_award_once_per_level"),
            models.CheckConstraint(
                name="home_award_year_plausible", condition=Q(year__gte=1950, year__lte=2100)
            ),
        ]

    def __str__(self):
        return f"{self.year}年{self.title}"

    @property
    def title(self) -> str:
        """省 + 模范职工之家 → 省模范职工之家; 园区 + 职工之家示范点 → 园区职工之家示范点."""
        return f"{self.PREFIX[self.Level(self.level)]}{self.get_kind_display()}"


def photo_path(instance: "HomePhoto", filename: str) -> str:
    """Stored under a random name (the original name is kept in the row, never used as a path)."""
    return f"homes/{instance.home_id}/{uuid.uuid4().hex}{PurePosixPath(filename).suffix.lower()}"


class HomePhoto(models.Model):
    home = models.ForeignKey(
        WorkerHome, verbose_name=_("职工之家"), on_delete=models.CASCADE, related_name="photos"
    )
    file = models.FileField(_("照片"), upload_to=photo_path, max_length=200)
    name = models.CharField(_("文件名"), max_length=200)
    size = models.PositiveIntegerField(_("大小"))
    caption = models.CharField(_("说明"), max_length=100, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    visibility = Visibility(tree="home__union__path", union="home__union", read=OFFICER_REACH, write=OFFICERS)

    class Meta:
        verbose_name = _("职工之家照片")
        verbose_name_plural = _("职工之家照片")
        ordering = ["home_id", "id"]

    def __str__(self):
        return self.caption or self.name


# --- events ---


def _ancestor_paths(path: str) -> list[str]:
    """ "/CITY/ZONE/U0001/" → ["/CITY/", "/CITY/ZONE/", "/CITY/ZONE/U0001/"]."""
    codes = path.strip("/").split("/")
    return ["/" + "/".join(codes[: i + 1]) + "/" for i in range(len(codes))]


def _events_reached(scope) -> Q | None:
    """The events of the officer's subtree, and those of the federations above, whose members they register."""
    if not scope.path:
        return None
    return Q(organiser__path__startswith=scope.path) | Q(organiser__path__in=_ancestor_paths(scope.path))


def _events_registered(scope) -> Q | None:
    """The events the worker is registered for."""
    return None if scope.person_id is None else Q(registrations__person_id=scope.person_id)


class Event(models.Model):
    """A cultural or sports event organised by a federation or a union for the members of its subtree.

    Seats: the capacity, of which union quotas (EventQuota) set some aside for a union's members; the
    rest is open to the members of unions without a quota. Each pool has its own waiting list.
    """

    class Kind(models.TextChoices):
        PERFORMANCE = "performance", _("文艺演出")
        SPORTS = "sports", _("体育赛事")
        CULTURE = "culture", _("文化活动")
        OTHER = "other", _("其他")

    organiser = models.ForeignKey(
        "orgs.Organisation", verbose_name=_("主办组织"), on_delete=models.PROTECT, related_name="events"
    )
    kind = models.CharField(_("类别"), max_length=16, choices=Kind.choices)
    title = models.CharField(_("名称"), max_length=100)
    place = models.CharField(_("地点"), max_length=100)
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    registration_opens_at = models.DateTimeField(_("报名开始"))
    registration_closes_at = models.DateTimeField(_("报名截止"))
    capacity = models.PositiveIntegerField(_("总名额"))
    description = models.TextField(_("简介"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    # Writing means registering members; changing the event itself also needs its organiser (services).
    visibility = Visibility(
        read={
            Role.FEDERATION_STAFF: _events_reached,
            Role.UNION_ADMIN: _events_reached,
            Role.WORKER: _events_registered,
        },
        write=OFFICERS,
        describe={
            Role.FEDERATION_STAFF: "subtree, and the federations' above",
            Role.UNION_ADMIN: "own union's, and the federations' above",
            Role.WORKER: "registered for",
        },
    )

    class Meta:
        verbose_name = _("文体活动")
        verbose_name_plural = _("文体活动")
        ordering = ["-starts_at", "-id"]
        indexes = [models.Index(fields=["organiser", "starts_at"], name="event_organiser_start_idx")]
        constraints = [
            models.CheckConstraint(
                name="event_ends_after_start", condition=Q(ends_at__gt=models.F("starts_at"))
            ),
            models.CheckConstraint(
                name="event_registration_window",
                condition=Q(registration_closes_at__gt=models.F("registration_opens_at"))
                & Q(registration_closes_at__lte=models.F("starts_at")),
            ),
            models.CheckConstraint(name="event_capacity_positive", condition=Q(capacity__gte=1)),
        ]

    def __str__(self):
        return self.title


class EventQuota(models.Model):
    """Seats of an event set aside for one union's members (名额分配)."""

    event = models.ForeignKey(
        Event, verbose_name=_("文体活动"), on_delete=models.CASCADE, related_name="quotas"
    )
    union = models.ForeignKey(
        "orgs.Organisation", verbose_name=_("工会"), on_delete=models.PROTECT, related_name="event_quotas"
    )
    seats = models.PositiveIntegerField(_("名额"))

    objects = ScopedQuerySet.as_manager()
    visibility = Visibility(
        tree=("event__organiser__path", "union__path"), union="union", read=OFFICER_REACH, write=OFFICERS
    )

    class Meta:
        verbose_name = _("名额分配")
        verbose_name_plural = _("名额分配")
        ordering = ["event_id", "union__path"]
        constraints = [
            models.UniqueConstraint(fields=["event", "union"], name="event_quota_once_per_union"),
            models.CheckConstraint(name="event_quota_positive", condition=Q(seats__gte=1)),
        ]

    def __str__(self):
        return f"{self.union} · {self.seats}"


class EventRegistration(models.Model):
    """A person's registration for an event: a seat (confirmed) or a place in the waiting list of
    their pool (their union's quota, or the open seats), in the order of queued_at."""

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("已报名")
        WAITING = "waiting", _("候补")
        CANCELLED = "cancelled", _("已取消")

    event = models.ForeignKey(
        Event, verbose_name=_("文体活动"), on_delete=models.CASCADE, related_name="registrations"
    )
    person = models.ForeignKey(
        "members.Person", verbose_name=_("人员"), on_delete=models.PROTECT, related_name="event_registrations"
    )
    union = models.ForeignKey(  # the member's union when they registered
        "orgs.Organisation", verbose_name=_("工会"), on_delete=models.PROTECT, related_name="+"
    )
    quota = models.ForeignKey(
        EventQuota,
        verbose_name=_("名额分配"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="registrations",
    )
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices)
    queued_at = models.DateTimeField(_("排队时间"))
    promoted_at = models.DateTimeField(_("递补时间"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("取消时间"), null=True, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("报名人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ScopedQuerySet.as_manager()
    visibility = Visibility(
        tree=("event__organiser__path", "union__path"),
        union="union",
        person="person",
        read={**OFFICER_REACH, Role.WORKER: Reach.PERSON},
        write={*OFFICERS, Role.WORKER},
    )

    class Meta:
        verbose_name = _("文体活动报名")
        verbose_name_plural = _("文体活动报名")
        ordering = ["event_id", "queued_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["event", "person"], name="event_registration_once_per_person"),
            models.CheckConstraint(
                name="event_registration_cancelled_at",
                condition=Q(status="cancelled", cancelled_at__isnull=False)
                | ~Q(status="cancelled") & Q(cancelled_at__isnull=True),
            ),
        ]
        indexes = [models.Index(fields=["event", "status", "quota", "queued_at"], name="event_reg_queue_idx")]

    def __str__(self):
        return f"{self.person} @ {self.event}"


class CheckIn(models.Model):
    """A registered person checked in at the door, once (the registration is unique here)."""

    class Method(models.TextChoices):
        NAME = "name", _("姓名查找")
        CARD = "card", _("扫描会员卡")

    registration = models.OneToOneField(
        EventRegistration, verbose_name=_("报名"), on_delete=models.PROTECT, related_name="check_in"
    )
    method = models.CharField(_("签到方式"), max_length=8, choices=Method.choices, default=Method.NAME)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("签到人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    checked_in_at = models.DateTimeField(_("签到时间"))

    objects = ScopedQuerySet.as_manager()
    visibility = Visibility(
        tree=("registration__event__organiser__path", "registration__union__path"),
        union="registration__union",
        person="registration__person",
        read={**OFFICER_REACH, Role.WORKER: Reach.PERSON},
        write=OFFICERS,
    )

    class Meta:
        verbose_name = _("签到")
        verbose_name_plural = _("签到")
        ordering = ["-checked_in_at", "-id"]

    def __str__(self):
        return f"{self.registration} · {self.checked_in_at:%H:%M}"
