"""The honours register (荣誉): titles as data, awards held by a person or an organisation, nomination
rounds with their quotas, nominations that flow 推荐 → 材料审核 → 评审 → 公示 → 报批 → 授予 (or 未通过),
the objections a public notice takes, and the federation's eligibility rules over the talent record."""

import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gonghui.core import crypto
from gonghui.core.roles import Role
from gonghui.core.scope import OFFICER_REACH, OFFICERS, Reach, ScopedQuerySet, Visibility
from gonghui.core.statemachine import StateHistory

STAFF = frozenset({Role.FEDERATION_STAFF})


class Level(models.TextChoices):
    NATIONAL = "national", _("全国")
    PROVINCIAL = "provincial", _("省级")
    CITY = "city", _("市级")


# The levels a talent-record entry may carry (core.registry.Evidence.level), as pages show them.
EVIDENCE_LEVELS = {**dict(Level.choices), "zone": _("园区级"), "enterprise": _("企业级")}


class Attribute(models.TextChoices):
    """What a candidate is, recorded on the nomination and counted by a round's quotas."""

    INDUSTRIAL_WORKER = "industrial_worker", _("产业工人")
    FRONTLINE = "frontline", _("一线职工")
    TECHNICIAN = "technician", _("专业技术人员")
    MANAGER = "manager", _("企业负责人")


def _federations_above(scope, prefix: str = "") -> Q | None:
    """Rows of the federations the scope's organisation hangs from (a union nominates to their rounds)."""
    if not scope.path:
        return None
    parts = scope.path.strip("/").split("/")
    paths = ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]
    return Q(**{f"{prefix}federation__path__in": paths})


class HonourTitle(models.Model):
    """A title the register knows: 劳动模范, 五一劳动奖章, 模范职工之家… (rows, so federations add theirs)."""

    class Holder(models.TextChoices):
        PERSON = "person", _("个人")
        ORGANISATION = "organisation", _("集体")

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=50)
    holder = models.CharField(_("授予对象"), max_length=12, choices=Holder.choices)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    objects = ScopedQuerySet.as_manager()
    # The list of titles is no one's data: every officer and worker reads it, the platform changes it.
    visibility = Visibility(
        read={
            role: (lambda scope: Q(pk__isnull=False))
            for role in (Role.FEDERATION_STAFF, Role.UNION_ADMIN, Role.WORKER)
        },
        describe=dict.fromkeys((Role.FEDERATION_STAFF, Role.UNION_ADMIN, Role.WORKER), "every title"),
    )

    class Meta:
        verbose_name = _("荣誉称号")
        verbose_name_plural = _("荣誉称号")
        ordering = ["order", "id"]

    def __str__(self):
        return self.name

    @property
    def for_person(self) -> bool:
        return self.holder == self.Holder.PERSON


