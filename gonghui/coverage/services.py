"""Writes of union coverage: campaigns and targets, the founding workflow 建会流程, guidance visits.

Who records what — decided here, once:

- An enterprise without a union has no union account, so nobody on the enterprise side signs in.
  Its preparatory group's steps (调研, 建会请示, 成立筹备组, 发展会员/入会登记, 建立工会小组,
  召开会员（代表）大会, 选举) are recorded by a federation officer whose subtree holds the enterprise —
  normally the officer in charge of it in the campaign — acting as the group's 经办人.
- The union above answers three times: 上级批复, 候选人协商报批, 选举结果报批. These approvals are
  recorded by federation staff in scope who has recorded none of this founding's preparatory steps:
  whoever made or carried a request cannot approve it (经办与审批分离).
- 成立 (which creates the union in the tree) and 终止 (with a reason, from any open step) are recorded
  by federation staff in scope.
- Once founded, the new union's admin can read the founding's history; union admins never change it.

The workflow is data (FLOW, RULES, FOUNDING_MACHINE) moved by core's one transition function, through
founding_advance: it checks the move against the state and the role, validates the step's content,
applies its effect and records who, when, the note and the documents in one transaction with the
audit row. It refuses everything
else with a message a user understands, and then nothing is saved.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gonghui.accounts.models import User
from gonghui.accounts.selectors import federation_staff_of
from gonghui.core.audit import audit_record
from gonghui.core.dates import not_future, term_end_for
from gonghui.core.errors import field_error
from gonghui.core.roles import Role
from gonghui.core.scope import scope_of
from gonghui.core.statemachine import Context, Machine, Move, transition
from gonghui.core.uploads import validate_document
from gonghui.core.validators import birth_date_of, normalise_name
from gonghui.coverage.models import (
    FINAL_STEPS,
    Campaign,
    Founding,
    FoundingDocument,
    FoundingStep,
    GuidanceVisit,
    Recruit,
    Step,
    Target,
)
from gonghui.members import rules
from gonghui.members.models import Person
from gonghui.members.services import check_joinable, member_join, person_build, person_find
from gonghui.orgs.models import Enterprise, Officer, Organisation
from gonghui.orgs.services import enterprise_update, officer_appoint, organisation_create


class Actor(StrEnum):
    PREPARATORY = "preparatory"  # the preparatory group, through the federation officer guiding it
    APPROVAL = "approval"  # the union above, by someone who carried no preparatory step
    FEDERATION = "federation"  # the union above


@dataclass(frozen=True)
class Rule:
    actor: Actor
    document: str | None = None  # the document that must be attached, if any
    note_required: str | None = None  # what the note must say, if it is required


FLOW: tuple[Step, ...] = (
    Step.STARTED,
    Step.SURVEY,
    Step.REQUEST,
    Step.APPROVAL,
    Step.PREPARATORY,
    Step.RECRUITMENT,
    Step.GROUPS,
    Step.SLATE,
    Step.ASSEMBLY,
    Step.ELECTION,
    Step.RESULTS_APPROVAL,
    Step.ESTABLISHED,
)

RULES: dict[Step, Rule] = {
    Step.SURVEY: Rule(Actor.PREPARATORY, note_required=gettext_lazy("调研情况")),
    Step.REQUEST: Rule(Actor.PREPARATORY, document=gettext_lazy("建会请示")),
    Step.APPROVAL: Rule(Actor.APPROVAL, document=gettext_lazy("上级工会批复")),
    Step.PREPARATORY: Rule(Actor.PREPARATORY),
    Step.RECRUITMENT: Rule(Actor.PREPARATORY),
    Step.GROUPS: Rule(Actor.PREPARATORY),
    Step.SLATE: Rule(Actor.APPROVAL),
    Step.ASSEMBLY: Rule(Actor.PREPARATORY, document=gettext_lazy("会议纪要")),
    Step.ELECTION: Rule(Actor.PREPARATORY, document=gettext_lazy("选举结果报告")),
    Step.RESULTS_APPROVAL: Rule(Actor.APPROVAL, document=gettext_lazy("选举结果批复")),
    Step.ESTABLISHED: Rule(Actor.FEDERATION),
    Step.DROPPED: Rule(Actor.FEDERATION, note_required=gettext_lazy("终止原因")),
}
PREPARATORY_STEPS = [step for step, rule in RULES.items() if rule.actor == Actor.PREPARATORY]

PREPARATORY_GROUP_SIZE = (3, 5)
MIN_COMMITTEE = 3  # a committee of at least three: the chair and two more
MIN_RECRUITS = MIN_COMMITTEE
TERM_YEARS = (3, 4, 5)  # 基层工会委员会每届任期三年至五年
RECRUITING_STATES = (Step.PREPARATORY, Step.RECRUITMENT, Step.GROUPS, Step.SLATE)


def next_step(state: str) -> Step | None:
    """The step that follows a state, None once established or dropped."""
    if state in FINAL_STEPS:
        return None
    return FLOW[FLOW.index(Step(state)) + 1]


def _check_may_act(founding: Founding, by) -> None:
    """Federation staff whose subtree holds the enterprise run its founding; anyone else: NotInScope."""
    scope_of(by).require("coverage.run")
    Founding.objects.writable_by(by).require(founding)


def _check_on(founding: Founding, on: date) -> None:
    not_future(on, field="on", label=_("办理日期"))
    if on < founding.state_on:
        raise field_error("on", _("办理日期不能早于上一步骤的日期%(d)s") % {"d": founding.state_on})


def _check_no_union(enterprise: Enterprise) -> None:
    if enterprise.union_id is not None:
        raise ValidationError(
            _("%(enterprise)s已有工会（%(union)s），不能再建立工会")
            % {"enterprise": enterprise, "union": enterprise.union},
            code="has_union",
        )


# ---- campaign ---------------------------------------------------------------------------------


def campaign_rule(campaign: Campaign) -> Q:
    """The target rule as a filter on Enterprise: in the federation's subtree, of a chosen category."""
    categories = Q(pk__in=[])
    if campaign.include_key:
        categories |= Q(is_key=True)
    if campaign.include_large:
        categories |= Q(headcount__gte=campaign.min_headcount)
    if campaign.include_new_form:
        categories |= Q(is_new_employment_form=True)
    return Q(federation__path__startswith=campaign.federation.path) & categories


