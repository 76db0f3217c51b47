"""The three case workflows as data (one core Machine each): which move leads from which states to
which, who may make it, what it asks for, and what it does to the case's clocks. legal.services.
case_advance applies a move through core's one transition function.

Who: 总工会 staff (STAFF) decide on legal aid, as the legal-aid body; a union admin (UNION) files
applications and runs the mediations of its mediation committee; the lawyer assigned to a case
(ASSIGNED) records its handling. A platform operator's system actor (demo, commands) may make any
move.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from gonghui.core import crypto, statemachine
from gonghui.core.roles import Role
from gonghui.legal import clocks
from gonghui.legal.models import AidCase, Clock, Consultation, Dispute

STAFF, UNION, ASSIGNED = "staff", "union", "assigned"


@dataclass(frozen=True)
class Move(statemachine.Move):
    actors: frozenset[str] = frozenset()
    asks: tuple[str, ...] = ()  # the form's fields: lawyer, note, text, outcome, days, amount, confirmation
    required: dict[str, str] = field(default_factory=dict)  # field → what it must say


def _move(action, label, sources, target, actors, asks=(), required=None, effect=None, guard=None) -> Move:
    """A move of a case: target None keeps the case's state (an extension, a court's confirmation);
    effect(case, on, data) runs inside the transaction."""
    required = required or {}
    return Move(
        action,
        label,
        sources,
        target,
        statemachine.Who(
            lazy(lambda: str(_("或")).join(str(WHO[a]) for a in sorted(actors)), str)(),
            lambda scope, case: bool(actors & actor_kinds(case, scope)),
        ),
        reason=required.get("note"),
        guard=guard,
        effect=(lambda case, context: effect(case, context.on, context.data)) if effect else None,
        actors=actors,
        asks=asks,
        required=required,
    )


def _aid_pause(case, on, data):
    clocks.pause(case=case, limit=Clock.Limit.AID_REVIEW, on=on, reason=data["note"])


def _aid_resume(case, on, data):
    clocks.resume(case=case, limit=Clock.Limit.AID_REVIEW, on=on)


def _aid_grant(case, on, data):
    clocks.stop(case=case, limit=Clock.Limit.AID_REVIEW, on=on)
    clocks.start(case=case, limit=Clock.Limit.AID_ASSIGN, on=on)


def _aid_refuse(case, on, data):
    clocks.stop(case=case, limit=Clock.Limit.AID_REVIEW, on=on)
    case.refusal_reasons = data["note"]


def _aid_assign(case, on, data):
    case.lawyer = data["lawyer"]
    clocks.stop(case=case, limit=Clock.Limit.AID_ASSIGN, on=on)


def _aid_report(case, on, data):
    case.report_encrypted = crypto.encrypt(data["text"])


def _stop_all(case, on, data):
    clocks.stop_all(case=case, on=on)


def _dispute_accept(case, on, data):
    clocks.stop(case=case, limit=Clock.Limit.DISPUTE_ACCEPT, on=on)


def _dispute_assign(case, on, data):
    case.mediator = data["lawyer"]


def _dispute_succeed(case, on, data):
    clocks.stop(case=case, limit=Clock.Limit.MEDIATION, on=on)
    case.outcome, case.outcome_on = Dispute.Outcome.AGREEMENT, on
    case.agreement_encrypted = crypto.encrypt(data["text"])
    case.settled_amount = data.get("amount")


def _dispute_fail(case, on, data):
    clocks.stop(case=case, limit=Clock.Limit.MEDIATION, on=on)
    case.outcome, case.outcome_on = Dispute.Outcome.NO_AGREEMENT, on


def _refer(referral):
    def effect(case, on, data):
        case.referred_to = referral

    return effect


def _dispute_extend(case, on, data):
    clocks.extend(case=case, limit=Clock.Limit.MEDIATION, days=data["days"], on=on)


def _dispute_confirmation(case, on, data):
    case.confirmation, case.confirmation_on = data["confirmation"], on


def no_outcome(case, move) -> str | None:
    """Why a mediation cannot close yet, whatever its state says."""
    if move.name == "dispute.close" and not case.outcome:
        return str(_("尚无调解结果，不能结案：请先记录“调解成功”或“调解不成”"))
    return None


def _outcome_recorded(case, context):
    if words := no_outcome(case, context.move):
        raise ValidationError(words, code="no_outcome")


def _consultation_answer(case, on, data):
    case.outcome, case.answered_on = data["outcome"], on
    if data.get("lawyer"):
        case.lawyer = data["lawyer"]
    if data.get("text"):
        case.answer_encrypted = crypto.encrypt(data["text"])


A = AidCase.State
D = Dispute.State
C = Consultation.State
ANYONE = frozenset({STAFF, UNION, ASSIGNED})
STAFF_ONLY = frozenset({STAFF})
OFFICERS = frozenset({STAFF, UNION})
HANDLERS = frozenset({STAFF, ASSIGNED})
MEDIATING = (D.RECEIVED, D.ACCEPTED, D.MEDIATOR_ASSIGNED, D.MEDIATING)

AID_MOVES = (
    _move(
        "aid.request_material",
        _("通知补充材料"),
        (A.APPLIED,),
        A.MATERIAL_REQUESTED,
        STAFF_ONLY,
        ("note",),
        {"note": _("需补充的材料")},
        _aid_pause,
    ),
    _move(
        "aid.material_received",
        _("材料已补齐"),
        (A.MATERIAL_REQUESTED,),
        A.APPLIED,
        OFFICERS,
        ("note",),
        effect=_aid_resume,
    ),
    _move(
        "aid.withdrawn",
        _("未补充材料，视为撤回"),
        (A.MATERIAL_REQUESTED,),
        A.WITHDRAWN,
        STAFF_ONLY,
        ("note",),
        {"note": _("说明")},
        _stop_all,
    ),
    _move(
        "aid.grant", _("决定给予法律援助"), (A.APPLIED,), A.GRANTED, STAFF_ONLY, ("note",), effect=_aid_grant
    ),
    _move(
        "aid.refuse",
        _("决定不予法律援助"),
        (A.APPLIED,),
        A.REFUSED,
        STAFF_ONLY,
        ("note",),
        {"note": _("不予援助的理由（书面告知申请人）")},
        _aid_refuse,
    ),
    _move(
        "aid.assign",
        _("指派律师"),
        (A.GRANTED,),
        A.ASSIGNED,
        STAFF_ONLY,
        ("lawyer", "note"),
        {"lawyer": _("承办律师")},
        _aid_assign,
    ),
    _move("aid.start", _("开始办理"), (A.ASSIGNED,), A.HANDLING, HANDLERS, ("note",)),
    _move(
        "aid.report",
        _("提交结案报告"),
        (A.HANDLING,),
        A.REPORTED,
        HANDLERS,
        ("text",),
        {"text": _("结案报告")},
        _aid_report,
    ),
    _move("aid.archive", _("归档"), (A.REPORTED,), A.ARCHIVED, STAFF_ONLY, ("note",)),
)

DISPUTE_MOVES = (
    _move(
        "dispute.accept", _("受理"), (D.RECEIVED,), D.ACCEPTED, OFFICERS, ("note",), effect=_dispute_accept
    ),
    _move(
        "dispute.not_accept",
        _("不予受理"),
        (D.RECEIVED,),
        D.NOT_ACCEPTED,
        OFFICERS,
        ("note",),
        {"note": _("不予受理的理由（书面通知申请人）")},
        _stop_all,
    ),
    _move(
        "dispute.assign",
        _("指派调解员"),
        (D.ACCEPTED,),
        D.MEDIATOR_ASSIGNED,
        OFFICERS,
        ("lawyer", "note"),
        {"lawyer": _("调解员")},
        _dispute_assign,
    ),
    _move("dispute.start", _("开始调解"), (D.MEDIATOR_ASSIGNED,), D.MEDIATING, ANYONE, ("note",)),
    _move(
        "dispute.succeed",
        _("调解成功"),
        (D.MEDIATING,),
        D.SUCCEEDED,
        ANYONE,
        ("text", "amount", "note"),
        {"text": _("调解协议内容")},
        _dispute_succeed,
    ),
    _move(
        "dispute.fail",
        _("调解不成"),
        (D.MEDIATING,),
        D.FAILED,
        ANYONE,
        ("note",),
        {"note": _("调解不成的原因")},
        _dispute_fail,
    ),
    _move(
        "dispute.arbitration",
        _("转仲裁"),
        (D.FAILED,),
        D.ARBITRATION,
        ANYONE,
        ("note",),
        effect=_refer(Dispute.Referral.ARBITRATION),
    ),
    _move(
        "dispute.litigation",
        _("转诉讼"),
        (D.FAILED,),
        D.LITIGATION,
        ANYONE,
        ("note",),
        effect=_refer(Dispute.Referral.LITIGATION),
    ),
    _move(
        "dispute.close",
        _("结案"),
        (D.SUCCEEDED, D.ARBITRATION, D.LITIGATION),
        D.CLOSED,
        OFFICERS,
        ("note",),
        guard=_outcome_recorded,
    ),
    _move(
        "dispute.extend",
        _("经双方同意延长调解期限"),
        MEDIATING,
        None,
        ANYONE,
        ("days", "note"),
        {"days": _("延长天数")},
        _dispute_extend,
    ),
    _move(
        "dispute.confirmation",
        _("登记司法确认"),
        (D.SUCCEEDED, D.CLOSED),
        None,
        OFFICERS,
        ("confirmation", "note"),
        {"confirmation": _("司法确认情况")},
        _dispute_confirmation,
    ),
)

CONSULTATION_MOVES = (
    _move(
        "consultation.answer",
        _("答复"),
        (C.REQUESTED,),
        C.ANSWERED,
        ANYONE,
        ("outcome", "lawyer", "text"),
        {"outcome": _("处理结果")},
        _consultation_answer,
    ),
)

MOVES: dict[type, dict[str, Move]] = {
    model: {move.name: move for move in moves}
    for model, moves in ((AidCase, AID_MOVES), (Dispute, DISPUTE_MOVES), (Consultation, CONSULTATION_MOVES))
}


def actor_kinds(case, scope) -> set[str]:
    """What the scope's user is to this case (STAFF, UNION, ASSIGNED); the system actor is all three."""
    kinds = set()
    if scope.everything:
        return {STAFF, UNION, ASSIGNED}
    if scope.role == Role.FEDERATION_STAFF:
        kinds.add(STAFF)
    if scope.role == Role.UNION_ADMIN:
        kinds.add(UNION)
    if scope.role == Role.LAWYER:
        assigned = case.mediator if isinstance(case, Dispute) else case.lawyer
        if assigned is not None and assigned.user_id == scope.user_id:
            kinds.add(ASSIGNED)
    return kinds


WHO = {STAFF: _("总工会工作人员"), UNION: _("基层工会"), ASSIGNED: _("承办律师")}


def moves_from(case) -> list[Move]:
    """The moves the case's state allows (whoever may make them)."""
    return [move for move in MOVES[type(case)].values() if case.state in move.sources]
