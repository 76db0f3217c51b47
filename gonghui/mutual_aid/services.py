"""Writes of mutual aid: plans, group enrolments, claims and their moves, payments. Each checks its actor
before it changes anything (NotInScope otherwise) and is one transaction with its audit row.

A claim's life is CLAIM_MACHINE, moved by core's one transition function (gonghui.core.statemachine):
it locks the claim (so two officers acting at once cannot both move it), checks the move and who may
make it, records the step and the audit row. A payment is an insert into the append-only
ledger, whose unique constraint on the claim makes a second payment impossible.
"""

import re
from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gonghui.core import crypto
from gonghui.core.audit import audit_record
from gonghui.core.dates import not_future, term_end_for
from gonghui.core.errors import field_error
from gonghui.core.roles import Role
from gonghui.core.scope import NotInScope, scope_of
from gonghui.core.statemachine import Context, Machine, Move, Who, transition
from gonghui.core.uploads import validate_document
from gonghui.members.models import Membership, Person
from gonghui.mutual_aid import rollups, rules
from gonghui.mutual_aid.models import (
    COUNTED,
    Claim,
    ClaimDocument,
    ClaimStep,
    Enrolment,
    EnrolmentBatch,
    Invoice,
    LedgerEntry,
    Plan,
    Status,
)
from gonghui.orgs.models import Enterprise, Organisation

UNION, FEDERATION = "union", "federation"


_LEVEL_LABELS = {
    UNION: gettext_lazy("申请所在工会的干部"),
    FEDERATION: gettext_lazy("主办本计划的总工会工作人员"),
}
REASON = gettext_lazy("原因")


def _handler(level: str) -> Who:
    label = _LEVEL_LABELS[level]
    return Who(label, lambda scope, claim: _level_of(scope, claim) == level)


def _not_by_its_enterer(claim: Claim, context: Context) -> None:
    if claim.created_by_id == getattr(context.by, "pk", None):
        raise field_error("status", _("录入本申请的人不能审核、核定或驳回本申请，须由另一名干部办理"))


def _keep_reason(claim: Claim, context: Context) -> None:
    claim.reason = context.note


def _reject(*sources: str, level: str) -> Move:
    return Move(
        "mutual_aid.claim.reject",
        gettext_lazy("驳回"),
        sources,
        Status.REJECTED,
        _handler(level),
        reason=REASON,
        guard=_not_by_its_enterer,
        effect=_keep_reason,
    )


# The claim's state machine. Approvals (审核, 复核, 核定, 驳回) are never by the officer who entered it.
CLAIM_MACHINE = Machine(
    model=Claim,
    history=ClaimStep,
    subject="claim",
    state="status",
    field="status",
    noun=gettext_lazy("申请"),
    related=("plan", "enrolment", "person"),
    moves=(
        Move(
            "mutual_aid.claim.union_review",
            gettext_lazy("审核通过，报总工会复核"),
            (Status.SUBMITTED,),
            Status.UNION_REVIEWED,
            _handler(UNION),
            guard=_not_by_its_enterer,
        ),
        _reject(Status.SUBMITTED, level=UNION),
        Move(
            "mutual_aid.claim.resubmit",
            gettext_lazy("补充材料后重新提交"),
            (Status.RETURNED,),
            Status.SUBMITTED,
            _handler(UNION),
        ),
        Move(
            "mutual_aid.claim.federation_review",
            gettext_lazy("复核通过"),
            (Status.UNION_REVIEWED,),
            Status.FEDERATION_REVIEWED,
            _handler(FEDERATION),
            guard=_not_by_its_enterer,
        ),
        Move(
            "mutual_aid.claim.return",
            gettext_lazy("退回补充材料"),
            (Status.UNION_REVIEWED,),
            Status.RETURNED,
            _handler(FEDERATION),
            reason=REASON,
            effect=_keep_reason,
        ),
        _reject(Status.UNION_REVIEWED, Status.FEDERATION_REVIEWED, level=FEDERATION),
        Move(
            "mutual_aid.claim.set_amount",
            gettext_lazy("按规则核定金额"),
            (Status.FEDERATION_REVIEWED,),
            Status.AMOUNT_SET,
            _handler(FEDERATION),
            guard=_not_by_its_enterer,
        ),
        Move(
            "mutual_aid.claim.pay",
            gettext_lazy("登记支付"),
            (Status.AMOUNT_SET,),
            Status.PAID,
            _handler(FEDERATION),
        ),
        Move(
            "mutual_aid.claim.archive",
            gettext_lazy("归档"),
            (Status.PAID,),
            Status.ARCHIVED,
            _handler(FEDERATION),
        ),
    ),
)


