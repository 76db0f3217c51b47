"""Writes of the legal service: the lawyer team, consultations, legal aid, mediations, and the
reads of case files (each audited).

Every service checks its actor first (the scoped queryset's writable_by, or the worker's own
person), then writes the change, the case's history and the audit row in one transaction; a move
that is refused saves nothing. case_advance moves the three workflows through core's one transition
function (their moves are data in legal.workflow).
"""

from contextlib import nullcontext
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gonghui.accounts.models import User
from gonghui.core import crypto
from gonghui.core.audit import audit_record
from gonghui.core.dates import not_future
from gonghui.core.errors import field_error
from gonghui.core.pdf import render_pdf
from gonghui.core.roles import Role
from gonghui.core.scope import NotInScope, scope_of
from gonghui.core.statemachine import Context, Machine, transition
from gonghui.legal import clocks, rollups
from gonghui.legal.models import (
    AidCase,
    CaseDocument,
    CaseEvent,
    Channel,
    Clock,
    Consultation,
    Dispute,
    DisputeBody,
    Lawyer,
    Topic,
)
from gonghui.legal.workflow import MOVES, no_outcome
from gonghui.members.models import Membership, Person
from gonghui.orgs.models import Enterprise, Organisation

CENT = Decimal("0.01")
LAWYER_FIELDS = ("name", "firm", "licence_number", "phone", "specialities", "term_start", "term_end")


def _required_text(value: str, field: str, label: str) -> str:
    value = (value or "").strip()
    if not value:
        raise field_error(field, _("请填写%(label)s") % {"label": label})
    return value