@transaction.atomic
def campaign_create(
    *,
    federation: Organisation,
    year: int,
    name: str,
    by,
    include_key: bool = True,
    include_large: bool = True,
    include_new_form: bool = True,
    min_headcount: int = Enterprise.LARGE_HEADCOUNT,
) -> Campaign:
    """A campaign of a federation the actor works for, its targets drawn at once from the enterprises
    without a union."""
    scope_of(by).require("coverage.run")
    federation = Organisation.objects.writable_by(by).require(federation)
    if not federation.is_federation:
        raise field_error("federation", _("集中行动由总工会组织"))
    if not (include_key or include_large or include_new_form):
        raise field_error("include_key", _("请至少选择一类目标企业"))
    campaign = Campaign(
        federation=federation,
        year=year,
        name=name.strip(),
        include_key=include_key,
        include_large=include_large,
        include_new_form=include_new_form,
        min_headcount=min_headcount,
        created_by=by,
    )
    campaign.full_clean()
    campaign.save()
    audit_record(actor=by, action="campaign.create", obj=campaign, detail={"year": year})
    campaign_refresh_targets(campaign=campaign, by=by)
    return campaign


@transaction.atomic
def campaign_refresh_targets(*, campaign: Campaign, by) -> int:
    """Adds the enterprises that now match the rule and have no union; targets already listed stay
    (one that has since founded its union counts as covered). Returns how many were added."""
    campaign = Campaign.objects.writable_by(by).select_related("federation").require(campaign)
    new = list(
        Enterprise.objects.filter(campaign_rule(campaign), union__isnull=True)
        .exclude(campaign_targets__campaign=campaign)
        .values_list("pk", flat=True)
    )
    Target.objects.bulk_create([Target(campaign=campaign, enterprise_id=pk) for pk in new])
    if new:
        audit_record(actor=by, action="campaign.refresh_targets", obj=campaign, detail={"added": len(new)})
    return len(new)