def handles(user, claim: Claim) -> bool:
    """The claim's handlers: officers of its union and staff of the federation that runs its plan. Only
    they see its medical details and documents, and only they move it."""
    scope = scope_of(user)
    if scope.role == Role.UNION_ADMIN:
        return scope.organisation_id == claim.union_id
    if scope.role == Role.FEDERATION_STAFF:
        return scope.organisation_id == claim.plan.federation_id
    return False


def _level_of(user, claim: Claim) -> str | None:
    if not handles(user, claim):
        return None
    return UNION if scope_of(user).role == Role.UNION_ADMIN else FEDERATION


def moves_for(user, claim: Claim) -> list[Move]:
    """The moves this user may make on the claim now (the buttons of its page)."""
    scope = scope_of(user)
    return [
        m
        for m in CLAIM_MACHINE.moves_from(claim.status)
        if m.who.test(scope, claim)
        and not (m.guard is _not_by_its_enterer and claim.created_by_id == getattr(user, "pk", None))
    ]


# --- plans ---

PLAN_FIELDS = (
    "name",
    "kind",
    "renews",
    "starts_on",
    "term_years",
    "enrol_until",
    "premium_per_share",
    "max_shares",
    "daily_tiers",
    "fixed_sum",
    "cost_ratio",
    "claim_limit",
    "year_limit",
    "term_limit",
    "claims_per_year",
    "exclusion_days",
    "reduced_days",
    "reduced_ratio",
    "same_cause_months",
    "min_age",
    "max_age",
    "min_participation",
    "all_below_headcount",
)
MONEY_FIELDS = {
    "premium_per_share": gettext_lazy("每份会费"),
    "fixed_sum": gettext_lazy("定额给付"),
    "claim_limit": gettext_lazy("单次限额"),
    "year_limit": gettext_lazy("年度限额"),
    "term_limit": gettext_lazy("期内限额"),
}
RATIO_FIELDS = {
    "cost_ratio": gettext_lazy("自付费用给付比例"),
    "reduced_ratio": gettext_lazy("减责期给付比例"),
    "min_participation": gettext_lazy("最低参保比例"),
}


def _ratio(value, *, field: str, label) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        ratio = Decimal(str(value))
    except InvalidOperation:
        raise field_error(field, _("%(label)s不是有效的比例") % {"label": label}) from None
    if not ratio.is_finite() or not 0 <= ratio <= 1 or ratio != ratio.quantize(Decimal("0.001")):
        raise field_error(field, _("%(label)s须在0至1之间，最多三位小数（如0.8即80%%）") % {"label": label})
    return ratio


def _tiers(value) -> list[dict]:
    """Daily tiers as data: [{"from": 1, "to": 3, "amount": "0.00"}, {"from": 4, "to": None, …}], in
    order, without gaps or overlaps."""
    tiers, expected = [], 1
    for tier in value or []:
        low, high = tier.get("from"), tier.get("to")
        if (
            not isinstance(low, int)
            or low != expected
            or (high is not None and (not isinstance(high, int) or high < low))
        ):
            raise field_error(
                "daily_tiers", _("住院日津贴分段须从第1天起依次相接（如1-3:0、4-30:40、31-:50）")
            )
        amount = rules.money(tier.get("amount"), field="daily_tiers", label=_("每日津贴"))
        tiers.append({"from": low, "to": high, "amount": str(amount)})
        if high is None:
            expected = None
            break
        expected = high + 1
    if len(tiers) != len(value or []):
        raise field_error("daily_tiers", _("不设上限的分段（如31-）须是最后一段"))
    return tiers


def _plan_values(fields: dict) -> dict:
    values = dict(fields)
    for key, label in MONEY_FIELDS.items():
        if key in values:
            values[key] = rules.money(
                values[key], field=key, label=label, allow_none=key != "premium_per_share"
            )
    for key, label in RATIO_FIELDS.items():
        if key in values:
            ratio = _ratio(values[key], field=key, label=label)
            if ratio is None and key != "cost_ratio":  # unset: full liability, no minimum share
                ratio = Decimal(1) if key == "reduced_ratio" else Decimal(0)
            values[key] = ratio
    if "daily_tiers" in values:
        values["daily_tiers"] = _tiers(values["daily_tiers"])
    return values


