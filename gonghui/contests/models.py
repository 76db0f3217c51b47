"""Skill competitions 劳动和技能竞赛: a contest organised by one or more organisations, its events 项目,
the registered competitors, the judges, the marking scheme as data (parts weighted into the total,
criteria of three kinds), the judges' scores with their history, the two sign-offs that lock an
event, and the results (place and award) stored when it locks."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from gonghui.contests.marking import describe_step
from gonghui.core.roles import Role
from gonghui.core.scope import Reach, ScopedQuerySet, Visibility
from gonghui.core.statemachine import StateHistory
from gonghui.members.models import Membership


def ancestors(path: str) -> list[str]:
    """ "/CITY/ZONE/U0001/" → ["/CITY/", "/CITY/ZONE/", "/CITY/ZONE/U0001/"]."""
    parts = path.strip("/").split("/")
    return ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


def organised_within(contest: str):
    """Rows of contests with an organiser in the scope's subtree (contest: the lookup to the contest)."""

    def condition(scope):
        if not scope.path:
            return None
        organisers = ContestOrganiser.objects.filter(
            contest=OuterRef(contest), organisation__path__startswith=scope.path
        )
        return Q(Exists(organisers))

    condition.__doc__ = "contest organised within the subtree"
    return condition


def open_to_union(contest: str):
    """Rows of contests organised by the scope's union or an organisation above it."""

    def condition(scope):
        if not scope.path:
            return None
        organisers = ContestOrganiser.objects.filter(
            contest=OuterRef(contest), organisation__path__in=ancestors(scope.path)
        )
        return Q(Exists(organisers))

    condition.__doc__ = "contest open to the union"
    return condition


def open_to_person(contest: str):
    """Rows of contests the person may enter (organised above their union) or has entered."""

    def condition(scope):
        if scope.person_id is None:
            return None
        member_below = Membership.objects.filter(
            person_id=scope.person_id,
            ended_on__isnull=True,
            union__path__startswith=OuterRef("organisation__path"),
        )
        organisers = ContestOrganiser.objects.filter(contest=OuterRef(contest)).filter(Exists(member_below))
        entered = Registration.objects.filter(person_id=scope.person_id, event__contest=OuterRef(contest))
        return Q(Exists(organisers)) | Q(Exists(entered))

    condition.__doc__ = "contest open to or entered by the person"
    return condition


def judging(event: str):
    """Rows of events the user judges."""

    def condition(scope):
        if scope.user_id is None:
            return None
        return Q(Exists(Judge.objects.filter(event=OuterRef(event), user_id=scope.user_id)))

    condition.__doc__ = "event the user judges"
    return condition


def staff_reach(contest: str, union: str):
    """Federation staff: contests organised within their subtree, and their own subtree's competitors
    wherever they compete. (A federation officer always has an organisation, so a path.)"""

    def condition(scope):
        return organised_within(contest)(scope) | Q(**{f"{union}__path__startswith": scope.path})

    return condition


def _themselves(scope):
    """the judge is the user"""
    return Q(user_id=scope.user_id)


def like_event(contest: str) -> Visibility:
    """An event's own rows (its marking scheme): read as the event is, written by the contest's staff."""
    return Visibility(
        read={
            Role.FEDERATION_STAFF: organised_within(contest),
            Role.UNION_ADMIN: open_to_union(contest),
            Role.WORKER: open_to_person(contest),
        },
        write=[Role.FEDERATION_STAFF],
    )


def staff_only(contest: str, **read) -> Visibility:
    """Rows of the contest's running (scores, flags, sign-offs, history): its staff, and whom `read` names."""
    return Visibility(
        read={Role.FEDERATION_STAFF: organised_within(contest), **read}, write=[Role.FEDERATION_STAFF]
    )


def _own_scores(scope):
    """their own scores as a judge"""
    return Q(judge__user_id=scope.user_id)


class Level(models.TextChoices):
    NATIONAL = "national", _("全国")
    PROVINCIAL = "provincial", _("省级")
    CITY = "city", _("市级")
    ZONE = "zone", _("园区级")
    ENTERPRISE = "enterprise", _("企业级")


