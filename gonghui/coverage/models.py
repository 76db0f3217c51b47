"""The coverage campaign 建会入会集中行动, the founding workflow 建会流程 and guidance visits 指导走访.

The workflow's rules (which step follows which, who records it) live in coverage.services; these
models hold its state and its history.
"""

import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gonghui.core.roles import Role
from gonghui.core.scope import Reach, ScopedQuerySet, Visibility
from gonghui.core.statemachine import StateHistory
from gonghui.orgs.models import Enterprise, Organisation

FEDERATION = {Role.FEDERATION_STAFF: Reach.TREE}
STAFF_ONLY = (Role.FEDERATION_STAFF,)
# A founding, its steps, documents and recruits hang from the enterprise's federation and union;
# the union it founded may read its history, and only federation staff change it.
FOUNDING_READ = {Role.FEDERATION_STAFF: Reach.TREE, Role.UNION_ADMIN: Reach.UNION}


def _through_enterprise(prefix: str) -> tuple[str, str]:
    return (f"{prefix}enterprise__federation__path", f"{prefix}enterprise__union__path")


class Campaign(models.Model):
    """A year's campaign of one federation: a target rule and the enterprises it found without a union."""

    federation = models.ForeignKey(
        Organisation, verbose_name=_("组织单位"), on_delete=models.PROTECT, related_name="campaigns"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    name = models.CharField(_("名称"), max_length=100)
    include_key = models.BooleanField(_("重点企业"), default=True)
    include_large = models.BooleanField(_("百人以上企业"), default=True)
    include_new_form = models.BooleanField(_("新就业形态企业"), default=True)
    min_headcount = models.PositiveIntegerField(_("职工人数下限"), default=Enterprise.LARGE_HEADCOUNT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("创建人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    objects = ScopedQuerySet.as_manager()
    visibility = Visibility(tree="federation__path", read=FEDERATION, write=STAFF_ONLY)

    class Meta:
        verbose_name = _("建会入会集中行动")
        verbose_name_plural = _("建会入会集中行动")
        ordering = ["-year", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["federation", "year", "name"], name="campaign_unique_name"),
            models.CheckConstraint(
                name="campaign_has_a_category",
                condition=models.Q(include_key=True)
                | models.Q(include_large=True)
                | models.Q(include_new_form=True),
            ),
        ]

    def __str__(self):
        return self.name


class Target(models.Model):
    """An enterprise the campaign aims to organise, and the federation officer guiding it."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("集中行动"), on_delete=models.CASCADE, related_name="targets"
    )
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("企业"), on_delete=models.PROTECT, related_name="campaign_targets"
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("责任人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="coverage_targets",
    )
    added_on = models.DateField(_("列入日期"), default=timezone.localdate)

    objects = ScopedQuerySet.as_manager()
    visibility = Visibility(tree="campaign__federation__path", read=FEDERATION, write=STAFF_ONLY)

    class Meta:
        verbose_name = _("目标企业")
        verbose_name_plural = _("目标企业")
        ordering = ["enterprise__name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "enterprise"], name="target_unique_enterprise")
        ]

    def __str__(self):
        return f"{self.campaign} · {self.enterprise}"


class Step(models.TextChoices):
    """The founding workflow's steps, in order; a founding's state is the last step recorded."""

    STARTED = "started", _("启动建会")
    SURVEY = "survey", _("调研")
    REQUEST = "request", _("建会请示")
    APPROVAL = "approval", _("上级批复")
    PREPARATORY = "preparatory", _("成立筹备组")
    RECRUITMENT = "recruitment", _("发展会员、入会登记")
    GROUPS = "groups", _("建立工会小组")
    SLATE = "slate", _("候选人协商报批")
    ASSEMBLY = "assembly", _("召开会员（代表）大会")
    ELECTION = "election", _("选举")
    RESULTS_APPROVAL = "results_approval", _("选举结果报批")
    ESTABLISHED = "established", _("成立")
    DROPPED = "dropped", _("终止")


FINAL_STEPS = (Step.ESTABLISHED, Step.DROPPED)


class FoundingQuerySet(ScopedQuerySet):
    def open(self):
        return self.exclude(state__in=FINAL_STEPS)


class Founding(models.Model):
    """One enterprise's way to its own union (建会流程). Changed only by coverage.services.founding_advance."""

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("企业"), on_delete=models.PROTECT, related_name="foundings"
    )
    state = models.CharField(_("当前步骤"), max_length=20, choices=Step.choices, default=Step.STARTED)
    state_on = models.DateField(_("办理日期"))
    union = models.ForeignKey(
        Organisation,
        verbose_name=_("成立的工会"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="foundings",
    )
    created_at = models.DateTimeField(_("启动时间"), default=timezone.now)

    objects = FoundingQuerySet.as_manager()
    visibility = Visibility(tree=_through_enterprise(""), union="union", read=FOUNDING_READ, write=STAFF_ONLY)

    class Meta:
        verbose_name = _("建会流程")
        verbose_name_plural = _("建会流程")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise"],
                condition=~models.Q(state__in=["established", "dropped"]),
                name="founding_one_open_per_enterprise",
            )
        ]
        indexes = [models.Index(fields=["state"], name="founding_state_idx")]

    def __str__(self):
        return _("%(enterprise)s建会") % {"enterprise": self.enterprise}

    @property
    def is_open(self) -> bool:
        return self.state not in FINAL_STEPS