def _check_plan(plan: Plan) -> None:
    if plan.term_years not in (1, 2, 3):
        raise field_error("term_years", _("保障期限为1至3年"))
    plan.ends_on = term_end_for(plan.starts_on, plan.term_years)
    if plan.enrol_until and plan.enrol_until > plan.ends_on:
        raise field_error("enrol_until", _("参保截止日期不能晚于保障终止日期%(d)s") % {"d": plan.ends_on})
    if plan.premium_per_share and plan.max_shares and plan.premium_per_share * plan.max_shares >= 10**8:
        raise field_error("max_shares", _("每人会费（每份会费×最多份数）不能超过一亿元"))
    if not (plan.daily_tiers or plan.fixed_sum or plan.cost_ratio):
        raise field_error("fixed_sum", _("请至少设定一种给付：住院日津贴、定额给付或自付费用比例"))
    if plan.renews_id is not None:
        if plan.renews.federation_id != plan.federation_id or plan.renews.kind != plan.kind:
            raise field_error("renews", _("续接的上期计划须是同一总工会、同一保障类型的计划"))
        if plan.renews.starts_on >= plan.starts_on:
            raise field_error("renews", _("续接的上期计划须早于本期开始"))
    plan.full_clean(exclude=["created_by"])


@transaction.atomic
def plan_create(*, federation: Organisation, by, **fields) -> Plan:
    """A draft plan of a federation the actor works for; published separately (plan_publish)."""
    scope_of(by).require("mutual_aid.plans")
    federation = Organisation.objects.writable_by(by).require(federation)
    if not federation.is_federation:
        raise field_error("federation", _("互助保障计划由总工会主办"))
    unknown = set(fields) - set(PLAN_FIELDS)
    if unknown:
        raise TypeError(f"unknown plan fields: {sorted(unknown)}")
    plan = Plan(
        federation=federation, created_by=by if getattr(by, "pk", None) else None, **_plan_values(fields)
    )
    if plan.renews_id is not None:
        Plan.objects.visible_to(by).require(plan.renews)
    _check_plan(plan)
    plan.save()
    audit_record(actor=by, action="mutual_aid.plan.create", obj=plan, detail={"kind": plan.kind})
    return plan


def _draft(plan: Plan, by) -> Plan:
    scope_of(by).require("mutual_aid.plans")
    plan = Plan.objects.writable_by(by).select_for_update().require(plan)
    if plan.is_published:
        raise field_error("status", _("已发布的计划不能修改；新一期请新建计划并续接本期"))
    return plan


@transaction.atomic
def plan_update(*, plan: Plan, by, **fields) -> Plan:
    plan = _draft(plan, by)
    unknown = set(fields) - set(PLAN_FIELDS)
    if unknown:
        raise TypeError(f"unknown plan fields: {sorted(unknown)}")
    for key, value in _plan_values(fields).items():
        setattr(plan, key, value)
    _check_plan(plan)
    plan.save()
    audit_record(actor=by, action="mutual_aid.plan.update", obj=plan, detail={"fields": sorted(fields)})
    return plan


@transaction.atomic
def plan_publish(*, plan: Plan, by) -> Plan:
    plan = _draft(plan, by)
    plan.status = Plan.Status.PUBLISHED
    plan.published_at = timezone.now()
    plan.save(update_fields=["status", "published_at"])
    audit_record(
        actor=by, action="mutual_aid.plan.publish", obj=plan, detail={"starts_on": plan.starts_on.isoformat()}
    )
    return plan


# --- enrolment ---


def eligible_staff(*, plan: Plan, enterprise: Enterprise, on: date):
    """Active memberships of the enterprise on the day whose age (in the plan's first year) the plan covers."""
    year = plan.starts_on.year
    return Membership.objects.active_on(on).filter(
        enterprise=enterprise,
        person__birth_year__gte=year - plan.max_age,
        person__birth_year__lte=year - plan.min_age,
    )