@transaction.atomic
def target_assign(*, target: Target, officer: User | None, by) -> Target:
    """Puts an officer of the campaign's federation (or one below it) in charge of a target."""
    target = Target.objects.writable_by(by).select_related("campaign__federation").require(target)
    if (
        officer is not None
        and not federation_staff_of(target.campaign.federation).filter(pk=officer.pk).exists()
    ):
        raise field_error("officer", _("责任人须为组织本次行动的总工会或其下级总工会的工作人员"))
    target.officer = officer
    target.save(update_fields=["officer"])
    audit_record(
        actor=by,
        action="campaign.assign",
        obj=target,
        detail={"officer": officer.get_username() if officer else None},
    )
    return target


# ---- the founding workflow ----------------------------------------------------------------------


@transaction.atomic
def founding_start(*, enterprise: Enterprise, on: date, by, note: str = "") -> Founding:
    """Opens the founding workflow of an enterprise that has no union and no founding under way."""
    scope_of(by).require("coverage.run")
    Enterprise.objects.writable_by(by).require(enterprise)
    enterprise = (
        Enterprise.objects.select_for_update(of=("self",)).select_related("union").get(pk=enterprise.pk)
    )
    _check_no_union(enterprise)
    if enterprise.foundings.open().exists():
        raise ValidationError(_("%(e)s已有进行中的建会流程") % {"e": enterprise}, code="open_founding")
    not_future(on, field="on", label=_("办理日期"))
    founding = Founding.objects.create(enterprise=enterprise, state=Step.STARTED, state_on=on)
    FoundingStep.objects.create(
        founding=founding, to_state=Step.STARTED, on=on, by=by, by_name=by.get_username(), note=note.strip()
    )
    audit_record(actor=by, action="founding.started", obj=founding, detail={"on": on.isoformat()})
    return founding


def _check_rule(founding: Founding, context: Context) -> None:
    """经办与审批分离, and the documents the step must carry."""
    step = context.move.target
    rule = RULES[step]
    if (
        rule.actor == Actor.APPROVAL
        and founding.steps.filter(to_state__in=PREPARATORY_STEPS, by=context.by).exists()
    ):
        raise ValidationError(
            _("您经办过本企业的建会事项，不能审批自己经办的请示；请由其他工作人员办理「%(step)s」")
            % {"step": Step(step).label},
            code="own_request",
        )
    documents = context.data["documents"]
    if rule.document and not documents:
        raise field_error("documents", _("请上传%(what)s") % {"what": rule.document}, code="required")
    for upload in documents:
        validate_document(upload)


def _record_content(founding: Founding, context: Context) -> None:
    """The step's content, validated (and its effect applied, e.g. 成立 creates the union)."""
    content = STEP_CONTENT.get(context.move.target, _no_content)
    context.history["data"] = content(founding, context.data["content"], on=context.on, by=context.by)


def _step_move(source: tuple[str, ...], step: Step) -> Move:
    return Move(
        f"founding.{step.value}",
        step.label,
        source,
        step,
        reason=RULES[step].note_required,
        guard=_check_rule,
        effect=_record_content,
    )


def _out_of_order(founding: Founding, move: Move) -> str:
    step = Step(move.target)
    if founding.steps.filter(to_state=step).exists():
        return _("「%(step)s」已经办理过了") % {"step": step.label}
    return _("不能跳过步骤：「%(current)s」之后应办理「%(next)s」") % {
        "current": Step(founding.state).label,
        "next": next_step(founding.state).label,
    }