class NominationRound(models.Model):
    """A federation's call for nominations to one title at one level in one year, with its quotas."""

    federation = models.ForeignKey(
        "orgs.Organisation", verbose_name=_("组织单位"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.ForeignKey(HonourTitle, verbose_name=_("荣誉称号"), on_delete=models.PROTECT)
    level = models.CharField(_("级别"), max_length=12, choices=Level.choices)
    year = models.PositiveSmallIntegerField(_("年度"))
    name = models.CharField(_("名称"), max_length=100)
    places = models.PositiveSmallIntegerField(_("推荐名额"))
    closes_on = models.DateField(_("推荐截止日期"))
    single_track = models.BooleanField(
        _("单列表彰"), default=False, help_text=_("竞赛优胜者单列表彰，候选人须附竞赛成绩证明")
    )
    awarding_body = models.CharField(_("授予机关"), max_length=100)
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
        tree="federation__path",
        read={Role.FEDERATION_STAFF: Reach.TREE, Role.UNION_ADMIN: _federations_above},
        write=STAFF,
        describe={Role.UNION_ADMIN: "rounds of the federations above their union"},
    )

    class Meta:
        verbose_name = _("推荐评选")
        verbose_name_plural = _("推荐评选")
        ordering = ["-year", "-id"]
        constraints = [models.CheckConstraint(name="round_places_positive", condition=Q(places__gt=0))]

    def __str__(self):
        return self.name


class Quota(models.Model):
    """At least min_percent of a round's candidates must have an attribute (≥ 35% 产业工人)."""

    round = models.ForeignKey(
        NominationRound, verbose_name=_("推荐评选"), on_delete=models.CASCADE, related_name="quotas"
    )
    attribute = models.CharField(_("候选人类别"), max_length=20, choices=Attribute.choices)
    min_percent = models.PositiveSmallIntegerField(_("最低比例（%）"))

    objects = ScopedQuerySet.as_manager()
    visibility = Visibility(
        tree="round__federation__path",
        read={
            Role.FEDERATION_STAFF: Reach.TREE,
            Role.UNION_ADMIN: lambda s: _federations_above(s, "round__"),
        },
        write=STAFF,
        describe={Role.UNION_ADMIN: "quotas of the rounds they may nominate to"},
    )

    class Meta:
        verbose_name = _("名额比例")
        verbose_name_plural = _("名额比例")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "attribute"], name="quota_once_per_attribute"),
            models.CheckConstraint(
                name="quota_percent_range", condition=Q(min_percent__gt=0, min_percent__lte=100)
            ),
        ]

    def __str__(self):
        return f"{self.get_attribute_display()} ≥ {self.min_percent}%"


class Status(models.TextChoices):
    RECOMMENDED = "recommended", _("推荐")
    MATERIAL_REVIEW = "material_review", _("材料审核")
    EVALUATION = "evaluation", _("评审")
    PUBLICITY = "publicity", _("公示")
    APPROVAL = "approval", _("报批")
    AWARDED = "awarded", _("授予")
    REJECTED = "rejected", _("未通过")


NOMINATION_READ = {**OFFICER_REACH, Role.WORKER: Reach.PERSON}