@transaction.atomic
def enrolment_create(
    *,
    plan: Plan,
    union: Organisation,
    enterprise: Enterprise,
    memberships: Sequence,
    shares: int,
    enrolled_on: date,
    by,
) -> EnrolmentBatch:
    """A union enrols staff of one of its enterprises in a published plan, as a group, with the fee total.

    The plan's participation rule is checked against the enterprise's eligible headcount (its active
    memberships whose age the plan covers): all of them below the plan's headcount line, otherwise at
    least its minimum share, counting those enrolled before. A member covered by the period this plan
    renews keeps their first day of cover (no new exclusion period).
    """
    scope_of(by).require("mutual_aid.enrol")
    union = Organisation.objects.writable_by(by).require(union)
    plan = Plan.objects.visible_to(by).require(plan)
    enterprise = Enterprise.objects.writable_by(by).require(enterprise)
    if enterprise.union_id != union.pk:
        raise field_error("enterprise", _("%(e)s不属于%(u)s") % {"e": enterprise, "u": union})
    if not plan.is_published:
        raise field_error("plan", _("计划尚未发布，不能参保"))
    if enrolled_on > plan.enrol_until:
        raise field_error(
            "enrolled_on", _("本计划参保截止于%(d)s，已不能参保") % {"d": plan.enrol_until.isoformat()}
        )
    not_future(enrolled_on, field="enrolled_on", label=_("参保日期"))
    if not isinstance(shares, int) or not 1 <= shares <= plan.max_shares:
        raise field_error("shares", _("每人可参保1至%(n)d份") % {"n": plan.max_shares})
    ids = {m.pk if hasattr(m, "pk") else int(m) for m in memberships}
    if not ids:
        raise field_error("memberships", _("请选择参保的会员"))
    chosen = list(
        Membership.objects.active_on(enrolled_on)
        .filter(pk__in=ids, union=union, enterprise=enterprise)
        .select_related("person")
    )
    if len(chosen) != len(ids):
        raise field_error("memberships", _("所选人员中有不是%(e)s在册会员的，请重新选择") % {"e": enterprise})
    year = plan.starts_on.year
    too_old_or_young = [
        m.person for m in chosen if not plan.min_age <= year - m.person.birth_year <= plan.max_age
    ]
    if too_old_or_young:
        raise field_error(
            "memberships",
            _("以下人员年龄不在本计划%(min)d至%(max)d岁的范围内：%(names)s")
            % {
                "min": plan.min_age,
                "max": plan.max_age,
                "names": "、".join(f"{p.name}（{year - p.birth_year}岁）" for p in too_old_or_young[:10]),
            },
        )
    people = [m.person_id for m in chosen]
    already = set(
        Enrolment.objects.filter(plan=plan, person_id__in=people).values_list("person_id", flat=True)
    )
    if already:
        names = [m.person.name for m in chosen if m.person_id in already]
        raise field_error(
            "memberships", _("以下人员已参加本计划：%(names)s") % {"names": "、".join(names[:10])}
        )
    headcount = eligible_staff(plan=plan, enterprise=enterprise, on=enrolled_on).count()
    before = Enrolment.objects.filter(plan=plan, batch__enterprise=enterprise).count()
    total = before + len(chosen)
    needed = rules.required_participants(plan, headcount)
    if total < needed:
        rule = (
            _("不足%(n)d人的企业须全员参保") % {"n": plan.all_below_headcount}
            if headcount < plan.all_below_headcount
            else _("须不少于%(p)s") % {"p": rules.percent(plan.min_participation)}
        )
        raise field_error(
            "memberships",
            _("%(e)s符合条件的职工%(h)d人，%(rule)s，即至少%(need)d人；本次后累计%(t)d人，不足")
            % {"e": enterprise, "h": headcount, "rule": rule, "need": needed, "t": total},
        )
    previous = {}
    if plan.renews_id is not None:
        previous = {
            e.person_id: e
            for e in Enrolment.objects.filter(
                plan_id=plan.renews_id,
                person_id__in=people,
                covered_until__gte=plan.starts_on - timedelta(days=1),
            )
        }
    fee = plan.premium_per_share * shares
    batch = EnrolmentBatch.objects.create(
        plan=plan,
        union=union,
        enterprise=enterprise,
        enrolled_on=enrolled_on,
        people=len(chosen),
        fee_total=fee * len(chosen),
        headcount=headcount,
        enrolled_total=total,
        created_by=by if getattr(by, "pk", None) else None,
    )
    rows = []
    for m in chosen:
        renewed = previous.get(m.person_id)
        covered_from, continuous_since = cover_for(plan, enrolled_on=enrolled_on, renewed=renewed)
        rows.append(
            Enrolment(
                batch=batch,
                plan=plan,
                person_id=m.person_id,
                union=union,
                shares=shares,
                fee=fee,
                covered_from=covered_from,
                covered_until=plan.ends_on,
                continuous_since=continuous_since,
                renewed_from=renewed,
            )
        )
    try:
        with transaction.atomic():
            Enrolment.objects.bulk_create(rows, batch_size=1000)
    except IntegrityError:
        raise field_error("memberships", _("所选人员中有人刚被登记参加本计划，请刷新后重试")) from None
    rollups.record_enrolments(union, [(r.covered_from, r.covered_until) for r in rows])
    audit_record(
        actor=by,
        action="mutual_aid.enrol",
        obj=batch,
        detail={
            "plan": plan.pk,
            "people": len(rows),
            "renewals": sum(1 for r in rows if r.renewed_from_id),
            "fee_total": str(batch.fee_total),
        },
    )
    return batch


