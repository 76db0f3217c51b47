"""Legal service 法律服务: the lawyer team, consultations 法律咨询, legal aid 法律援助 and labour-dispute
mediation 劳动争议调解, each case on its legal clocks with its history.

Who reaches a case: federation staff the cases of their subtree; a union admin the cases filed with
their union and those of its members; a lawyer the cases assigned to them (a consultation's or an
aid case's lawyer, a dispute's mediator) and nothing else; a worker their own (the state only, on
their own page). Case files (facts, the closing report, the agreement) are stored encrypted
(core.crypto) and read only through legal.services.case_file_read, which audits each view.

The workflows' rules live in legal.workflow; the clocks' in legal.clocks. These models hold state,
clocks and history.
"""

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gonghui.core.roles import Role
from gonghui.core.scope import OFFICER_REACH, Reach, ScopedQuerySet, Visibility
from gonghui.core.statemachine import StateHistory


def _ancestor_paths(path: str) -> list[str]:
    """ "/CITY/ZONE/U0001/" → ["/CITY/", "/CITY/ZONE/", "/CITY/ZONE/U0001/"]."""
    codes = [code for code in path.split("/") if code]
    return ["/" + "/".join(codes[: i + 1]) + "/" for i in range(len(codes))]


def _lawyers_engaged_above(scope) -> Q | None:
    """A union admin sees the lawyers engaged by their union or by a federation above it."""
    return Q(engaged_by__path__in=_ancestor_paths(scope.path)) if scope.path else None


def _own_lawyer_record(scope) -> Q | None:
    return Q(user_id=scope.user_id) if scope.user_id else None


class Lawyer(models.Model):
    """A lawyer of the legal-service team 律师团队, engaged by a union or a federation for a term."""

    class Speciality(models.TextChoices):
        CONTRACT = "contract", _("劳动合同")
        WAGES = "wages", _("工资报酬")
        INJURY = "injury", _("工伤赔偿")
        INSURANCE = "insurance", _("社会保险")
        DISMISSAL = "dismissal", _("解除劳动关系")
        WOMEN = "women", _("女职工权益")
        LITIGATION = "litigation", _("仲裁与诉讼代理")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("登录账号"), on_delete=models.PROTECT, related_name="lawyer"
    )
    name = models.CharField(_("姓名"), max_length=50)
    firm = models.CharField(_("律师事务所"), max_length=100)
    licence_number = models.CharField(_("执业证号"), max_length=17)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    specialities = models.JSONField(_("擅长领域"), default=list, blank=True)
    engaged_by = models.ForeignKey(
        "orgs.Organisation", verbose_name=_("聘请单位"), on_delete=models.PROTECT, related_name="lawyers"
    )
    term_start = models.DateField(_("聘期开始"))
    term_end = models.DateField(_("聘期结束"))
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now)

    objects = ScopedQuerySet.as_manager()
    visibility = Visibility(
        tree="engaged_by__path",
        read={
            Role.FEDERATION_STAFF: Reach.TREE,
            Role.UNION_ADMIN: _lawyers_engaged_above,
            Role.LAWYER: _own_lawyer_record,
        },
        write=(Role.FEDERATION_STAFF, Role.UNION_ADMIN),
        describe={Role.UNION_ADMIN: "engaged by their union or above", Role.LAWYER: "their own record"},
    )

    class Meta:
        verbose_name = _("律师")
        verbose_name_plural = _("律师团队")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["licence_number"], name="lawyer_licence_unique"),
            models.CheckConstraint(
                name="lawyer_term_in_order", condition=Q(term_end__gte=models.F("term_start"))
            ),
        ]

    def __str__(self):
        return self.name

    def speciality_labels(self) -> list[str]:
        labels = dict(self.Speciality.choices)
        return [str(labels.get(key, key)) for key in self.specialities]

    def in_term_on(self, day) -> bool:
        return self.term_start <= day <= self.term_end