class Contest(models.Model):
    """A contest of one year, organised by one or more organisations of the tree; its rules as text."""

    title = models.CharField(_("竞赛名称"), max_length=100)
    year = models.PositiveSmallIntegerField(_("年度"))
    level = models.CharField(_("竞赛级别"), max_length=12, choices=Level.choices)
    held_on = models.DateField(_("比赛日期"))
    rules = models.TextField(_("竞赛规则"), blank=True)
    organisers = models.ManyToManyField(
        "orgs.Organisation",
        verbose_name=_("主办单位"),
        through="ContestOrganiser",
        related_name="contests",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    visibility = Visibility(
        read={
            Role.FEDERATION_STAFF: organised_within("pk"),
            Role.UNION_ADMIN: open_to_union("pk"),
            Role.WORKER: open_to_person("pk"),
        },
        write=[Role.FEDERATION_STAFF],
    )

    class Meta:
        verbose_name = _("竞赛")
        verbose_name_plural = _("竞赛")
        ordering = ["-year", "-held_on", "-id"]

    def __str__(self):
        return self.title


class ContestOrganiser(models.Model):
    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="organiser_rows")
    organisation = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="+")

    objects = ScopedQuerySet.as_manager()
    visibility = staff_only("contest")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["contest", "organisation"], name="contest_organiser_once")
        ]

    def __str__(self):
        return f"{self.organisation} · {self.contest}"


class Event(models.Model):
    """An event 项目 of a contest: its marking scheme (parts and criteria), the organisers' tie-break
    chain and award rule, and whether its scores are locked."""

    class Status(models.TextChoices):
        OPEN = "open", _("评分中")
        LOCKED = "locked", _("已锁定")

    class AwardBasis(models.TextChoices):
        COUNT = "count", _("按名额")
        RATIO = "ratio", _("按比例（%）")

    AWARDS = (("first", _("一等奖")), ("second", _("二等奖")), ("third", _("三等奖")), ("merit", _("优胜奖")))

    contest = models.ForeignKey(
        Contest, verbose_name=_("竞赛"), on_delete=models.CASCADE, related_name="events"
    )
    name = models.CharField(_("项目名称"), max_length=50)
    # e.g. ["part:实操", "time", "part:理论"]: after the total, the higher part score, then less time…
    tie_break = models.JSONField(_("同分排序规则"), default=list, blank=True)
    award_basis = models.CharField(
        _("奖项设置方式"), max_length=8, choices=AwardBasis.choices, default=AwardBasis.COUNT
    )
    first = models.DecimalField(_("一等奖"), max_digits=5, decimal_places=2, default=Decimal(0))
    second = models.DecimalField(_("二等奖"), max_digits=5, decimal_places=2, default=Decimal(0))
    third = models.DecimalField(_("三等奖"), max_digits=5, decimal_places=2, default=Decimal(0))
    merit = models.DecimalField(_("优胜奖"), max_digits=5, decimal_places=2, default=Decimal(0))
    status = models.CharField(_("状态"), max_length=8, choices=Status.choices, default=Status.OPEN)
    round = models.PositiveSmallIntegerField(_("锁定轮次"), default=1)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    visibility = like_event("contest")

    class Meta:
        verbose_name = _("竞赛项目")
        verbose_name_plural = _("竞赛项目")
        ordering = ["contest", "id"]
        constraints = [
            models.UniqueConstraint(fields=["contest", "name"], name="contest_event_name_once"),
            models.CheckConstraint(
                name="contest_event_awards_not_negative",
                condition=Q(first__gte=0, second__gte=0, third__gte=0, merit__gte=0),
            ),
        ]

    def __str__(self):
        return f"{self.contest} · {self.name}"

    @property
    def is_locked(self) -> bool:
        return self.status == self.Status.LOCKED

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    @property
    def tie_break_steps(self) -> list[str]:
        return [describe_step(item) for item in self.tie_break]