# --- claims ---

INVOICE_RE = re.compile(r"^[0-9A-Za-z-]{6,40}$")
ACCOUNT_RE = re.compile(r"^\d{12,30}$")


def mask_account(account: str) -> str:
    """6222020200112233445 → 6222***********3445"""
    return f"{account[:4]}{'*' * (len(account) - 8)}{account[-4:]}"


def cover_for(plan: Plan, *, enrolled_on: date, renewed: Enrolment | None) -> tuple[date, date]:
    """(first day of cover, first day of unbroken cover): a renewal continues from the plan's start and
    keeps the first day of the cover it renews; a new enrolment starts on the plan's start or, when it
    comes later, on its own day."""
    if renewed is not None:
        return plan.starts_on, renewed.continuous_since
    covered_from = max(plan.starts_on, enrolled_on)
    return covered_from, covered_from


def cause_hash(code: str) -> str:
    return crypto.lookup_hash("mutual_aid.cause:" + code.strip().upper())


def _priors(enrolment: Enrolment, exclude_pk=None) -> list[rules.Prior]:
    qs = Claim.objects.filter(enrolment=enrolment, status__in=COUNTED)
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    return [
        rules.Prior(c.event_on, c.admitted_on, c.discharged_on, c.cause_hash, c.amount)
        for c in qs.only("event_on", "admitted_on", "discharged_on", "cause_hash", "amount")
    ]


def _facts(claim: Claim) -> rules.Facts:
    return rules.Facts(
        claim.event_on,
        claim.admitted_on,
        claim.discharged_on,
        claim.cause_hash,
        claim.total_cost,
        claim.insurance_paid,
    )


def assess_claim(claim: Claim) -> rules.Assessment:
    """The claim under its plan's rules, against the claims of its enrolment already decided."""
    return rules.assess(
        plan=claim.plan,
        enrolment=claim.enrolment,
        birth_year=claim.person.birth_year,
        facts=_facts(claim),
        priors=_priors(claim.enrolment, exclude_pk=claim.pk),
    )


def _text(value: str, *, field: str, label, max_length: int = 2000) -> str:
    value = (value or "").strip()
    if not value:
        raise field_error(field, _("请填写%(label)s") % {"label": label}, code="required")
    if len(value) > max_length:
        raise field_error(field, _("%(label)s不能超过%(n)d字") % {"label": label, "n": max_length})
    return value


def _documents(documents: Sequence[UploadedFile], *, required: bool) -> list[UploadedFile]:
    documents = list(documents or [])
    if required and not documents:
        raise field_error(
            "documents", _("请上传申请材料（诊断证明、出院小结、发票、银行卡）"), code="required"
        )
    for upload in documents:
        validate_document(upload)
    return documents


def _attach(claim: Claim, documents: Sequence[UploadedFile], by) -> None:
    for upload in documents:
        document = ClaimDocument(
            claim=claim, name=(upload.name or "")[:200], size=upload.size, added_by=_user(by)
        )
        document.file.save(upload.name, upload, save=False)
        document.save()


