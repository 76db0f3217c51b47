"""Medical mutual aid 职工医疗互助保障: plans (their rules as data), group enrolments, claims with their
history and documents, and the append-only ledger of payments.

The rules that read these rows (who may enrol, what a claim is worth, which move follows which) live in
mutual_aid.rules and mutual_aid.services. Medical details and bank accounts are stored encrypted
(gonghui.core.crypto), never in clear columns.
"""

import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gonghui.core.roles import Role
from gonghui.core.scope import OFFICER_REACH, OFFICERS, Reach, ScopedQuerySet, Visibility
from gonghui.core.statemachine import StateHistory


def _plans_above_their_union(scope) -> Q:
    """Plans of the federations above the union admin's union (its path's ancestors)."""
    parts = scope.path.strip("/").split("/")
    return Q(federation__path__in=["/" + "/".join(parts[:n]) + "/" for n in range(1, len(parts) + 1)])


def _reach(prefix: str = "", *, worker: bool = True, write=OFFICERS) -> Visibility:
    """Rows of a union's mutual aid: its officers and the federations above reach them; the member
    their own (unless worker=False: documents and invoices are for officers)."""
    return Visibility(
        tree=f"{prefix}union__path",
        union=f"{prefix}union",
        person=f"{prefix}person" if worker else None,
        read={**OFFICER_REACH, Role.WORKER: Reach.PERSON} if worker else OFFICER_REACH,
        write=write,
    )