FOUNDING_MACHINE = Machine(
    model=Founding,
    history=FoundingStep,
    subject="founding",
    noun=gettext_lazy("建会流程"),
    guard=lambda founding, context: _check_on(founding, context.on),
    explain=_out_of_order,
    related=("enterprise__union",),
    moves=(
        *(_step_move((source,), step) for source, step in zip(FLOW, FLOW[1:], strict=False)),
        _step_move(FLOW[:-1], Step.DROPPED),
    ),
)


@transaction.atomic
def founding_advance(
    *,
    founding: Founding,
    step: str,
    by,
    on: date,
    note: str = "",
    documents: Sequence[UploadedFile] = (),
    data: dict | None = None,
) -> FoundingStep:
    """Records one step of the founding workflow through FOUNDING_MACHINE (see the module docstring)."""
    _check_may_act(founding, by)
    try:
        step = Step(step)
    except ValueError:
        raise ValidationError(_("未知的建会步骤"), code="unknown_step") from None
    founding = Founding.objects.get(pk=founding.pk)
    if not founding.is_open:
        raise ValidationError(
            _("该建会流程已%(state)s，不能再办理") % {"state": founding.get_state_display()}, code="closed"
        )
    documents = list(documents)
    founding, record = transition(
        FOUNDING_MACHINE,
        founding,
        step,
        by=by,
        on=on,
        note=note,
        data={"documents": documents, "content": data or {}},
        changes={"state_on": on},
        history={"on": on},
        audit_detail={"on": on.isoformat(), "documents": [d.name for d in documents]},
    )
    for upload in documents:
        FoundingDocument.objects.create(step=record, file=upload, name=upload.name[:200], size=upload.size)
    return record


def _no_content(founding, data, **_kw) -> dict:
    return {}


def _names(values: Iterable[str]) -> list[str]:
    return [n for n in (normalise_name(v) for v in values) if n]


def _preparatory(founding: Founding, data: dict, **_kw) -> dict:
    members = _names(data.get("members", []))
    low, high = PREPARATORY_GROUP_SIZE
    if not low <= len(members) <= high:
        raise field_error(
            "members",
            _("筹备组应由%(low)d至%(high)d人组成，现填写%(n)d人")
            % {"low": low, "high": high, "n": len(members)},
        )
    return {"members": members}


def _recruitment(founding: Founding, data: dict, **_kw) -> dict:
    count = founding.recruits.count()
    if count < MIN_RECRUITS:
        raise ValidationError(
            _("至少登记%(min)d名会员才能完成入会登记，现有%(n)d名") % {"min": MIN_RECRUITS, "n": count},
            code="too_few_recruits",
        )
    return {"recruits": count}


def _groups(founding: Founding, data: dict, **_kw) -> dict:
    groups = _names(data.get("groups", []))
    if not groups:
        raise field_error("groups", _("请至少填写一个工会小组"))
    return {"groups": groups}


def _recruit_people(
    founding: Founding, ids: Iterable, field: str, allowed: set[int] | None = None
) -> list[Person]:
    """People chosen among the founding's registered recruits (and, when given, among `allowed`)."""
    ids = [int(i) for i in ids]
    recruits = Person.objects.filter(pk__in=founding.recruits.values("person_id")).in_bulk()
    chosen = []
    for pk in dict.fromkeys(ids):
        person = recruits.get(pk)
        if person is None:
            name = Person.objects.filter(pk=pk).values_list("name", flat=True).first() or pk
            raise field_error(
                field, _("%(name)s未在本企业登记入会，不是会员，不能当选") % {"name": name}, code="not_member"
            )
        if allowed is not None and pk not in allowed:
            raise field_error(
                field, _("%(name)s不在上级批准的候选人名单中") % {"name": person.name}, code="not_candidate"
            )
        chosen.append(person)
    return chosen