def _user(by):
    return by if getattr(by, "pk", None) else None


def _invoices(numbers: Sequence[str], by) -> list[str]:
    cleaned = []
    for number in numbers or []:
        number = (number or "").strip().upper()
        if not number:
            continue
        if not INVOICE_RE.fullmatch(number):
            raise field_error(
                "invoices", _("发票号码「%(n)s」格式不正确（6至40位数字或字母）") % {"n": number}
            )
        if number in cleaned:
            raise field_error("invoices", _("发票号码「%(n)s」重复填写") % {"n": number})
        cleaned.append(number)
    if not cleaned:
        raise field_error("invoices", _("请填写医疗发票号码"), code="required")
    claimed = Invoice.objects.filter(number__in=cleaned).select_related("claim").first()
    if claimed is not None:
        seen = Claim.objects.visible_to(by).filter(pk=claimed.claim_id).exists()
        where = _("（申请%(c)s）") % {"c": claimed.claim.number} if seen else ""
        if claimed.claim.status == Status.REJECTED:
            raise field_error(
                "invoices",
                _("发票号码「%(n)s」所属的申请%(where)s已被驳回，驳回的申请不能再次提交")
                % {"n": claimed.number, "where": where},
            )
        raise field_error(
            "invoices",
            _("发票号码「%(n)s」已申报过%(where)s，不能重复申报") % {"n": claimed.number, "where": where},
        )
    return cleaned


def _check_against_other_claims(claim: Claim) -> None:
    others = Claim.objects.filter(person=claim.person, plan=claim.plan)
    rejected = others.filter(status=Status.REJECTED, event_on=claim.event_on).first()
    if rejected is not None:
        raise field_error(
            "event_on",
            _("该会员%(d)s出险的申请%(c)s已被驳回（%(r)s），不能再次提交")
            % {"d": claim.event_on, "c": rejected.number, "r": rejected.reason},
        )
    if claim.admitted_on is not None:
        overlap = (
            others.exclude(status=Status.REJECTED)
            .filter(admitted_on__lte=claim.discharged_on, discharged_on__gte=claim.admitted_on)
            .first()
        )
        if overlap is not None:
            raise field_error(
                "admitted_on",
                _("住院期间与该会员的申请%(c)s（%(a)s至%(b)s，%(s)s）重叠")
                % {
                    "c": overlap.number,
                    "a": overlap.admitted_on,
                    "b": overlap.discharged_on,
                    "s": overlap.get_status_display(),
                },
            )