def _cases_of_the_union(scope) -> Q | None:
    """Filed with the admin's union, or of a person who is now a member there."""
    if scope.organisation_id is None:
        return None
    from gonghui.members.models import Membership

    members = Membership.objects.filter(person=OuterRef("person"), union_id=scope.organisation_id).active()
    return Q(org_id=scope.organisation_id) | Q(Exists(members))


def _assigned_to(lookup: str):
    def condition(scope) -> Q | None:
        if not scope.user_id:
            return None
        # their lawyer record's id as one value (a sign-in has one at most), not a join: the list is
        # then one range of the index that starts with the lawyer, whatever the city holds
        lawyer = Lawyer.objects.filter(user_id=scope.user_id).order_by().values("pk")[:1]
        return Q(**{f"{lookup}_id": Subquery(lawyer)})

    condition.__doc__ = f"assigned to them ({lookup})"
    return condition


def _case_visibility(lawyer_lookup: str) -> Visibility:
    """The one rule of every kind of case."""
    return Visibility(
        tree="org__path",
        person="person",
        read={
            Role.FEDERATION_STAFF: Reach.TREE,
            Role.UNION_ADMIN: _cases_of_the_union,
            Role.LAWYER: _assigned_to(lawyer_lookup),
            Role.WORKER: Reach.PERSON,
        },
        write=(Role.FEDERATION_STAFF, Role.UNION_ADMIN, Role.LAWYER),
        describe={Role.UNION_ADMIN: "filed with their union or of its members"},
    )


# What hangs from a case (its bodies, clocks, pauses, history) is read through the case, which
# applies the case's rule; reached on its own it is federation staff's, by the case's subtree.
PARTS = {Role.FEDERATION_STAFF: Reach.TREE}


class Channel(models.TextChoices):
    VISIT = "visit", _("来访")
    PHONE = "phone", _("电话（12351）")
    ONLINE = "online", _("网上")
    LETTER = "letter", _("来信")


class Topic(models.TextChoices):
    CONTRACT = "contract", _("劳动合同")
    WAGES = "wages", _("工资报酬")
    INJURY = "injury", _("工伤")
    INSURANCE = "insurance", _("社会保险")
    DISMISSAL = "dismissal", _("解除劳动关系")
    HOURS = "hours", _("工时与休假")
    OTHER = "other", _("其他")


NO_DEADLINE = date(9999, 12, 31)  # a case's deadline when none of its clocks is running


class CaseQuerySet(ScopedQuerySet):
    def open(self):
        return self.exclude(state__in=self.model.FINAL_STATES)