def _slate(founding: Founding, data: dict, **_kw) -> dict:
    candidates = _recruit_people(founding, data.get("candidates", []), "candidates")
    if len(candidates) < MIN_COMMITTEE:
        raise field_error("candidates", _("候选人至少%(n)d名") % {"n": MIN_COMMITTEE})
    return {"candidates": [p.pk for p in candidates], "names": [p.name for p in candidates]}


def _assembly(founding: Founding, data: dict, **_kw) -> dict:
    expected, present = int(data.get("expected") or 0), int(data.get("present") or 0)
    if expected < 1 or present < 1:
        raise field_error("present", _("请填写应到和实到人数"))
    if present > expected:
        raise field_error("present", _("实到人数不能多于应到人数"))
    if present * 3 <= expected * 2:
        raise field_error("present", _("到会人数须超过应到人数的三分之二，大会方可进行选举"))
    return {"expected": expected, "present": present}


def _election(founding: Founding, data: dict, *, on: date, **_kw) -> dict:
    slate = founding.steps.filter(to_state=Step.SLATE).values_list("data", flat=True).first() or {}
    allowed = set(slate.get("candidates", []))
    if not data.get("chair"):
        raise field_error("chair", _("请选择当选的工会主席"))
    (chair,) = _recruit_people(founding, [data["chair"]], "chair", allowed)
    vice = _recruit_people(founding, data.get("vice_chairs", []), "vice_chairs", allowed)
    members = _recruit_people(founding, data.get("committee", []), "committee", allowed)
    if not data.get("audit_chair"):
        raise field_error("audit_chair", _("请选择经费审查委员会主任"))
    (audit_chair,) = _recruit_people(founding, [data["audit_chair"]], "audit_chair", allowed)
    audit = _recruit_people(founding, data.get("audit_members", []), "audit_members", allowed)
    if chair in vice or chair in members or set(vice) & set(members):
        raise field_error("committee", _("同一人在工会委员会中只能担任一个职务"))
    if chair in (audit_chair, *audit):
        raise field_error("audit_chair", _("工会主席不得兼任经费审查委员会成员"))
    if audit_chair in audit:
        raise field_error("audit_members", _("经费审查委员会主任不必再列为委员"))
    if 1 + len(vice) + len(members) < MIN_COMMITTEE:
        raise field_error("committee", _("工会委员会至少%(n)d人（含主席、副主席）") % {"n": MIN_COMMITTEE})
    years = int(data.get("term_years") or 0)
    if years not in TERM_YEARS:
        raise field_error("term_years", _("每届任期为三至五年"))
    return {
        "chair": chair.pk,
        "vice_chairs": [p.pk for p in vice],
        "committee": [p.pk for p in members],
        "audit_chair": audit_chair.pk,
        "audit_members": [p.pk for p in audit],
        "term_years": years,
        "term_start": on.isoformat(),
        "names": {str(p.pk): p.name for p in (chair, *vice, *members, audit_chair, *audit)},
    }


def _established(founding: Founding, data: dict, *, on: date, by, **_kw) -> dict:
    """Creates the union under the enterprise's federation, links the enterprise, registers the recruits
    as members and appoints the elected officers for their term."""
    enterprise = founding.enterprise
    _check_no_union(enterprise)
    union = organisation_create(
        code=(data.get("code") or "").strip().upper(),
        name=(data.get("name") or "").strip(),
        kind=Organisation.Kind.ENTERPRISE_UNION,
        parent=enterprise.federation,
        established_on=on,
        by=by,
    )
    enterprise = enterprise_update(enterprise=enterprise, union=union, by=by)
    for recruit in founding.recruits.select_related("person"):
        person = recruit.person
        try:
            member_join(
                union=union,
                id_number=person.reveal_id_number(),
                name=person.name,
                mobile=person.mobile,
                started_on=on,
                enterprise=enterprise,
                by=by,
            )
        except ValidationError as error:
            raise ValidationError(
                _("%(name)s无法登记为会员：%(reason)s")
                % {"name": person.name, "reason": "；".join(error.messages)}
            ) from None
    election = founding.steps.get(to_state=Step.ELECTION).data
    start = date.fromisoformat(election["term_start"])
    end = term_end_for(start, election["term_years"])
    people = Person.objects.in_bulk(list(map(int, election["names"])))
    offices = [(election["chair"], Officer.Role.CHAIR), (election["audit_chair"], Officer.Role.AUDIT_CHAIR)]
    offices += [(pk, Officer.Role.VICE_CHAIR) for pk in election["vice_chairs"]]
    offices += [(pk, Officer.Role.COMMITTEE) for pk in election["committee"]]
    offices += [(pk, Officer.Role.AUDIT_MEMBER) for pk in election["audit_members"]]
    for pk, role in offices:
        officer_appoint(union=union, person=people[pk], role=role, term_start=start, term_end=end, by=by)
    founding.union = union
    return {"union": union.code, "name": union.name}