@transaction.atomic
def claim_submit(
    *,
    plan: Plan,
    person: Person,
    event_on: date,
    cause_code: str,
    diagnosis: str,
    hospital: str,
    stay: str,
    total_cost,
    insurance_paid,
    invoices: Sequence[str],
    account_name: str,
    account_number: str,
    bank: str,
    consent: bool,
    consent_on: date | None,
    documents: Sequence[UploadedFile],
    by,
    admitted_on: date | None = None,
    discharged_on: date | None = None,
    filed_on: date | None = None,
) -> Claim:
    """申请: a union officer files a claim for an enrolled member, with the documents and the member's
    recorded consent to the processing of their medical data (PIPL art. 29). Refused when the rules
    would pay nothing (not covered that day, inside the exclusion period, limits reached), for an
    invoice already claimed, a stay overlapping another claim, or an event whose claim was refused."""
    scope_of(by).require("mutual_aid.file")
    person = Person.objects.visible_to(by).require(person)
    plan = Plan.objects.visible_to(by).require(plan)
    enrolment = (
        Enrolment.objects.writable_by(by).filter(plan=plan, person=person).select_related("plan").first()
    )
    if enrolment is None:
        raise field_error(
            "person", _("%(name)s未由本工会参加%(plan)s，不能申请") % {"name": person.name, "plan": plan}
        )
    filed_on = filed_on or timezone.localdate()
    not_future(filed_on, field="filed_on", label=_("申请日期"))
    not_future(event_on, field="event_on", label=_("出险日期"))
    if plan.daily_tiers and (admitted_on is None or discharged_on is None):
        raise field_error("admitted_on", _("住院医疗须填写入院和出院日期"), code="required")
    if (admitted_on is None) != (discharged_on is None):
        raise field_error("discharged_on", _("入院和出院日期须同时填写"))
    if admitted_on is not None:
        if discharged_on < admitted_on:
            raise field_error("discharged_on", _("出院日期不能早于入院日期"))
        not_future(discharged_on, field="discharged_on", label=_("出院日期"))
        if event_on > discharged_on:
            raise field_error("event_on", _("出险日期不能晚于出院日期"))
    total = rules.money(total_cost, field="total_cost", label=_("医疗总费用"))
    insured = rules.money(insurance_paid, field="insurance_paid", label=_("医保报销"))
    if insured > total:
        raise field_error("insurance_paid", _("医保报销不能超过医疗总费用"))
    if not consent or consent_on is None:
        raise field_error(
            "consent",
            _("须取得会员本人同意处理其医疗健康信息（《个人信息保护法》第二十九条）并记录同意日期"),
            code="required",
        )
    not_future(consent_on, field="consent_on", label=_("本人同意日期"))
    code = _text(cause_code, field="cause_code", label=_("病因编码"), max_length=20)
    account_name = (account_name or "").strip()
    if account_name != person.name:
        raise field_error(
            "account_name", _("互助金只付至会员本人账户：收款人须为%(name)s本人") % {"name": person.name}
        )
    account = re.sub(r"\s", "", account_number or "")
    if not ACCOUNT_RE.fullmatch(account):
        raise field_error("account_number", _("银行账号应为12至30位数字"))
    claim = Claim(
        enrolment=enrolment,
        plan=plan,
        person=person,
        union=enrolment.union,
        filed_on=filed_on,
        event_on=event_on,
        admitted_on=admitted_on,
        discharged_on=discharged_on,
        cause_hash=cause_hash(code),
        total_cost=total,
        insurance_paid=insured,
        diagnosis_encrypted=crypto.encrypt(_text(diagnosis, field="diagnosis", label=_("诊断"))),
        hospital_encrypted=crypto.encrypt(_text(hospital, field="hospital", label=_("医院"), max_length=200)),
        stay_encrypted=crypto.encrypt((stay or "").strip()),
        account_encrypted=crypto.encrypt(account),
        account_masked=mask_account(account),
        bank=_text(bank, field="bank", label=_("开户银行"), max_length=100),
        consent_on=consent_on,
        created_by=by,
    )
    numbers = _invoices(invoices, by)
    documents = _documents(documents, required=True)
    _check_against_other_claims(claim)
    outcome = rules.assess(
        plan=plan,
        enrolment=enrolment,
        birth_year=person.birth_year,
        facts=_facts(claim),
        priors=_priors(enrolment),
    )
    if outcome.refusal:
        raise field_error(outcome.refused_field, outcome.refusal)
    claim.save()
    try:
        with transaction.atomic():
            Invoice.objects.bulk_create([Invoice(claim=claim, number=n) for n in numbers])
    except IntegrityError:
        raise field_error("invoices", _("发票号码刚被另一申请申报，请核对")) from None
    rollups.record_claim(claim)
    _attach(claim, documents, by)
    ClaimStep.objects.create(claim=claim, to_state=Status.SUBMITTED, by=_user(by), by_name=by.get_username())
    audit_record(
        actor=by,
        action="mutual_aid.claim.submit",
        obj=claim,
        detail={
            "plan": plan.pk,
            "invoices": len(numbers),
            "documents": len(documents),
            "consent_on": consent_on.isoformat(),
        },
    )
    return claim


def _transition(claim: Claim, to: str, by, *, note: str = "", **changes) -> Claim:
    """A claim's move through CLAIM_MACHINE, the claim locked while it is checked and changed."""
    note = (note or "").strip()
    claim, _step = transition(
        CLAIM_MACHINE,
        claim,
        to,
        by=by,
        note=note,
        changes={"changed_at": timezone.now(), **changes},
        audit_detail={"note": note} if note else None,
    )
    return claim


PLAIN_MOVES = (
    Status.UNION_REVIEWED,
    Status.FEDERATION_REVIEWED,
    Status.RETURNED,
    Status.REJECTED,
    Status.ARCHIVED,
)


@transaction.atomic
def claim_move(*, claim: Claim, to: str, by, note: str = "") -> Claim:
    """基层工会审核, 总工会复核, 退回补充材料, 驳回 (with the reason), 归档."""
    if to not in PLAIN_MOVES:
        raise field_error("status", _("这一步请使用对应的办理功能"))
    return _transition(claim, to, by, note=note)