def _amount(value, field: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        value = Decimal(str(value))
    except InvalidOperation:
        raise field_error(field, _("金额须为不小于0、最多两位小数的数")) from None
    if not value.is_finite() or value < 0 or value != value.quantize(CENT):
        raise field_error(field, _("金额须为不小于0、最多两位小数的数"))
    return value


def _writable_org(org: Organisation, by) -> Organisation:
    return Organisation.objects.writable_by(by).require(org)


def _case_field(case) -> str:
    return {Consultation: "consultation", AidCase: "aid_case", Dispute: "dispute"}[type(case)]


def _event(case, *, action: str, from_state: str, on: date, by, note: str = "") -> CaseEvent:
    return CaseEvent.objects.create(
        **{_case_field(case): case},
        action=action,
        from_state=from_state,
        to_state=case.state,
        on=on,
        by=None if getattr(by, "pk", None) is None else by,
        by_name=by.get_username(),
        note=note,
    )


def _next_number(model, prefix: str, year: int) -> str:
    start = f"{prefix}{year}-"
    last = model.objects.filter(number__startswith=start).order_by("-number").values_list("number", flat=True)
    n = int(last[0][len(start) :]) + 1 if last else 1
    return f"{start}{n:04d}"


# ---- the lawyer team ------------------------------------------------------------------------------


def _check_lawyer_fields(lawyer: Lawyer) -> None:
    unknown = set(lawyer.specialities) - set(Lawyer.Speciality.values)
    if unknown:
        raise field_error("specialities", _("未知的擅长领域：%(s)s") % {"s": "、".join(sorted(unknown))})
    if lawyer.term_end < lawyer.term_start:
        raise field_error("term_end", _("聘期结束不能早于聘期开始"))
    lawyer.full_clean()


@transaction.atomic
def lawyer_create(
    *,
    user: User,
    name: str,
    firm: str,
    licence_number: str,
    engaged_by: Organisation,
    term_start: date,
    term_end: date,
    by,
    specialities=(),
    phone: str = "",
) -> Lawyer:
    """A lawyer engaged by an organisation the actor acts for, linked to a sign-in with the lawyer role."""
    engaged_by = _writable_org(engaged_by, by)
    if user.role != Role.LAWYER:
        raise field_error("user", _("该账号的角色不是律师"))
    if Lawyer.objects.filter(user=user).exists():
        raise field_error("user", _("该账号已登记为律师"))
    lawyer = Lawyer(
        user=user,
        name=name.strip(),
        firm=firm.strip(),
        licence_number=licence_number.strip(),
        phone=phone.strip(),
        specialities=list(specialities),
        engaged_by=engaged_by,
        term_start=term_start,
        term_end=term_end,
    )
    _check_lawyer_fields(lawyer)
    lawyer.save()
    audit_record(actor=by, action="lawyer.create", obj=lawyer, detail={"engaged_by": engaged_by.code})
    return lawyer


@transaction.atomic
def lawyer_update(*, lawyer: Lawyer, by, **changes) -> Lawyer:
    """Changes a lawyer's details or term; only the organisation that engaged them may."""
    lawyer = Lawyer.objects.writable_by(by).select_related("engaged_by").require(lawyer)
    _writable_org(lawyer.engaged_by, by)
    if unknown := set(changes) - set(LAWYER_FIELDS):
        raise ValueError(f"not a lawyer field: {sorted(unknown)}")
    for name, value in changes.items():
        setattr(lawyer, name, list(value) if name == "specialities" else value)
    _check_lawyer_fields(lawyer)
    lawyer.save(update_fields=list(changes))
    audit_record(actor=by, action="lawyer.update", obj=lawyer, detail={"fields": sorted(changes)})
    return lawyer


def _lawyer_for(lawyer: Lawyer, *, by, on: date, field: str = "lawyer") -> Lawyer:
    try:
        lawyer = Lawyer.objects.visible_to(by).require(lawyer)
    except NotInScope:
        raise field_error(field, _("请选择本单位或上级总工会聘请的律师")) from None
    if not lawyer.in_term_on(on):
        raise field_error(
            field,
            _("%(name)s的聘期为%(start)s至%(end)s，%(on)s不在聘期内")
            % {"name": lawyer.name, "start": lawyer.term_start, "end": lawyer.term_end, "on": on},
        )
    return lawyer


# ---- opening cases --------------------------------------------------------------------------------


def _person_for(person: Person, by) -> Person:
    try:
        return Person.objects.visible_to(by).require(person)
    except NotInScope:
        raise field_error("person", _("请选择本单位（或辖区内）的会员")) from None


@transaction.atomic
def consultation_record(
    *,
    org: Organisation,
    person: Person,
    channel: str,
    topic: str,
    asked_on: date,
    question: str,
    by,
    lawyer: Lawyer | None = None,
    outcome: str = "",
    answer: str = "",
) -> Consultation:
    """A consultation taken by an officer (or a lawyer of the team, through an officer's record);
    with an outcome it is answered at once."""
    org = _writable_org(org, by)
    person = _person_for(person, by)
    not_future(asked_on, field="asked_on", label=_("咨询日期"))
    consultation = Consultation(
        org=org,
        person=person,
        channel=channel,
        topic=topic,
        asked_on=asked_on,
        question_encrypted=crypto.encrypt(_required_text(question, "question", _("咨询内容"))),
        lawyer=_lawyer_for(lawyer, by=by, on=asked_on) if lawyer else None,
        created_by=_user_or_none(by),
    )
    consultation.full_clean(exclude=["question_encrypted", "answer_encrypted"])
    consultation.save()
    _event(consultation, action="consultation.record", from_state="", on=asked_on, by=by)
    rollups.record_case(consultation)
    audit_record(actor=by, action="consultation.record", obj=consultation, detail={"topic": topic})
    if outcome:
        case_advance(
            case=consultation, action="consultation.answer", by=by, on=asked_on, outcome=outcome, text=answer
        )
        consultation.refresh_from_db()
    return consultation


@transaction.atomic
def consultation_request(*, person: Person, topic: str, question: str, by) -> Consultation:
    """A worker asks for legal advice for themself (self-service): filed with their union."""
    if scope_of(by).role != Role.WORKER or getattr(by, "person_id", None) != person.pk:
        raise NotInScope
    membership = Membership.objects.active().filter(person=person).select_related("union").first()
    if membership is None:
        raise ValidationError(_("您目前没有在册的工会会籍，请拨打职工服务热线12351咨询"))
    if topic not in Topic.values:
        raise field_error("topic", _("请选择咨询事项"))
    today = timezone.localdate()
    consultation = Consultation.objects.create(
        org=membership.union,
        person=person,
        channel=Channel.ONLINE,
        topic=topic,
        asked_on=today,
        question_encrypted=crypto.encrypt(_required_text(question, "question", _("咨询内容"))),
        created_by=by,
    )
    _event(consultation, action="consultation.request", from_state="", on=today, by=by)
    rollups.record_case(consultation)
    audit_record(actor=by, action="consultation.request", obj=consultation, detail={"topic": topic})
    return consultation


@transaction.atomic
def aid_apply(*, org: Organisation, person: Person, topic: str, applied_on: date, facts: str, by) -> AidCase:
    """A legal-aid application received on applied_on: the 7-day review clock starts from it."""
    org = _writable_org(org, by)
    person = _person_for(person, by)
    not_future(applied_on, field="applied_on", label=_("申请日期"))
    case = AidCase(
        number=_next_number(AidCase, "援", applied_on.year),
        org=org,
        person=person,
        topic=topic,
        applied_on=applied_on,
        state_on=applied_on,
        facts_encrypted=crypto.encrypt(_required_text(facts, "facts", _("案情"))),
        created_by=_user_or_none(by),
    )
    case.full_clean(exclude=["facts_encrypted", "report_encrypted"])
    case.save()
    clocks.start(case=case, limit=Clock.Limit.AID_REVIEW, on=applied_on)
    _event(case, action="aid.apply", from_state="", on=applied_on, by=by)
    rollups.record_case(case)
    audit_record(actor=by, action="aid.apply", obj=case, detail={"topic": topic})
    return case


@transaction.atomic
def dispute_receive(
    *,
    org: Organisation,
    person: Person,
    employer_name: str,
    topic: str,
    received_on: date,
    facts: str,
    by,
    employer: Enterprise | None = None,
    source: str = Dispute.Source.APPLICATION,
    court: str = "",
    court_case_number: str = "",
    claim_amount=None,
    bodies=(),
) -> Dispute:
    """A mediation application (or a court's referral) received on received_on: the acceptance clock
    (3 working days) and the 15-day mediation clock start from it."""
    org = _writable_org(org, by)
    person = _person_for(person, by)
    not_future(received_on, field="received_on", label=_("收到申请日期"))
    if employer is not None:
        employer_name = employer_name or employer.name
    if source == Dispute.Source.COURT and not court.strip():
        raise field_error("court", _("法院委托调解的案件请填写委托法院"))
    dispute = Dispute(
        number=_next_number(Dispute, "调", received_on.year),
        org=org,
        person=person,
        employer=employer,
        employer_name=_required_text(employer_name, "employer_name", _("用人单位名称")),
        topic=topic,
        source=source,
        court=court.strip(),
        court_case_number=court_case_number.strip(),
        received_on=received_on,
        state_on=received_on,
        claim_amount=_amount(claim_amount, "claim_amount"),
        facts_encrypted=crypto.encrypt(_required_text(facts, "facts", _("争议事实"))),
        created_by=_user_or_none(by),
    )
    dispute.full_clean(exclude=["facts_encrypted", "agreement_encrypted"])
    dispute.save()
    body_rows = [
        DisputeBody(dispute=dispute, kind=kind, name=name.strip()) for kind, name in bodies if name.strip()
    ]
    for body in body_rows:
        body.full_clean(exclude=["dispute"])
    DisputeBody.objects.bulk_create(body_rows)
    clocks.start(case=dispute, limit=Clock.Limit.DISPUTE_ACCEPT, on=received_on)
    clocks.start(case=dispute, limit=Clock.Limit.MEDIATION, on=received_on)
    _event(dispute, action="dispute.receive", from_state="", on=received_on, by=by)
    rollups.record_dispute(dispute)
    audit_record(actor=by, action="dispute.receive", obj=dispute, detail={"source": source})
    return dispute


def _user_or_none(by):
    return by if isinstance(by, User) else None


# ---- moving a case along its workflow -------------------------------------------------------------


def _check_on(case, on: date) -> None:
    not_future(on, field="on", label=_("办理日期"))
    last = case.asked_on if isinstance(case, Consultation) else case.state_on
    if on < last:
        raise field_error("on", _("办理日期不能早于上一步骤的日期%(d)s") % {"d": last})


def _check_asks(case, context: Context) -> None:
    """The day, and what the move asks for (legal.workflow.Move.asks), checked and read into the
    context's data; the history's note says what was decided when no note is given."""
    _check_on(case, context.on)
    move, data, by = context.move, context.data, context.by
    data["note"] = context.note
    for field_name, label in move.required.items():
        if not data.get(field_name):
            raise field_error(field_name, _("请填写%(label)s") % {"label": label})
    lawyer, amount = data.pop("lawyer"), data.pop("amount")
    if "lawyer" in move.asks and lawyer is not None:
        data["lawyer"] = _lawyer_for(lawyer, by=by, on=context.on)
    if "amount" in move.asks:
        data["amount"] = _amount(amount, "amount")
    if "outcome" in move.asks and data["outcome"] not in Consultation.Outcome.values:
        raise field_error("outcome", _("请选择处理结果"))
    if "confirmation" in move.asks and data["confirmation"] not in Dispute.Confirmation.values[1:]:
        raise field_error("confirmation", _("请选择司法确认情况"))
    if "days" in move.asks and not isinstance(data["days"], int):
        raise field_error("days", _("请填写延长天数"))
    if not context.note:
        context.history["note"] = _summary(data)


MACHINES = {
    model: Machine(
        model=model,
        history=CaseEvent,
        subject=subject,
        moves=MOVES[model].values(),
        noun=gettext_lazy("案件"),
        guard=_check_asks,
        explain=no_outcome,
    )
    for model, subject in ((AidCase, "aid_case"), (Dispute, "dispute"), (Consultation, "consultation"))
}


@transaction.atomic
def case_advance(
    *,
    case,
    action: str,
    by,
    on: date,
    note: str = "",
    lawyer: Lawyer | None = None,
    text: str = "",
    outcome: str = "",
    days: int | None = None,
    amount=None,
    confirmation: str = "",
) -> object:
    """Makes one move of a case's workflow (legal.workflow.MOVES) through core's transition: checks the
    actor reaches the case and may make the move from its state, validates what the move asks, applies
    its effect on the clocks, records the history and the audit row, and keeps a dispute's roll-up
    rows (legal.rollups). Anything refused saves nothing."""
    with rollups.dispute_changing(case) if isinstance(case, Dispute) else nullcontext():
        case, _event_row = transition(
            MACHINES[type(case)],
            case,
            action,
            by=by,
            on=on,
            note=note,
            data={
                "text": (text or "").strip(),
                "outcome": outcome,
                "days": days,
                "confirmation": confirmation,
                "lawyer": lawyer,
                "amount": amount,
            },
            changes={"state_on": on} if hasattr(case, "state_on") else None,
            history={"action": action, "on": on},
        )
    return case


def _summary(data: dict) -> str:
    if data.get("lawyer"):
        return str(data["lawyer"])
    if data.get("days"):
        return _("延长%(n)d日") % {"n": data["days"]}
    if data.get("confirmation"):
        return str(Dispute.Confirmation(data["confirmation"]).label)
    return ""


@transaction.atomic
def case_document_add(*, case, title: str, text: str, on: date, by) -> CaseDocument:
    """Adds a document's text to the case file of a legal-aid case or a mediation."""
    scope_of(by).require("legal.case_files")
    case = type(case).objects.writable_by(by).require(case)
    not_future(on, field="on", label=_("收到日期"))
    document = CaseDocument(
        **{_case_field(case): case},
        title=_required_text(title, "title", _("材料名称")),
        text_encrypted=crypto.encrypt(_required_text(text, "text", _("材料内容"))),
        added_on=on,
        added_by=_user_or_none(by),
    )
    document.save()
    _event(case, action="legal.document_add", from_state=case.state, on=on, by=by, note=document.title)
    audit_record(actor=by, action="legal.document_add", obj=case, detail={"document": document.pk})
    return document


# ---- reading a case file ----------------------------------------------------------------------------


def _file_fields(case) -> list[tuple[str, str]]:
    if isinstance(case, Consultation):
        return [(_("咨询内容"), case.question_encrypted), (_("答复意见"), case.answer_encrypted)]
    if isinstance(case, AidCase):
        return [(_("案情"), case.facts_encrypted), (_("结案报告"), case.report_encrypted)]
    return [(_("争议事实"), case.facts_encrypted), (_("调解协议"), case.agreement_encrypted)]


@transaction.atomic
def case_file_read(*, case, by) -> list[tuple[str, str]]:
    """The case file in clear, for those who handle the case; each reading is audited."""
    scope = scope_of(by)
    scope.require("legal.case_files")
    case = type(case).objects.visible_to(by).require(case)
    audit_record(actor=by, action="legal.file_view", obj=case)
    parts = [(label, crypto.decrypt(token)) for label, token in _file_fields(case) if token]
    if not isinstance(case, Consultation):
        parts += [
            (f"{d.title}（{d.added_on}）", crypto.decrypt(d.text_encrypted)) for d in case.documents.all()
        ]
    return parts


@transaction.atomic
def feedback_letter(*, dispute: Dispute, by) -> bytes:
    """委托调解反馈函: the mediation's result reported to the court that referred the case (PDF)."""
    scope_of(by).require("legal.case_files")
    dispute = Dispute.objects.visible_to(by).select_related("org", "person", "mediator").require(dispute)
    if not dispute.court_referred:
        raise ValidationError(_("只有法院委托调解的案件才出具委托调解反馈函"))
    if not dispute.outcome:
        raise ValidationError(_("调解尚无结果，暂不能出具反馈函"))
    audit_record(actor=by, action="dispute.letter", obj=dispute)
    agreement = crypto.decrypt(dispute.agreement_encrypted) if dispute.agreement_encrypted else ""
    mediation = dispute.clocks.get(limit=Clock.Limit.MEDIATION)
    return render_pdf(
        "legal/feedback_letter.pdf.html",
        {
            "dispute": dispute,
            "agreement": agreement,
            "clock": clocks.read(mediation),
            "today": timezone.localdate(),
        },
    )