STEP_CONTENT = {
    Step.PREPARATORY: _preparatory,
    Step.RECRUITMENT: _recruitment,
    Step.GROUPS: _groups,
    Step.SLATE: _slate,
    Step.ASSEMBLY: _assembly,
    Step.ELECTION: _election,
    Step.ESTABLISHED: _established,
}


@transaction.atomic
def recruit_register(
    *,
    founding: Founding,
    id_number: str,
    name: str,
    mobile: str,
    registered_on: date,
    by,
    **profile,
) -> Recruit:
    """入会登记 during founding: the person is recorded (real name, by ID number) and becomes a member
    when the union is founded. Refused for someone who is already a member of another union."""
    _check_may_act(founding, by)
    founding = Founding.objects.select_for_update().get(pk=founding.pk)
    if founding.state not in RECRUITING_STATES:
        raise ValidationError(_("入会登记须在成立筹备组之后、候选人报批之前办理"), code="not_recruiting")
    not_future(registered_on, field="registered_on", label=_("登记日期"))
    person = person_find(id_number=id_number)
    if person is None:
        person = person_build(id_number=id_number, name=name, mobile=mobile, **profile)
        if problem := rules.age_problem(birth_date_of(person.reveal_id_number()), registered_on):
            raise field_error("id_number", problem)
        person.save()
        audit_record(actor=by, action="person.create", obj=person)
    else:
        check_joinable(person, name=name, by=by)
        if founding.recruits.filter(person=person).exists():
            raise field_error("id_number", _("%(name)s已经登记") % {"name": person.name})
    recruit = Recruit.objects.create(
        founding=founding, person=person, registered_on=registered_on, registered_by=by
    )
    audit_record(actor=by, action="founding.recruit", obj=founding, detail={"person": person.pk})
    return recruit


# ---- guidance visits ---------------------------------------------------------------------------


@transaction.atomic
def visit_record(
    *,
    enterprise: Enterprise,
    visited_on: date,
    officers: Iterable[User],
    discussed: str,
    by,
    next_step: str = "",
) -> GuidanceVisit:
    """指导走访 by federation staff whose subtree holds the enterprise, linked to its open founding."""
    scope_of(by).require("coverage.run")
    enterprise = Enterprise.objects.writable_by(by).require(enterprise)
    not_future(visited_on, field="visited_on", label=_("走访日期"))
    officers = list(officers)
    if not officers:
        raise field_error("officers", _("请选择走访人员"))
    if any(o.role != Role.FEDERATION_STAFF for o in officers):
        raise field_error("officers", _("走访人员须为总工会工作人员"))
    if not (discussed or "").strip():
        raise field_error("discussed", _("请填写走访内容"))
    visit = GuidanceVisit.objects.create(
        enterprise=enterprise,
        founding=enterprise.foundings.open().first(),
        visited_on=visited_on,
        discussed=discussed.strip(),
        next_step=(next_step or "").strip(),
        recorded_by=by,
    )
    visit.officers.set(officers)
    audit_record(actor=by, action="visit.record", obj=visit, detail={"on": visited_on.isoformat()})
    return visit