class LegalCase(models.Model):
    """What every case has: the organisation handling it, the person, the matter, who entered it."""

    org = models.ForeignKey(
        "orgs.Organisation", verbose_name=_("受理单位"), on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey(
        "members.Person", verbose_name=_("当事人"), on_delete=models.PROTECT, related_name="+"
    )
    topic = models.CharField(_("事项"), max_length=12, choices=Topic.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now)

    objects = CaseQuerySet.as_manager()

    class Meta:
        abstract = True


class Consultation(LegalCase):
    """A free consultation 法律咨询: who asked, how, about what, and the outcome."""

    class State(models.TextChoices):
        REQUESTED = "requested", _("待答复")
        ANSWERED = "answered", _("已答复")

    class Outcome(models.TextChoices):
        ANSWERED = "answered", _("当场解答")
        TO_AID = "to_aid", _("转法律援助")
        TO_MEDIATION = "to_mediation", _("转劳动争议调解")
        REFERRED = "referred", _("引导至其他部门")

    FINAL_STATES = (State.ANSWERED,)

    lawyer = models.ForeignKey(
        Lawyer,
        verbose_name=_("解答律师"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="consultations",
    )
    channel = models.CharField(_("咨询方式"), max_length=10, choices=Channel.choices)
    asked_on = models.DateField(_("咨询日期"))
    question_encrypted = models.TextField(editable=False)
    answer_encrypted = models.TextField(editable=False, blank=True)
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.REQUESTED)
    outcome = models.CharField(_("处理结果"), max_length=14, choices=Outcome.choices, blank=True)
    answered_on = models.DateField(_("答复日期"), null=True, blank=True)
    visibility = _case_visibility("lawyer")

    class Meta:
        verbose_name = _("法律咨询")
        verbose_name_plural = _("法律咨询")
        ordering = ["-asked_on", "-id"]
        indexes = [
            models.Index(fields=["org", "asked_on"], name="consultation_org_date_idx"),
            # the list's order (legal.selectors.CONSULTATION_KEYS), within a union and across a tree
            models.Index(fields=["org", "state", "asked_on", "id"], name="consultation_org_list_idx"),
            models.Index(fields=["state", "asked_on", "id"], name="consultation_list_idx"),
        ]

    def __str__(self):
        return _("%(name)s的法律咨询（%(topic)s）") % {"name": self.person, "topic": self.get_topic_display()}


class AidCase(LegalCase):
    """A legal-aid case 法律援助 (法律援助法 art. 43): application, review, a lawyer, the closing report."""

    class State(models.TextChoices):
        APPLIED = "applied", _("待审查")
        MATERIAL_REQUESTED = "material_requested", _("待补充材料")
        GRANTED = "granted", _("准予援助")
        REFUSED = "refused", _("不予援助")
        WITHDRAWN = "withdrawn", _("视为撤回")
        ASSIGNED = "assigned", _("已指派律师")
        HANDLING = "handling", _("办理中")
        REPORTED = "reported", _("已提交结案报告")
        ARCHIVED = "archived", _("已归档")

    FINAL_STATES = (State.REFUSED, State.WITHDRAWN, State.ARCHIVED)

    number = models.CharField(_("案件编号"), max_length=20, unique=True)
    lawyer = models.ForeignKey(
        Lawyer,
        verbose_name=_("承办律师"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="aid_cases",
    )
    applied_on = models.DateField(_("申请日期"))
    facts_encrypted = models.TextField(editable=False)
    report_encrypted = models.TextField(editable=False, blank=True)
    refusal_reasons = models.TextField(_("不予援助理由"), blank=True)
    state = models.CharField(_("状态"), max_length=20, choices=State.choices, default=State.APPLIED)
    state_on = models.DateField(_("办理日期"))
    # the running clock due first (a paused one cannot run out), kept by legal.clocks with every step
    # of a clock's life; the lists sort by it: past-due cases come first without a nightly job
    deadline = models.DateField(_("最近届满日"), default=NO_DEADLINE, editable=False)
    visibility = _case_visibility("lawyer")

    class Meta:
        verbose_name = _("法律援助案件")
        verbose_name_plural = _("法律援助案件")
        ordering = ["-applied_on", "-id"]
        indexes = [
            models.Index(fields=["org", "applied_on"], name="aidcase_org_date_idx"),
            # the list's order (legal.selectors.AID_KEYS), across a tree and for a lawyer
            models.Index(fields=["deadline", "-applied_on", "-id"], name="aidcase_deadline_idx"),
            models.Index(
                fields=["lawyer", "deadline", "-applied_on", "-id"], name="aidcase_lawyer_deadline_idx"
            ),
        ]

    def __str__(self):
        return _("法律援助 %(number)s") % {"number": self.number}


class Dispute(LegalCase):
    """A labour-dispute mediation 劳动争议调解 between a worker and an employer."""

    class State(models.TextChoices):
        RECEIVED = "received", _("待受理")
        NOT_ACCEPTED = "not_accepted", _("不予受理")
        ACCEPTED = "accepted", _("已受理")
        MEDIATOR_ASSIGNED = "mediator_assigned", _("已指派调解员")
        MEDIATING = "mediating", _("调解中")
        SUCCEEDED = "succeeded", _("调解成功")
        FAILED = "failed", _("调解不成")
        ARBITRATION = "arbitration", _("转仲裁")
        LITIGATION = "litigation", _("转诉讼")
        CLOSED = "closed", _("已结案")

    FINAL_STATES = (State.NOT_ACCEPTED, State.CLOSED)
    OUTCOME_STATES = (State.SUCCEEDED, State.FAILED, State.ARBITRATION, State.LITIGATION, State.CLOSED)

    class Source(models.TextChoices):
        APPLICATION = "application", _("当事人申请")
        COURT = "court", _("法院委托调解（诉调对接）")
        HR_BUREAU = "hr_bureau", _("人社部门移交")
        UNION = "union", _("工会转办")

    class Outcome(models.TextChoices):
        AGREEMENT = "agreement", _("达成调解协议")
        NO_AGREEMENT = "no_agreement", _("未达成协议")

    class Referral(models.TextChoices):
        ARBITRATION = "arbitration", _("劳动争议仲裁")
        LITIGATION = "litigation", _("人民法院诉讼")

    class Confirmation(models.TextChoices):
        NONE = "", _("未申请")
        REQUESTED = "requested", _("已申请司法确认")
        CONFIRMED = "confirmed", _("法院已确认")
        REFUSED = "refused", _("法院不予确认")

    number = models.CharField(_("案件编号"), max_length=20, unique=True)
    employer = models.ForeignKey(
        "orgs.Enterprise",
        verbose_name=_("用人单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    employer_name = models.CharField(_("用人单位名称"), max_length=100)
    mediator = models.ForeignKey(
        Lawyer,
        verbose_name=_("调解员"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="disputes",
    )
    source = models.CharField(
        _("案件来源"), max_length=12, choices=Source.choices, default=Source.APPLICATION
    )
    court = models.CharField(_("委托法院"), max_length=100, blank=True)
    court_case_number = models.CharField(_("法院案号"), max_length=50, blank=True)
    received_on = models.DateField(_("收到申请日期"))
    claim_amount = models.DecimalField(
        _("请求金额（元）"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    facts_encrypted = models.TextField(editable=False)
    agreement_encrypted = models.TextField(editable=False, blank=True)
    settled_amount = models.DecimalField(
        _("协议金额（元）"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    state = models.CharField(_("状态"), max_length=20, choices=State.choices, default=State.RECEIVED)
    state_on = models.DateField(_("办理日期"))
    outcome = models.CharField(_("调解结果"), max_length=14, choices=Outcome.choices, blank=True)
    outcome_on = models.DateField(_("调解结束日期"), null=True, blank=True)
    referred_to = models.CharField(_("调解不成后去向"), max_length=12, choices=Referral.choices, blank=True)
    confirmation = models.CharField(
        _("司法确认"), max_length=10, choices=Confirmation.choices, blank=True, default=Confirmation.NONE
    )
    confirmation_on = models.DateField(_("司法确认日期"), null=True, blank=True)
    # the running clock due first (a paused one cannot run out), kept by legal.clocks with every step
    # of a clock's life; the lists sort by it: past-due cases come first without a nightly job
    deadline = models.DateField(_("最近届满日"), default=NO_DEADLINE, editable=False)
    visibility = _case_visibility("mediator")

    class Meta:
        verbose_name = _("劳动争议调解")
        verbose_name_plural = _("劳动争议调解")
        ordering = ["-received_on", "-id"]
        indexes = [
            models.Index(fields=["org", "received_on"], name="dispute_org_date_idx"),
            # the list's order (legal.selectors.DISPUTE_KEYS), across a tree and for a mediator
            models.Index(fields=["deadline", "-received_on", "-id"], name="dispute_deadline_idx"),
            models.Index(
                fields=["mediator", "deadline", "-received_on", "-id"], name="dispute_mediator_deadline_idx"
            ),
        ]
        constraints = [
            # 调解成功 and everything after an outcome carry the outcome: no case closes without one
            models.CheckConstraint(
                name="dispute_outcome_recorded",
                condition=~Q(state__in=["succeeded", "failed", "arbitration", "litigation", "closed"])
                | ~Q(outcome=""),
            ),
        ]

    def __str__(self):
        return _("劳动争议 %(number)s") % {"number": self.number}

    @property
    def court_referred(self) -> bool:
        return self.source == self.Source.COURT


class DisputeBody(models.Model):
    """A body taking part in a mediation besides the parties: the court, the union, the
    human-resources bureau (人社), others."""

    class Kind(models.TextChoices):
        COURT = "court", _("法院")
        UNION = "union", _("工会")
        HR_BUREAU = "hr_bureau", _("人社部门")
        OTHER = "other", _("其他")

    dispute = models.ForeignKey(
        Dispute, verbose_name=_("劳动争议"), on_delete=models.CASCADE, related_name="bodies"
    )
    kind = models.CharField(_("类别"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("单位名称"), max_length=100)

    objects = ScopedQuerySet.as_manager()
    visibility = Visibility(tree="dispute__org__path", read=PARTS)

    class Meta:
        verbose_name = _("参与调解单位")
        verbose_name_plural = _("参与调解单位")
        ordering = ["dispute_id", "id"]

    def __str__(self):
        return f"{self.get_kind_display()}：{self.name}"


class CaseDocument(models.Model):
    """A document of a case file (an application, a pay slip, a contract, a minute), its text kept
    encrypted with the rest of the file."""

    aid_case = models.ForeignKey(
        AidCase, null=True, blank=True, on_delete=models.CASCADE, related_name="documents"
    )
    dispute = models.ForeignKey(
        Dispute, null=True, blank=True, on_delete=models.CASCADE, related_name="documents"
    )
    title = models.CharField(_("材料名称"), max_length=100)
    text_encrypted = models.TextField(editable=False)
    added_on = models.DateField(_("收到日期"))
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ScopedQuerySet.as_manager()
    visibility = Visibility(tree=("aid_case__org__path", "dispute__org__path"), read=PARTS)

    class Meta:
        verbose_name = _("案卷材料")
        verbose_name_plural = _("案卷材料")
        ordering = ["added_on", "id"]
        constraints = [
            models.CheckConstraint(
                name="document_of_one_case",
                condition=Q(aid_case__isnull=False, dispute__isnull=True)
                | Q(aid_case__isnull=True, dispute__isnull=False),
            ),
        ]

    def __str__(self):
        return self.title


class Unit(models.TextChoices):
    DAYS = "days", _("日")
    WORKDAYS = "workdays", _("工作日")


class Clock(models.Model):
    """A legal deadline of one case (see legal.clocks for the limits and how days are counted).

    due_on is kept current by legal.clocks whenever the clock starts, pauses, resumes or is
    extended; while a pause is open it is the day the clock would run out if it resumed today.
    """

    class Limit(models.TextChoices):
        AID_REVIEW = "aid_review", _("审查决定期限")
        AID_ASSIGN = "aid_assign", _("指派律师期限")
        DISPUTE_ACCEPT = "dispute_accept", _("受理期限")
        MEDIATION = "mediation", _("调解期限")

    aid_case = models.ForeignKey(
        AidCase, null=True, blank=True, on_delete=models.CASCADE, related_name="clocks"
    )
    dispute = models.ForeignKey(
        Dispute, null=True, blank=True, on_delete=models.CASCADE, related_name="clocks"
    )
    limit = models.CharField(_("期限"), max_length=16, choices=Limit.choices)
    unit = models.CharField(_("单位"), max_length=10, choices=Unit.choices)
    length = models.PositiveSmallIntegerField(_("期限长度"))
    extension = models.PositiveSmallIntegerField(_("延长"), default=0)
    started_on = models.DateField(_("起算日"))
    due_on = models.DateField(_("届满日"))
    stopped_on = models.DateField(_("结束日"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    visibility = Visibility(
        tree=("aid_case__org__path", "dispute__org__path"),
        read=PARTS,
    )

    class Meta:
        verbose_name = _("法定期限")
        verbose_name_plural = _("法定期限")
        ordering = ["started_on", "id"]
        constraints = [
            models.CheckConstraint(
                name="clock_of_one_case",
                condition=Q(aid_case__isnull=False, dispute__isnull=True)
                | Q(aid_case__isnull=True, dispute__isnull=False),
            ),
            models.UniqueConstraint(fields=["aid_case", "limit"], name="clock_once_per_aid_case"),
            models.UniqueConstraint(fields=["dispute", "limit"], name="clock_once_per_dispute"),
        ]
        indexes = [models.Index(fields=["stopped_on", "due_on"], name="clock_running_due_idx")]

    def __str__(self):
        return self.get_limit_display()


class ClockPause(models.Model):
    """A stretch during which the clock does not run (补充材料: from the request to the day it arrives)."""

    clock = models.ForeignKey(Clock, on_delete=models.CASCADE, related_name="pauses")
    started_on = models.DateField(_("中止日"))
    ended_on = models.DateField(_("恢复日"), null=True, blank=True)
    reason = models.CharField(_("中止原因"), max_length=200)

    objects = ScopedQuerySet.as_manager()
    visibility = Visibility(
        tree=("clock__aid_case__org__path", "clock__dispute__org__path"),
        read=PARTS,
    )

    class Meta:
        verbose_name = _("期限中止")
        verbose_name_plural = _("期限中止")
        ordering = ["clock_id", "started_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["clock"], condition=Q(ended_on__isnull=True), name="clock_one_open_pause"
            ),
        ]

    def __str__(self):
        return self.reason


class CaseEvent(StateHistory):
    """The history of a case: one row per move or recorded action (who, when, from, to, the note)."""

    consultation = models.ForeignKey(
        Consultation, null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    aid_case = models.ForeignKey(
        AidCase, null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    dispute = models.ForeignKey(
        Dispute, null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    action = models.CharField(_("办理事项"), max_length=30)
    on = models.DateField(_("办理日期"))

    objects = ScopedQuerySet.as_manager()
    visibility = Visibility(
        tree=("consultation__org__path", "aid_case__org__path", "dispute__org__path"),
        read=PARTS,
    )

    class Meta:
        verbose_name = _("办理记录")
        verbose_name_plural = _("办理记录")
        ordering = ["on", "at", "id"]
        constraints = [
            models.CheckConstraint(
                name="event_of_one_case",
                condition=Q(consultation__isnull=False, aid_case__isnull=True, dispute__isnull=True)
                | Q(consultation__isnull=True, aid_case__isnull=False, dispute__isnull=True)
                | Q(consultation__isnull=True, aid_case__isnull=True, dispute__isnull=False),
            ),
        ]

    def __str__(self):
        return f"{self.on} {self.action}"

    @property
    def label(self) -> str:
        from gonghui.core.registry import audit_actions

        entry = audit_actions.get(self.action)
        return entry.label if entry else self.action

    @property
    def states(self):
        return (Consultation if self.consultation_id else AidCase if self.aid_case_id else Dispute).State


class LegalMonth(models.Model):
    """The legal service in a month within an organisation's subtree, by the day a case was received:
    consultations asked, aid applications made, mediation applications received and, of those, what
    became of them (outcome, referral, not accepted) and whether their mediation ended within its
    limit. A roll-up kept by legal.services in the change's transaction, rebuilt by `gonghui
    rollups-rebuild` (gonghui.core.rollups, legal.rollups)."""

    organisation = models.ForeignKey("orgs.Organisation", on_delete=models.CASCADE, related_name="+")
    month = models.DateField()  # its first day
    consultations = models.IntegerField(default=0)
    aid_cases = models.IntegerField(default=0)
    disputes = models.IntegerField(default=0)
    concluded = models.IntegerField(default=0)  # with an outcome
    agreement = models.IntegerField(default=0)
    arbitration = models.IntegerField(default=0)
    litigation = models.IntegerField(default=0)
    not_accepted = models.IntegerField(default=0)
    mediations_ended = models.IntegerField(default=0)  # with an outcome and the mediation clock stopped
    mediations_in_time = models.IntegerField(default=0)  # of those, stopped by its due day

    objects = ScopedQuerySet.as_manager()
    visibility = Visibility(tree="organisation__path", union="organisation", read=OFFICER_REACH, write=())

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation", "month"], name="legal_month_unique")]

    def __str__(self):
        return f"{self.organisation_id} {self.month:%Y-%m}"