class Part(models.Model):
    """A part of an event's marking (理论, 实操): its score out of 100 weighs `weight`% of the total."""

    event = models.ForeignKey(Event, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="parts")
    name = models.CharField(_("部分名称"), max_length=20)
    weight = models.DecimalField(_("权重（%）"), max_digits=5, decimal_places=2)

    objects = ScopedQuerySet.as_manager()
    visibility = like_event("event__contest")

    class Meta:
        verbose_name = _("评分部分")
        verbose_name_plural = _("评分部分")
        ordering = ["event", "id"]
        constraints = [
            models.UniqueConstraint(fields=["event", "name"], name="contest_part_name_once"),
            models.CheckConstraint(
                name="contest_part_weight_range", condition=Q(weight__gt=0, weight__lte=100)
            ),
        ]

    def __str__(self):
        return self.name


class Criterion(models.Model):
    """An aspect marked within a part.

    measurement: the value is the number of faults; without a deduction the mark is full for none and
    0 otherwise, with one it is the maximum less the deduction per fault (never below 0).
    judgement: each judge gives a level of the 0–3 ladder (a description per level); the mark is the
    judges' mean level ÷ 3 × the maximum.
    time: the value is the seconds taken; full mark up to the standard time, 0 from the limit, in
    proportion between. The seconds also count as the competitor's time for the tie-break.
    """

    class Kind(models.TextChoices):
        MEASUREMENT = "measurement", _("测量")
        JUDGEMENT = "judgement", _("评判")
        TIME = "time", _("用时")

    LADDER = (0, 1, 2, 3)

    part = models.ForeignKey(
        Part, verbose_name=_("评分部分"), on_delete=models.CASCADE, related_name="criteria"
    )
    name = models.CharField(_("评分项"), max_length=50)
    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices)
    max_mark = models.DecimalField(_("满分"), max_digits=6, decimal_places=2)
    deduction = models.DecimalField(_("每处扣分"), max_digits=6, decimal_places=2, null=True, blank=True)
    standard_seconds = models.PositiveIntegerField(_("标准用时（秒）"), null=True, blank=True)
    limit_seconds = models.PositiveIntegerField(_("最长用时（秒）"), null=True, blank=True)
    levels = models.JSONField(_("等级说明"), default=list, blank=True)  # four texts: levels 0, 1, 2, 3

    objects = ScopedQuerySet.as_manager()
    visibility = like_event("part__event__contest")

    class Meta:
        verbose_name = _("评分项")
        verbose_name_plural = _("评分项")
        ordering = ["part", "id"]
        constraints = [
            models.UniqueConstraint(fields=["part", "name"], name="contest_criterion_name_once"),
            models.CheckConstraint(name="contest_criterion_max_positive", condition=Q(max_mark__gt=0)),
            models.CheckConstraint(
                name="contest_criterion_time_limits",
                condition=~Q(kind="time")
                | Q(standard_seconds__isnull=False, limit_seconds__gt=models.F("standard_seconds")),
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_judgement(self) -> bool:
        return self.kind == self.Kind.JUDGEMENT


class Judge(models.Model):
    """A judge of an event: a user who scores on the platform, or a named person whose paper sheet an
    officer transcribes; tied to an enterprise, so that they never score a colleague."""

    class Capacity(models.TextChoices):
        JUDGE = "judge", _("裁判")
        CHIEF = "chief", _("裁判长")
        SUPERVISOR = "supervisor", _("监督")

    SCORING = (Capacity.JUDGE, Capacity.CHIEF)

    event = models.ForeignKey(Event, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="judges")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("账号"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contest_judging",
    )
    name = models.CharField(_("姓名"), max_length=50)
    enterprise = models.ForeignKey(
        "orgs.Enterprise",
        verbose_name=_("所在单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    capacity = models.CharField(_("职责"), max_length=12, choices=Capacity.choices, default=Capacity.JUDGE)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    added_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    visibility = Visibility(
        read={
            Role.FEDERATION_STAFF: lambda scope: (
                organised_within("event__contest")(scope) | _themselves(scope)
            ),
            **dict.fromkeys((Role.UNION_ADMIN, Role.WORKER, Role.ACADEMY_STAFF, Role.LAWYER), _themselves),
        },
        write=[Role.FEDERATION_STAFF],
        describe={
            Role.FEDERATION_STAFF: "contest organised within the subtree, or themselves",
            **dict.fromkeys((Role.UNION_ADMIN, Role.WORKER, Role.ACADEMY_STAFF, Role.LAWYER), "themselves"),
        },
    )

    class Meta:
        verbose_name = _("裁判")
        verbose_name_plural = _("裁判")
        ordering = ["event", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "user"], condition=Q(user__isnull=False), name="contest_judge_user_once"
            ),
            models.UniqueConstraint(
                fields=["event", "capacity"],
                condition=Q(capacity__in=["chief", "supervisor"]),
                name="contest_one_chief_one_supervisor",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_scorer(self) -> bool:
        return self.capacity in self.SCORING


class Registration(models.Model):
    """A competitor: a member on the contest date, with the union and employer of that day."""

    event = models.ForeignKey(
        Event, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="registrations"
    )
    person = models.ForeignKey(
        "members.Person", verbose_name=_("选手"), on_delete=models.PROTECT, related_name="contest_entries"
    )
    membership = models.ForeignKey(
        "members.Membership", verbose_name=_("会员关系"), on_delete=models.PROTECT, related_name="+"
    )
    union = models.ForeignKey(
        "orgs.Organisation", verbose_name=_("工会"), on_delete=models.PROTECT, related_name="+"
    )
    enterprise = models.ForeignKey(
        "orgs.Enterprise", verbose_name=_("用工单位"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    number = models.PositiveIntegerField(_("参赛号"))
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("报名人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    registered_at = models.DateTimeField(_("报名时间"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    visibility = Visibility(
        union="union",
        person="person",
        read={
            Role.FEDERATION_STAFF: staff_reach("event__contest", "union"),
            Role.UNION_ADMIN: Reach.UNION,
            Role.WORKER: Reach.PERSON,
        },
        write=[Role.FEDERATION_STAFF, Role.UNION_ADMIN],
        describe={Role.FEDERATION_STAFF: "contest organised within the subtree, or own subtree's member"},
    )

    class Meta:
        verbose_name = _("参赛报名")
        verbose_name_plural = _("参赛报名")
        ordering = ["event", "number"]
        constraints = [
            models.UniqueConstraint(fields=["event", "person"], name="contest_registration_once_per_event"),
            models.UniqueConstraint(fields=["event", "number"], name="contest_registration_number_once"),
        ]

    def __str__(self):
        return f"{self.person} @ {self.event}"


class Score(models.Model):
    """One judge's score of one criterion for one competitor: the value entered and the mark it gives."""

    registration = models.ForeignKey(
        Registration, verbose_name=_("选手"), on_delete=models.CASCADE, related_name="scores"
    )
    criterion = models.ForeignKey(
        Criterion, verbose_name=_("评分项"), on_delete=models.PROTECT, related_name="+"
    )
    judge = models.ForeignKey(Judge, verbose_name=_("裁判"), on_delete=models.PROTECT, related_name="scores")
    value = models.DecimalField(_("分值"), max_digits=8, decimal_places=2)
    mark = models.DecimalField(_("得分"), max_digits=6, decimal_places=2)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("录入人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    entered_at = models.DateTimeField(_("录入时间"), auto_now=True)

    objects = ScopedQuerySet.as_manager()
    visibility = staff_only(
        "registration__event__contest",
        **dict.fromkeys((Role.UNION_ADMIN, Role.WORKER, Role.ACADEMY_STAFF, Role.LAWYER), _own_scores),
    )

    class Meta:
        verbose_name = _("评分")
        verbose_name_plural = _("评分")
        ordering = ["registration", "criterion", "judge"]
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "criterion", "judge"], name="contest_score_once_per_judge"
            ),
            models.CheckConstraint(name="contest_score_mark_not_negative", condition=Q(mark__gte=0)),
        ]

    def __str__(self):
        return f"{self.registration} · {self.criterion} · {self.judge}"


class ScoreChange(models.Model):
    """History of scores: every entry and every change, with who, when and why (append-only)."""

    score = models.ForeignKey(Score, on_delete=models.CASCADE, related_name="changes")
    old_value = models.DecimalField(_("原分值"), max_digits=8, decimal_places=2, null=True)
    new_value = models.DecimalField(_("新分值"), max_digits=8, decimal_places=2)
    reason = models.CharField(_("原因"), max_length=200, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("录入人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    visibility = staff_only("score__registration__event__contest")

    class Meta:
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.score}: {self.old_value} → {self.new_value}"


class Flag(models.Model):
    """Judges disagree by more than one level on an aspect: open until a re-score brings them within one."""

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="flags")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    spread = models.PositiveSmallIntegerField(_("分差"))
    opened_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolution = models.CharField(_("复评原因"), max_length=200, blank=True)

    objects = ScopedQuerySet.as_manager()
    visibility = staff_only("registration__event__contest")

    class Meta:
        ordering = ["opened_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "criterion"],
                condition=Q(resolved_at__isnull=True),
                name="contest_one_open_flag",
            )
        ]

    def __str__(self):
        return f"{self.registration} · {self.criterion}"


class SignOff(models.Model):
    """A sign-off of an event's scores in one round, by its 裁判长 or its 监督 (two different users)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="sign_offs")
    round = models.PositiveSmallIntegerField()
    capacity = models.CharField(_("职责"), max_length=12, choices=Judge.Capacity.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    signed_at = models.DateTimeField(_("签字时间"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    visibility = staff_only("event__contest")

    class Meta:
        ordering = ["round", "signed_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["event", "round", "capacity"], name="contest_sign_off_once"),
            models.UniqueConstraint(fields=["event", "round", "user"], name="contest_sign_off_two_people"),
        ]

    def __str__(self):
        return f"{self.event} · {self.capacity} · {self.round}"


class EventHistory(StateHistory):
    """Every move of an event's status (lock, re-open), who made it, when and why."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="history")

    states = Event.Status

    objects = ScopedQuerySet.as_manager()
    visibility = staff_only("event__contest")

    class Meta:
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.event}: {self.from_state} → {self.to_state}"


class Result(models.Model):
    """A competitor's standing, stored when the event locks: total, part scores, time, place, award."""

    class Award(models.TextChoices):
        FIRST = "first", _("一等奖")
        SECOND = "second", _("二等奖")
        THIRD = "third", _("三等奖")
        MERIT = "merit", _("优胜奖")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="results")
    registration = models.OneToOneField(Registration, on_delete=models.CASCADE, related_name="result")
    total = models.DecimalField(_("总成绩"), max_digits=6, decimal_places=2)
    parts = models.JSONField(_("各部分成绩"), default=dict)  # part name → score (string)
    seconds = models.PositiveIntegerField(_("用时（秒）"), default=0)
    place = models.PositiveIntegerField(_("名次"))
    award = models.CharField(_("奖项"), max_length=8, choices=Award.choices, blank=True)

    objects = ScopedQuerySet.as_manager()
    visibility = Visibility(
        union="registration__union",
        person="registration__person",
        read={
            Role.FEDERATION_STAFF: staff_reach("event__contest", "registration__union"),
            Role.UNION_ADMIN: Reach.UNION,
            Role.WORKER: Reach.PERSON,
        },
        describe={Role.FEDERATION_STAFF: "contest organised within the subtree, or own subtree's member"},
    )

    class Meta:
        verbose_name = _("竞赛成绩")
        verbose_name_plural = _("竞赛成绩")
        ordering = ["event", "place", "registration__number"]

    def __str__(self):
        return f"{self.registration}: {self.place}"


class ContestMonth(models.Model):
    """Competitors and award winners of the contests of a month, counted for the organisation whose
    subtree holds their union on registration (a roll-up kept by contests.services, rebuilt by
    `gonghui rollups-rebuild`; see contests.rollups). The month is the contest date's, within the
    contest's year."""

    organisation = models.ForeignKey("orgs.Organisation", on_delete=models.CASCADE, related_name="+")
    month = models.DateField()  # its first day
    participants = models.IntegerField(default=0)
    awards = models.IntegerField(default=0)

    objects = ScopedQuerySet.as_manager()
    visibility = Visibility(
        tree="organisation__path",
        union="organisation",
        read={Role.FEDERATION_STAFF: Reach.TREE, Role.UNION_ADMIN: Reach.UNION},
        write=(),
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation", "month"], name="contest_month_unique")]

    def __str__(self):
        return f"{self.organisation_id} {self.month:%Y-%m}"