@transaction.atomic
def claim_resubmit(*, claim: Claim, by, documents: Sequence[UploadedFile] = (), note: str = "") -> Claim:
    """补充材料: the union adds what the federation asked for and submits the claim again."""
    documents = _documents(documents, required=True)
    claim = _transition(claim, Status.SUBMITTED, by, note=note)
    _attach(claim, documents, by)
    return claim


@transaction.atomic
def claim_set_amount(*, claim: Claim, by, note: str = "") -> Claim:
    """核定: the amount computed by the plan's rules, one line per rule, against the claims of the same
    enrolment already decided (their row is locked, so two decisions at once cannot pass a limit)."""
    visible = Claim.objects.writable_by(by).require(claim)
    Enrolment.objects.select_for_update().get(pk=visible.enrolment_id)
    outcome = assess_claim(Claim.objects.select_related("plan", "enrolment", "person").get(pk=visible.pk))
    if outcome.refusal:
        raise field_error("status", _("%(why)s；请驳回本申请") % {"why": outcome.refusal})
    return _transition(
        claim,
        Status.AMOUNT_SET,
        by,
        note=note,
        amount=outcome.amount,
        computation=outcome.lines,
    )


@transaction.atomic
def claim_pay(*, claim: Claim, paid_on: date, reference: str, by) -> LedgerEntry:
    """已支付: the set amount paid to the member's own account, one ledger entry. A claim is paid once:
    the state changes only from 已核定, and the ledger holds one entry per claim (unique constraint)."""
    reference = _text(reference, field="reference", label=_("银行流水号"), max_length=64)
    current = Claim.objects.writable_by(by).select_for_update(of=("self",)).require(claim)
    if current.status in (Status.PAID, Status.ARCHIVED):
        raise field_error("status", _("申请%(c)s已支付，不能重复支付") % {"c": current.number})
    if paid_on is None:
        raise field_error("paid_on", _("请填写支付日期"), code="required")
    not_future(paid_on, field="paid_on", label=_("支付日期"))
    set_on = timezone.localdate(current.changed_at)
    if current.status == Status.AMOUNT_SET and paid_on < set_on:
        raise field_error("paid_on", _("支付日期不能早于核定日期%(d)s") % {"d": set_on.isoformat()})
    claim = _transition(claim, Status.PAID, by, note=reference)
    try:
        with transaction.atomic():
            entry = LedgerEntry.objects.create(
                claim=claim,
                plan_id=claim.plan_id,
                person_id=claim.person_id,
                union_id=claim.union_id,
                amount=claim.amount,
                paid_on=paid_on,
                reference=reference,
                account_masked=claim.account_masked,
                recorded_by=_user(by),
            )
    except IntegrityError:
        raise field_error("status", _("申请%(c)s已支付，不能重复支付") % {"c": claim.number}) from None
    rollups.record_payment(entry, claim.filed_on)
    return entry


# --- sensitive reads ---


def _handled(claim: Claim, by) -> Claim:
    claim = Claim.objects.visible_to(by).select_related("plan").require(claim)
    if not handles(by, claim):
        raise NotInScope
    return claim


@transaction.atomic
def claim_medical_details(*, claim: Claim, by) -> dict:
    """The claim's medical details and bank account, for its handlers only; each view is audited."""
    claim = _handled(claim, by)
    audit_record(actor=by, action="mutual_aid.claim.view_medical", obj=claim)
    return {
        "diagnosis": crypto.decrypt(claim.diagnosis_encrypted),
        "hospital": crypto.decrypt(claim.hospital_encrypted),
        "stay": crypto.decrypt(claim.stay_encrypted),
        "account": crypto.decrypt(claim.account_encrypted),
    }


@transaction.atomic
def document_open(*, document: ClaimDocument, by):
    """A claim document's file, for the claim's handlers only; each opening is audited."""
    document = ClaimDocument.objects.visible_to(by).require(document)
    _handled(document.claim, by)
    audit_record(
        actor=by, action="mutual_aid.document.open", obj=document, detail={"claim": document.claim_id}
    )
    return document.file.open("rb")


def not_a_member_error():
    return ValidationError({"person": _("未找到该会员：请填写本工会会员的公民身份号码或会员证号")})