class Nomination(models.Model):
    """A candidate (a person, or an organisation for a collective title) put forward by their union."""

    round = models.ForeignKey(
        NominationRound, verbose_name=_("推荐评选"), on_delete=models.PROTECT, related_name="nominations"
    )
    union = models.ForeignKey(
        "orgs.Organisation", verbose_name=_("推荐单位"), on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey(
        "members.Person",
        verbose_name=_("候选人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="nominations",
    )
    organisation = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("候选集体"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    workplace = models.CharField(_("工作单位"), max_length=100)
    attributes = models.JSONField(_("候选人类别"), default=list, blank=True)
    deeds = models.TextField(_("主要事迹"))
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.RECOMMENDED)
    publicity_starts_on = models.DateField(_("公示开始"), null=True, blank=True)
    publicity_ends_on = models.DateField(_("公示截止"), null=True, blank=True)
    reason = models.CharField(_("未通过原因"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("推荐人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("推荐时间"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    visibility = Visibility(
        tree="union__path", union="union", person="person", read=NOMINATION_READ, write=OFFICERS
    )

    class Meta:
        verbose_name = _("推荐对象")
        verbose_name_plural = _("推荐对象")
        ordering = ["round_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "person"], condition=Q(person__isnull=False), name="nomination_person_once"
            ),
            models.UniqueConstraint(
                fields=["round", "organisation"],
                condition=Q(organisation__isnull=False),
                name="nomination_organisation_once",
            ),
            models.CheckConstraint(
                name="nomination_one_candidate",
                condition=Q(person__isnull=False, organisation__isnull=True)
                | Q(person__isnull=True, organisation__isnull=False),
            ),
        ]

    def __str__(self):
        return self.candidate_name

    @property
    def candidate_name(self) -> str:
        return self.person.name if self.person_id else self.organisation.name

    def attribute_labels(self) -> list[str]:
        return [Attribute(a).label for a in self.attributes if a in Attribute.values]


class NominationEvidence(models.Model):
    """An entry of the talent record attached to a nomination: its reference and what it said then."""

    nomination = models.ForeignKey(
        Nomination, verbose_name=_("推荐对象"), on_delete=models.CASCADE, related_name="evidence"
    )
    kind = models.CharField(_("类别"), max_length=40)
    ref = models.CharField(_("引用"), max_length=100)
    title = models.CharField(_("内容"), max_length=200)
    on = models.DateField(_("日期"))
    level = models.CharField(_("级别"), max_length=20, blank=True)
    place = models.PositiveSmallIntegerField(_("名次"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    visibility = Visibility(
        tree="nomination__union__path",
        union="nomination__union",
        person="nomination__person",
        read=NOMINATION_READ,
        write=OFFICERS,
    )

    class Meta:
        verbose_name = _("推荐材料")
        verbose_name_plural = _("推荐材料")
        ordering = ["on", "id"]
        constraints = [models.UniqueConstraint(fields=["nomination", "ref"], name="nomination_evidence_once")]

    def __str__(self):
        return self.title


class NominationStep(StateHistory):
    """The history of a nomination: each move, who made it, when and why."""

    nomination = models.ForeignKey(
        Nomination, verbose_name=_("推荐对象"), on_delete=models.CASCADE, related_name="steps"
    )
    on = models.DateField(_("日期"))

    states = Status

    objects = ScopedQuerySet.as_manager()
    visibility = Visibility(
        tree="nomination__union__path", union="nomination__union", read=OFFICER_REACH, write=OFFICERS
    )

    class Meta:
        verbose_name = _("推荐进程")
        verbose_name_plural = _("推荐进程")
        ordering = ["nomination_id", "id"]

    def __str__(self):
        return f"{self.nomination} · {self.to_label}"


def seal_path(instance: "Objection", filename: str) -> str:
    """Stored under a random name (the original name is kept in the row, never used as a path)."""
    return f"honours/seals/{uuid.uuid4().hex}{PurePosixPath(filename).suffix.lower()}"


class Objection(models.Model):
    """An objection to a candidate during the public notice: a unit's (with its seal) or a person's
    (with their real name), each with a contact, answered by the federation's staff."""

    class Kind(models.TextChoices):
        UNIT = "unit", _("单位")
        PERSON = "person", _("个人")

    nomination = models.ForeignKey(
        Nomination, verbose_name=_("推荐对象"), on_delete=models.PROTECT, related_name="objections"
    )
    kind = models.CharField(_("反映方式"), max_length=8, choices=Kind.choices)
    name = models.CharField(_("单位名称或真实姓名"), max_length=100)
    contact_encrypted = models.TextField(editable=False)
    content = models.TextField(_("反映内容"))
    seal = models.FileField(_("加盖公章的材料"), upload_to=seal_path, max_length=200, blank=True)
    seal_name = models.CharField(_("文件名"), max_length=200, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True, editable=False)
    submitted_at = models.DateTimeField(_("提交时间"), auto_now_add=True)
    answer = models.TextField(_("答复"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("答复人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    # The people who object are seen by the federation running the round, not by the candidate's union.
    visibility = Visibility(
        tree="nomination__round__federation__path", read={Role.FEDERATION_STAFF: Reach.TREE}, write=STAFF
    )

    class Meta:
        verbose_name = _("公示异议")
        verbose_name_plural = _("公示异议")
        ordering = ["submitted_at", "id"]
        indexes = [models.Index(fields=["ip", "submitted_at"], name="objection_ip_time_idx")]

    def __str__(self):
        return f"{self.nomination} · {self.name}"

    @property
    def contact(self) -> str:
        return crypto.decrypt(self.contact_encrypted)

    @property
    def is_answered(self) -> bool:
        return self.answered_at is not None


class Award(models.Model):
    """An honour held: by a person (organisation = their union then) or by an organisation."""

    title = models.ForeignKey(
        HonourTitle, verbose_name=_("荣誉称号"), on_delete=models.PROTECT, related_name="awards"
    )
    level = models.CharField(_("级别"), max_length=12, choices=Level.choices)
    year = models.PositiveSmallIntegerField(_("年度"))
    awarded_on = models.DateField(_("授予日期"), null=True, blank=True)
    awarding_body = models.CharField(_("授予机关"), max_length=100)
    organisation = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("所在组织"),
        on_delete=models.PROTECT,
        related_name="honour_awards",
    )
    person = models.ForeignKey(
        "members.Person",
        verbose_name=_("获得者"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="awards",
    )
    workplace = models.CharField(_("工作单位"), max_length=100, blank=True)
    nomination = models.OneToOneField(
        Nomination,
        verbose_name=_("推荐对象"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="award",
    )
    single_track = models.BooleanField(_("单列表彰"), default=False)
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
        tree="organisation__path",
        union="organisation",
        person="person",
        read={**OFFICER_REACH, Role.WORKER: Reach.PERSON},
        write=STAFF,
    )

    class Meta:
        verbose_name = _("荣誉")
        verbose_name_plural = _("荣誉")
        ordering = ["-year", "title__order", "id"]
        indexes = [models.Index(fields=["year", "level"], name="award_year_level_idx")]

    def __str__(self):
        holder = self.person.name if self.person_id else self.organisation.name
        return f"{self.year}年{self.get_level_display()}{self.title.name} · {holder}"


class EligibilityRule(models.Model):
    """A federation's rule over the talent record: evidence of a kind (a level, a place at most, a craft)
    counted min_count times makes a worker eligible for a nomination or a skill-grade step."""

    class Outcome(models.TextChoices):
        NOMINATION = "nomination", _("推荐资格")
        SKILL_STEP = "skill_step", _("技能等级晋升")

    federation = models.ForeignKey(
        "orgs.Organisation", verbose_name=_("制定单位"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("规则名称"), max_length=100)
    evidence_kind = models.CharField(_("依据类别"), max_length=40)
    level = models.CharField(_("级别"), max_length=20, blank=True)
    max_place = models.PositiveSmallIntegerField(_("名次不低于"), null=True, blank=True)
    craft = models.CharField(_("工种/项目"), max_length=50, blank=True)
    min_count = models.PositiveSmallIntegerField(_("至少条数"), default=1)
    outcome = models.CharField(_("结果"), max_length=12, choices=Outcome.choices)
    title = models.ForeignKey(
        HonourTitle,
        verbose_name=_("可推荐称号"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    title_level = models.CharField(_("称号级别"), max_length=12, choices=Level.choices, blank=True)
    outcome_label = models.CharField(_("结果说明"), max_length=100, blank=True)

    objects = ScopedQuerySet.as_manager()
    visibility = Visibility(
        tree="federation__path",
        read={Role.FEDERATION_STAFF: Reach.TREE, Role.UNION_ADMIN: _federations_above},
        write=STAFF,
        describe={Role.UNION_ADMIN: "rules of the federations above their union"},
    )

    class Meta:
        verbose_name = _("资格规则")
        verbose_name_plural = _("资格规则")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(name="rule_min_count_positive", condition=Q(min_count__gt=0)),
            models.CheckConstraint(
                name="rule_nomination_names_title",
                condition=~Q(outcome="nomination") | Q(title__isnull=False) & ~Q(title_level=""),
            ),
        ]

    def __str__(self):
        return self.name

    def matches(self, evidence) -> bool:
        if evidence.revoked or evidence.kind != self.evidence_kind:
            return False
        if self.level and evidence.level != self.level:
            return False
        if self.craft and evidence.craft != self.craft:
            return False
        return self.max_place is None or (evidence.place is not None and evidence.place <= self.max_place)

    @property
    def outcome_text(self) -> str:
        if self.outcome == self.Outcome.NOMINATION:
            return _("可推荐%(level)s%(title)s") % {
                "level": Level(self.title_level).label,
                "title": self.title.name,
            }
        return self.outcome_label