class FoundingStep(StateHistory):
    """The history: one row per recorded step (who, when, the note, the step's data, the documents)."""

    founding = models.ForeignKey(
        Founding, verbose_name=_("建会流程"), on_delete=models.PROTECT, related_name="steps"
    )
    on = models.DateField(_("办理日期"))
    data = models.JSONField(_("步骤内容"), default=dict, blank=True)

    states = Step

    objects = ScopedQuerySet.as_manager()
    visibility = Visibility(
        tree=_through_enterprise("founding__"), union="founding__union", read=FOUNDING_READ, write=STAFF_ONLY
    )

    class Meta:
        verbose_name = _("建会步骤")
        verbose_name_plural = _("建会步骤")
        ordering = ["founding_id", "at", "id"]
        constraints = [models.UniqueConstraint(fields=["founding", "to_state"], name="founding_step_once")]

    def __str__(self):
        return f"{self.founding} · {self.to_label}"


def document_path(instance: "FoundingDocument", filename: str) -> str:
    """Stored under a random name (the original name is kept in the row, never used as a path)."""
    suffix = PurePosixPath(filename).suffix.lower()
    return f"founding/{instance.step.founding_id}/{uuid.uuid4().hex}{suffix}"


class FoundingDocument(models.Model):
    step = models.ForeignKey(
        FoundingStep, verbose_name=_("步骤"), on_delete=models.PROTECT, related_name="documents"
    )
    file = models.FileField(_("文件"), upload_to=document_path, max_length=200)
    name = models.CharField(_("文件名"), max_length=200)
    size = models.PositiveIntegerField(_("大小"))

    objects = ScopedQuerySet.as_manager()
    visibility = Visibility(
        tree=_through_enterprise("step__founding__"),
        union="step__founding__union",
        read=FOUNDING_READ,
        write=STAFF_ONLY,
    )

    class Meta:
        verbose_name = _("建会材料")
        verbose_name_plural = _("建会材料")
        ordering = ["step_id", "id"]

    def __str__(self):
        return self.name


class Recruit(models.Model):
    """A worker registered to join during founding (入会登记); they become members when the union is founded."""

    founding = models.ForeignKey(
        Founding, verbose_name=_("建会流程"), on_delete=models.PROTECT, related_name="recruits"
    )
    person = models.ForeignKey(
        "members.Person", verbose_name=_("人员"), on_delete=models.PROTECT, related_name="+"
    )
    registered_on = models.DateField(_("登记日期"))
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("经办人"), on_delete=models.PROTECT, related_name="+"
    )

    objects = ScopedQuerySet.as_manager()
    visibility = Visibility(
        tree=_through_enterprise("founding__"), union="founding__union", read=FOUNDING_READ, write=STAFF_ONLY
    )

    class Meta:
        verbose_name = _("入会登记")
        verbose_name_plural = _("入会登记")
        ordering = ["founding_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["founding", "person"], name="recruit_once_per_founding")
        ]

    def __str__(self):
        return str(self.person)


class GuidanceVisit(models.Model):
    """指导走访: federation officers visit an enterprise (listed on the enterprise and on its founding)."""

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("企业"), on_delete=models.PROTECT, related_name="visits"
    )
    founding = models.ForeignKey(
        Founding,
        verbose_name=_("建会流程"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="visits",
    )
    visited_on = models.DateField(_("走访日期"))
    officers = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("走访人员"), related_name="+")
    discussed = models.TextField(_("走访内容"))
    next_step = models.TextField(_("下一步工作"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = ScopedQuerySet.as_manager()
    visibility = Visibility(
        tree=_through_enterprise(""), union="enterprise__union", read=FOUNDING_READ, write=STAFF_ONLY
    )

    class Meta:
        verbose_name = _("指导走访")
        verbose_name_plural = _("指导走访")
        ordering = ["-visited_on", "-id"]
        indexes = [models.Index(fields=["enterprise", "visited_on"], name="visit_enterprise_date_idx")]

    def __str__(self):
        return f"{self.enterprise} {self.visited_on}"