class Plan(models.Model):
    """One period of a federation's mutual-aid plan. Published plans are not edited: a new period is a
    new plan (renews points at the period it continues)."""

    class Kind(models.TextChoices):
        HOSPITAL = "hospital", _("住院医疗")
        CRITICAL_ILLNESS = "critical_illness", _("重大疾病")
        ACCIDENT = "accident", _("意外伤害")
        WOMEN = "women", _("女职工特殊疾病")

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        PUBLISHED = "published", _("已发布")

    federation = models.ForeignKey(
        "orgs.Organisation", verbose_name=_("主办总工会"), on_delete=models.PROTECT, related_name="aid_plans"
    )
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("保障类型"), max_length=20, choices=Kind.choices)
    renews = models.ForeignKey(
        "self",
        verbose_name=_("续接上期"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="renewed_by",
    )
    starts_on = models.DateField(_("统一起保日期"))
    term_years = models.PositiveSmallIntegerField(_("保障期限（年）"))
    ends_on = models.DateField(_("保障终止日期"), editable=False)
    enrol_until = models.DateField(_("参保截止日期"))
    premium_per_share = models.DecimalField(_("每份会费（元/期）"), max_digits=10, decimal_places=2)
    max_shares = models.PositiveSmallIntegerField(_("每人最多份数"))
    # Benefits, each per share: tiers of a daily amount by day of stay; a fixed sum; a ratio of the
    # cost left after medical insurance. A plan uses any of them; the claim's amount is their sum.
    daily_tiers = models.JSONField(_("住院日津贴分段"), default=list, blank=True)
    fixed_sum = models.DecimalField(
        _("定额给付（元/份）"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    cost_ratio = models.DecimalField(
        _("自付费用给付比例"), max_digits=4, decimal_places=3, null=True, blank=True
    )
    claim_limit = models.DecimalField(
        _("单次限额（元/份）"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    year_limit = models.DecimalField(
        _("年度限额（元/份）"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    term_limit = models.DecimalField(
        _("期内限额（元/份）"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    claims_per_year = models.PositiveSmallIntegerField(_("每年给付次数上限"), null=True, blank=True)
    exclusion_days = models.PositiveSmallIntegerField(_("免责期（天）"), default=0)
    reduced_days = models.PositiveSmallIntegerField(_("减责期（免责期后，天）"), default=0)
    reduced_ratio = models.DecimalField(_("减责期给付比例"), max_digits=4, decimal_places=3, default=1)
    same_cause_months = models.PositiveSmallIntegerField(_("同一病因合并期（月）"), default=0)
    min_age = models.PositiveSmallIntegerField(_("最低年龄"), default=16)
    max_age = models.PositiveSmallIntegerField(_("最高年龄"), default=65)
    min_participation = models.DecimalField(_("最低参保比例"), max_digits=4, decimal_places=3, default=0)
    all_below_headcount = models.PositiveIntegerField(_("全员参保的职工人数线"), default=100)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    visibility = Visibility(
        tree="federation__path",
        read={Role.FEDERATION_STAFF: Reach.TREE, Role.UNION_ADMIN: _plans_above_their_union},
        write=(Role.FEDERATION_STAFF,),
        describe={Role.UNION_ADMIN: "plans of the federations above their union"},
    )

    class Meta:
        verbose_name = _("互助保障计划")
        verbose_name_plural = _("互助保障计划")
        ordering = ["-starts_on", "kind", "id"]
        constraints = [
            models.CheckConstraint(
                name="plan_term_1_to_3_years", condition=Q(term_years__gte=1, term_years__lte=3)
            ),
            models.CheckConstraint(name="plan_premium_positive", condition=Q(premium_per_share__gt=0)),
            models.CheckConstraint(name="plan_max_shares_positive", condition=Q(max_shares__gte=1)),
            models.CheckConstraint(name="plan_ages_in_order", condition=Q(min_age__lte=models.F("max_age"))),
            models.CheckConstraint(
                name="plan_ratios_0_to_1",
                condition=Q(min_participation__gte=0, min_participation__lte=1)
                & Q(reduced_ratio__gte=0, reduced_ratio__lte=1)
                & (Q(cost_ratio__isnull=True) | Q(cost_ratio__gt=0, cost_ratio__lte=1)),
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    def in_force_on(self, day) -> bool:
        return self.is_published and self.starts_on <= day <= self.ends_on


class EnrolmentBatch(models.Model):
    """A union's group enrolment of one enterprise's staff in a plan, with its fee total."""

    plan = models.ForeignKey(Plan, verbose_name=_("计划"), on_delete=models.PROTECT, related_name="batches")
    union = models.ForeignKey(
        "orgs.Organisation", verbose_name=_("工会"), on_delete=models.PROTECT, related_name="aid_batches"
    )
    enterprise = models.ForeignKey(
        "orgs.Enterprise", verbose_name=_("用工单位"), on_delete=models.PROTECT, related_name="aid_batches"
    )
    enrolled_on = models.DateField(_("参保日期"))
    people = models.PositiveIntegerField(_("人数"))
    fee_total = models.DecimalField(_("会费合计（元）"), max_digits=14, decimal_places=2)
    headcount = models.PositiveIntegerField(_("符合条件的职工人数"))
    enrolled_total = models.PositiveIntegerField(_("累计参保人数"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("经办人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now)

    objects = ScopedQuerySet.as_manager()
    visibility = _reach(worker=False)

    class Meta:
        verbose_name = _("集体参保")
        verbose_name_plural = _("集体参保")
        ordering = ["-enrolled_on", "-id"]
        constraints = [models.CheckConstraint(name="batch_fee_not_negative", condition=Q(fee_total__gte=0))]
        indexes = [  # the list's order, within a union and across a federation's
            models.Index(fields=["union", "enrolled_on", "id"], name="batch_union_date_idx"),
            models.Index(fields=["enrolled_on", "id"], name="batch_date_idx"),
        ]

    def __str__(self):
        return f"{self.plan} · {self.enterprise}"


class Enrolment(models.Model):
    """One person's cover in one plan. continuous_since is the first day of their unbroken cover: a
    renewal within the plan's window carries it forward, so no new exclusion period runs."""

    batch = models.ForeignKey(
        EnrolmentBatch, verbose_name=_("集体参保"), on_delete=models.PROTECT, related_name="enrolments"
    )
    plan = models.ForeignKey(
        Plan, verbose_name=_("计划"), on_delete=models.PROTECT, related_name="enrolments"
    )
    person = models.ForeignKey(
        "members.Person", verbose_name=_("参保人"), on_delete=models.PROTECT, related_name="aid_enrolments"
    )
    union = models.ForeignKey(
        "orgs.Organisation", verbose_name=_("工会"), on_delete=models.PROTECT, related_name="aid_enrolments"
    )
    shares = models.PositiveSmallIntegerField(_("份数"))
    fee = models.DecimalField(_("会费（元）"), max_digits=10, decimal_places=2)
    covered_from = models.DateField(_("保障开始"))
    covered_until = models.DateField(_("保障终止"))
    continuous_since = models.DateField(_("连续参保起始"))
    renewed_from = models.ForeignKey(
        "self", verbose_name=_("续保自"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = ScopedQuerySet.as_manager()
    visibility = _reach()

    class Meta:
        verbose_name = _("参保记录")
        verbose_name_plural = _("参保记录")
        ordering = ["-covered_from", "id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "person"], name="enrolment_once_per_plan"),
            models.CheckConstraint(name="enrolment_shares_positive", condition=Q(shares__gte=1)),
            models.CheckConstraint(
                name="enrolment_cover_in_order",
                condition=Q(continuous_since__lte=models.F("covered_from"))
                & Q(covered_from__lte=models.F("covered_until")),
            ),
        ]
        indexes = [
            models.Index(fields=["covered_from", "covered_until"], name="enrolment_cover_idx"),
            models.Index(fields=["person", "covered_until"], name="enrolment_person_idx"),
        ]

    def __str__(self):
        return f"{self.person} · {self.plan}"


class Status(models.TextChoices):
    """A claim's states (the moves between them are mutual_aid.services.CLAIM_MACHINE)."""

    SUBMITTED = "submitted", _("已申请")
    UNION_REVIEWED = "union_reviewed", _("基层工会已审核")
    RETURNED = "returned", _("待补充材料")
    FEDERATION_REVIEWED = "federation_reviewed", _("总工会已复核")
    AMOUNT_SET = "amount_set", _("已核定")
    PAID = "paid", _("已支付")
    ARCHIVED = "archived", _("已归档")
    REJECTED = "rejected", _("已驳回")


# The states whose amount counts against the plan's limits and count limit.
COUNTED = (Status.AMOUNT_SET, Status.PAID, Status.ARCHIVED)
OPEN = (Status.SUBMITTED, Status.UNION_REVIEWED, Status.RETURNED, Status.FEDERATION_REVIEWED)


class Claim(models.Model):
    """An application for aid filed by a union for one of its enrolled members."""

    enrolment = models.ForeignKey(
        Enrolment, verbose_name=_("参保记录"), on_delete=models.PROTECT, related_name="claims"
    )
    plan = models.ForeignKey(Plan, verbose_name=_("计划"), on_delete=models.PROTECT, related_name="claims")
    person = models.ForeignKey(
        "members.Person", verbose_name=_("申请人"), on_delete=models.PROTECT, related_name="aid_claims"
    )
    union = models.ForeignKey(
        "orgs.Organisation", verbose_name=_("工会"), on_delete=models.PROTECT, related_name="aid_claims"
    )
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.SUBMITTED)
    filed_on = models.DateField(_("申请日期"))
    event_on = models.DateField(_("出险日期"))
    admitted_on = models.DateField(_("入院日期"), null=True, blank=True)
    discharged_on = models.DateField(_("出院日期"), null=True, blank=True)
    cause_hash = models.CharField(max_length=64, editable=False)  # keyed hash of the cause code (ICD-10)
    total_cost = models.DecimalField(_("医疗总费用（元）"), max_digits=12, decimal_places=2)
    insurance_paid = models.DecimalField(_("医保报销（元）"), max_digits=12, decimal_places=2)
    diagnosis_encrypted = models.TextField(editable=False)
    hospital_encrypted = models.TextField(editable=False)
    stay_encrypted = models.TextField(editable=False)
    account_encrypted = models.TextField(editable=False)
    account_masked = models.CharField(_("收款账号"), max_length=40, editable=False)
    bank = models.CharField(_("开户银行"), max_length=100)
    consent_on = models.DateField(_("本人同意日期"))
    amount = models.DecimalField(_("核定金额（元）"), max_digits=12, decimal_places=2, null=True, blank=True)
    computation = models.JSONField(_("核定依据"), default=list, blank=True)
    reason = models.TextField(_("驳回或退回原因"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("录入人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("录入时间"), default=timezone.now)
    changed_at = models.DateTimeField(_("状态时间"), default=timezone.now)

    objects = ScopedQuerySet.as_manager()
    visibility = _reach()

    class Meta:
        verbose_name = _("互助申请")
        verbose_name_plural = _("互助申请")
        ordering = ["-filed_on", "-id"]
        constraints = [
            models.CheckConstraint(
                name="claim_money_not_negative",
                condition=Q(total_cost__gte=0, insurance_paid__gte=0)
                & Q(insurance_paid__lte=models.F("total_cost"))
                & (Q(amount__isnull=True) | Q(amount__gt=0)),
            ),
            models.CheckConstraint(
                name="claim_amount_once_set",
                condition=Q(status__in=[s.value for s in COUNTED], amount__isnull=False)
                | ~Q(status__in=[s.value for s in COUNTED]) & Q(amount__isnull=True),
            ),
            models.CheckConstraint(
                name="claim_stay_in_order",
                condition=Q(admitted_on__isnull=True, discharged_on__isnull=True)
                | Q(admitted_on__isnull=False, discharged_on__gte=models.F("admitted_on")),
            ),
        ]
        indexes = [
            models.Index(fields=["status", "union"], name="claim_status_union_idx"),
            models.Index(fields=["person", "event_on"], name="claim_person_event_idx"),
            models.Index(fields=["union", "filed_on", "id"], name="claim_union_filed_idx"),
            models.Index(fields=["filed_on", "id"], name="claim_filed_idx"),
        ]

    def __str__(self):
        return f"{self.number} {self.person}"

    @property
    def number(self) -> str:
        return f"HZ{self.filed_on:%Y}{self.pk or 0:06d}"

    @property
    def out_of_pocket(self):
        return self.total_cost - self.insurance_paid


class ClaimStep(StateHistory):
    """The history: one row per move (who, when, from which state to which, the note)."""

    claim = models.ForeignKey(Claim, verbose_name=_("申请"), on_delete=models.PROTECT, related_name="steps")

    states = Status
    objects = ScopedQuerySet.as_manager()
    visibility = _reach("claim__")

    class Meta:
        verbose_name = _("办理记录")
        verbose_name_plural = _("办理记录")
        ordering = ["claim_id", "at", "id"]

    def __str__(self):
        return f"{self.claim} → {self.to_label}"


def document_path(instance: "ClaimDocument", filename: str) -> str:
    """Stored under a random name (the original name is kept in the row, never used as a path)."""
    return f"mutual_aid/{instance.claim_id}/{uuid.uuid4().hex}{PurePosixPath(filename).suffix.lower()}"


class ClaimDocument(models.Model):
    """诊断证明、出院小结、发票、银行卡、本人同意书…: medical material, opened only by the claim's handlers."""

    claim = models.ForeignKey(
        Claim, verbose_name=_("申请"), on_delete=models.PROTECT, related_name="documents"
    )
    file = models.FileField(_("文件"), upload_to=document_path, max_length=200)
    name = models.CharField(_("文件名"), max_length=200)
    size = models.PositiveIntegerField(_("大小"))
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    added_at = models.DateTimeField(_("上传时间"), default=timezone.now)

    objects = ScopedQuerySet.as_manager()
    visibility = _reach("claim__", worker=False)

    class Meta:
        verbose_name = _("申请材料")
        verbose_name_plural = _("申请材料")
        ordering = ["claim_id", "id"]

    def __str__(self):
        return self.name


class Invoice(models.Model):
    """A medical invoice claimed: each number is claimed once, whatever became of that claim."""

    claim = models.ForeignKey(
        Claim, verbose_name=_("申请"), on_delete=models.PROTECT, related_name="invoices"
    )
    number = models.CharField(_("发票号码"), max_length=40)

    objects = ScopedQuerySet.as_manager()
    visibility = _reach("claim__", worker=False)

    class Meta:
        verbose_name = _("医疗发票")
        verbose_name_plural = _("医疗发票")
        ordering = ["claim_id", "id"]
        constraints = [models.UniqueConstraint(fields=["number"], name="invoice_claimed_once")]

    def __str__(self):
        return self.number


class LedgerQuerySet(ScopedQuerySet):
    def update(self, **kwargs):
        raise PermissionError("the mutual-aid ledger is append-only")

    def delete(self):
        raise PermissionError("the mutual-aid ledger is append-only")


class LedgerEntry(models.Model):
    """A payment to a member's own account. Append-only (the ORM and the database refuse changes);
    one per claim, enforced by a unique constraint, so a claim is paid once however many click."""

    claim = models.OneToOneField(
        Claim, verbose_name=_("申请"), on_delete=models.PROTECT, related_name="payment"
    )
    plan = models.ForeignKey(Plan, verbose_name=_("计划"), on_delete=models.PROTECT, related_name="payments")
    person = models.ForeignKey(
        "members.Person", verbose_name=_("收款人"), on_delete=models.PROTECT, related_name="aid_payments"
    )
    union = models.ForeignKey(
        "orgs.Organisation", verbose_name=_("工会"), on_delete=models.PROTECT, related_name="aid_payments"
    )
    amount = models.DecimalField(_("金额（元）"), max_digits=12, decimal_places=2)
    paid_on = models.DateField(_("支付日期"))
    reference = models.CharField(_("银行流水号"), max_length=64)
    account_masked = models.CharField(_("收款账号"), max_length=40)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("支付经办人"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("登记时间"), default=timezone.now)

    objects = LedgerQuerySet.as_manager()
    visibility = _reach(write=(Role.FEDERATION_STAFF,))

    class Meta:
        verbose_name = _("给付台账")
        verbose_name_plural = _("给付台账")
        ordering = ["-paid_on", "-id"]
        constraints = [models.CheckConstraint(name="ledger_amount_positive", condition=Q(amount__gt=0))]
        indexes = [
            models.Index(fields=["paid_on", "id"], name="ledger_paid_idx"),
            models.Index(fields=["union", "paid_on", "id"], name="ledger_union_paid_idx"),
        ]

    def __str__(self):
        return f"{self.claim.number} {self.amount}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("the mutual-aid ledger is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("the mutual-aid ledger is append-only")


class AidMonth(models.Model):
    """Mutual aid in a month within an organisation's subtree: enrolments (each counted once in every
    year its cover overlaps, in the month of that year its cover starts or the year begins), claims
    filed, payments made and their amount. A roll-up kept by mutual_aid.services in the change's
    transaction, rebuilt by `gonghui rollups-rebuild` (gonghui.core.rollups, mutual_aid.rollups)."""

    organisation = models.ForeignKey("orgs.Organisation", on_delete=models.CASCADE, related_name="+")
    month = models.DateField()  # its first day
    enrolments = models.IntegerField(default=0)
    claims = models.IntegerField(default=0)
    paid = models.IntegerField(default=0)
    paid_amount = models.DecimalField(max_digits=16, decimal_places=2, default=0)

    objects = ScopedQuerySet.as_manager()
    visibility = Visibility(tree="organisation__path", union="organisation", read=OFFICER_REACH, write=())

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation", "month"], name="aid_month_unique")]

    def __str__(self):
        return f"{self.organisation_id} {self.month:%Y-%m}"


class AidPayDays(models.Model):
    """The payments of a month within an organisation's subtree by days from filing to payment: the
    median of a year is read from these counts exactly (a median is not a sum of monthly medians)."""

    organisation = models.ForeignKey("orgs.Organisation", on_delete=models.CASCADE, related_name="+")
    month = models.DateField()  # its first day
    days = models.IntegerField()
    payments = models.IntegerField(default=0)

    objects = ScopedQuerySet.as_manager()
    visibility = Visibility(tree="organisation__path", union="organisation", read=OFFICER_REACH, write=())

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "month", "days"], name="aid_pay_days_unique")
        ]

    def __str__(self):
        return f"{self.organisation_id} {self.month:%Y-%m} {self.days}"
