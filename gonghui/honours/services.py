"""Writes on the honours register. Each checks its actor (NotInScope otherwise) before it changes
anything and is one transaction with its audit row — except objection_submit, which anyone may call
from the public notice and which is checked and slowed instead.

A nomination's flow is data (NOMINATION_MACHINE), moved by core's one transition function: it checks
the move and its conditions, records who and when in NominationStep and refuses the rest in Chinese.
"""

import re
from collections.abc import Iterable, Mapping
from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gonghui.core import crypto, workdays
from gonghui.core.audit import audit_record
from gonghui.core.errors import field_error
from gonghui.core.scope import scope_of
from gonghui.core.statemachine import Context, Machine, Move, transition
from gonghui.core.uploads import validate_document
from gonghui.honours.models import (
    Attribute,
    Award,
    EligibilityRule,
    HonourTitle,
    Level,
    Nomination,
    NominationEvidence,
    NominationRound,
    NominationStep,
    Objection,
    Quota,
    Status,
)
from gonghui.honours.rules import quota_refusal
from gonghui.honours.selectors import talent_evidence
from gonghui.members.models import Membership, Person
from gonghui.orgs.models import Organisation

PUBLICITY_WORKING_DAYS = 5
CONTEST_EVIDENCE = "contests.result"
OBJECTIONS_PER_HOUR = 5  # from one address: the public form is slowed, not closed
CONTACT_RE = re.compile(r"1\d{10}|0\d{2,3}-?\d{7,8}")


def _runs_its_round(scope, nomination: Nomination) -> bool:
    """Staff of the federation running the nomination's round (who else sees it changes nothing)."""
    return (
        Nomination.objects.visible_to(scope).filter(pk=nomination.pk).exists()
        and NominationRound.objects.writable_by(scope).filter(pk=nomination.round_id).exists()
    )


def _not_before_the_last_step(nomination: Nomination, context: Context) -> None:
    last = nomination.steps.order_by("-pk").values_list("on", flat=True).first()
    if last and context.on < last:
        raise field_error("on", _("日期不能早于上一步（%(d)s）") % {"d": last.isoformat()})


def _keep_reason(nomination: Nomination, context: Context) -> None:
    nomination.reason = context.note[:200]


def _publish(nomination: Nomination, context: Context) -> None:
    nomination.publicity_starts_on = context.on
    nomination.publicity_ends_on = workdays.add_working_days(context.on, PUBLICITY_WORKING_DAYS)


def _publicity_over(nomination: Nomination, context: Context) -> None:
    if context.on <= nomination.publicity_ends_on:
        raise field_error(
            "on",
            _("公示期至%(d)s结束（%(n)d个工作日），期满后方可报批")
            % {"d": nomination.publicity_ends_on.isoformat(), "n": PUBLICITY_WORKING_DAYS},
        )
    if unanswered := nomination.objections.filter(answered_at__isnull=True).count():
        raise field_error("to", _("尚有%(n)d条公示异议未答复，答复后方可报批") % {"n": unanswered})


def _forward(source: str, target: str, **kwargs) -> Move:
    return Move(
        "honours.advance",
        format_lazy(gettext_lazy("转为“{}”"), Status(target).label),
        (source,),
        target,
        **kwargs,
    )


# A nomination's way, stage by stage; 未通过 (with the reason) from any stage before 授予.
NOMINATION_MACHINE = Machine(
    model=Nomination,
    history=NominationStep,
    subject="nomination",
    state="status",
    field="to",
    noun=gettext_lazy("推荐对象"),
    reach=_runs_its_round,
    guard=_not_before_the_last_step,
    related=("round__title", "person", "organisation"),
    moves=(
        _forward(Status.RECOMMENDED, Status.MATERIAL_REVIEW),
        _forward(Status.MATERIAL_REVIEW, Status.EVALUATION),
        _forward(Status.EVALUATION, Status.PUBLICITY, effect=_publish),
        _forward(Status.PUBLICITY, Status.APPROVAL, guard=_publicity_over),
        _forward(Status.APPROVAL, Status.AWARDED),
        Move(
            "honours.advance",
            gettext_lazy("定为未通过"),
            (
                Status.RECOMMENDED,
                Status.MATERIAL_REVIEW,
                Status.EVALUATION,
                Status.PUBLICITY,
                Status.APPROVAL,
            ),
            Status.REJECTED,
            reason=gettext_lazy("未通过的原因"),
            effect=_keep_reason,
        ),
    ),
)


def _today(on: date | None) -> date:
    return on or timezone.localdate()


def _user(by):
    """The user to keep on a row: None for a SystemActor (the audit log names it)."""
    return by if getattr(by, "pk", None) is not None else None


def _level(level: str) -> str:
    if level not in Level.values:
        raise field_error("level", _("级别无效，应为全国、省级或市级"))
    return level


# --- rounds and rules ---


@transaction.atomic
def round_create(
    *,
    federation: Organisation,
    title: HonourTitle,
    level: str,
    year: int,
    name: str,
    places: int,
    closes_on: date,
    awarding_body: str,
    by,
    single_track: bool = False,
    quotas: Mapping[str, int] | None = None,
) -> NominationRound:
    """A federation's round; quotas: attribute → minimum percentage of the candidates."""
    scope_of(by).require("honours.manage")
    federation = Organisation.objects.writable_by(by).require(federation)
    if not federation.is_federation:
        raise field_error("federation", _("推荐评选由总工会组织"))
    round = NominationRound(
        federation=federation,
        title=title,
        level=_level(level),
        year=year,
        name=(name or "").strip(),
        places=places,
        closes_on=closes_on,
        awarding_body=(awarding_body or "").strip(),
        single_track=single_track,
        created_by=_user(by),
    )
    round.full_clean()
    round.save()
    for attribute, percent in (quotas or {}).items():
        if attribute not in Attribute.values:
            raise field_error("quotas", _("候选人类别「%(a)s」无效") % {"a": attribute})
        if not 0 < int(percent) <= 100:
            raise field_error("quotas", _("比例应在1%到100%之间"))
        Quota.objects.create(round=round, attribute=attribute, min_percent=int(percent))
    audit_record(
        actor=by,
        action="honours.round_create",
        obj=round,
        detail={"title": title.code, "level": level, "year": year, "quotas": dict(quotas or {})},
    )
    return round


@transaction.atomic
def rule_create(
    *,
    federation: Organisation,
    name: str,
    evidence_kind: str,
    outcome: str,
    by,
    level: str = "",
    max_place: int | None = None,
    craft: str = "",
    min_count: int = 1,
    title: HonourTitle | None = None,
    title_level: str = "",
    outcome_label: str = "",
) -> EligibilityRule:
    scope_of(by).require("honours.manage")
    federation = Organisation.objects.writable_by(by).require(federation)
    rule = EligibilityRule(
        federation=federation,
        name=(name or "").strip(),
        evidence_kind=(evidence_kind or "").strip(),
        level=level or "",
        max_place=max_place,
        craft=(craft or "").strip(),
        min_count=min_count or 1,
        outcome=outcome,
        title=title,
        title_level=title_level or "",
        outcome_label=(outcome_label or "").strip(),
    )
    if outcome == EligibilityRule.Outcome.NOMINATION and (title is None or not title_level):
        raise field_error("title", _("推荐资格规则须指定可推荐的称号和级别"))
    if outcome == EligibilityRule.Outcome.SKILL_STEP and not rule.outcome_label:
        raise field_error("outcome_label", _("技能等级规则须写明结果，如「可申报技能等级晋升一级」"))
    rule.full_clean()
    rule.save()
    audit_record(actor=by, action="honours.rule_create", obj=rule, detail={"kind": rule.evidence_kind})
    return rule


# --- awards ---


@transaction.atomic
def award_record(
    *,
    title: HonourTitle,
    level: str,
    year: int,
    awarding_body: str,
    organisation: Organisation,
    by,
    person: Person | None = None,
    workplace: str = "",
) -> Award:
    """Records an honour held: a person's (organisation: the union they were a member of) or an
    organisation's own."""
    scope_of(by).require("honours.manage")
    organisation = Organisation.objects.writable_by(by).require(organisation)
    if title.for_person:
        if person is None:
            raise field_error("person", _("「%(t)s」授予个人，请填写获得者") % {"t": title.name})
        if not Membership.objects.filter(person=person, union=organisation).exists():
            raise field_error(
                "person", _("%(name)s不是%(org)s的会员") % {"name": person.name, "org": organisation}
            )
    elif person is not None:
        raise field_error("person", _("「%(t)s」授予集体，不填写个人") % {"t": title.name})
    award = Award(
        title=title,
        level=_level(level),
        year=year,
        awarding_body=(awarding_body or "").strip(),
        organisation=organisation,
        person=person,
        workplace=(workplace or "").strip(),
        created_by=_user(by),
    )
    award.full_clean()
    award.save()
    audit_record(
        actor=by, action="honours.award_record", obj=award, detail={"title": title.code, "year": year}
    )
    return award


# --- nominations ---


def _candidate(
    round: NominationRound, by, person: Person | None, organisation: Organisation | None, on: date
):
    """(union, person, organisation, workplace) of a candidate the actor may put forward to the round."""
    if round.title.for_person:
        if person is None:
            raise field_error("person", _("请选择候选人"))
        person = Person.objects.writable_by(by).require(person)
        membership = (
            Membership.objects.writable_by(by)
            .active_on(on)
            .filter(person=person, union__path__startswith=round.federation.path)
            .select_related("union", "enterprise")
            .first()
        )
        if membership is None:
            raise field_error(
                "person",
                _("%(name)s不是%(org)s所属工会的在册会员，不能推荐")
                % {"name": person.name, "org": round.federation},
            )
        workplace = membership.enterprise.name if membership.enterprise_id else membership.union.name
        return membership.union, person, None, workplace
    if organisation is None:
        raise field_error("organisation", _("请选择候选集体"))
    organisation = Organisation.objects.writable_by(by).require(organisation)
    if not organisation.is_grassroots or not organisation.path.startswith(round.federation.path):
        raise field_error("organisation", _("候选集体须为%(org)s所属的基层工会") % {"org": round.federation})
    return organisation, None, organisation, organisation.name


@transaction.atomic
def nomination_create(
    *,
    round: NominationRound,
    by,
    deeds: str,
    person: Person | None = None,
    organisation: Organisation | None = None,
    attributes: Iterable[str] = (),
    evidence_refs: Iterable[str] = (),
    on: date | None = None,
) -> Nomination:
    """推荐: a union (or the federation) puts forward one of its members — or a union, for a
    collective title — with the candidate's attributes and evidence from the talent record. The
    round's places and quotas are checked against every candidate already in it."""
    on = _today(on)
    scope_of(by).require("honours.nominate")
    round = NominationRound.objects.visible_to(by).require(round)
    round = (
        NominationRound.objects.select_for_update(of=("self",))
        .select_related("federation", "title")
        .get(pk=round.pk)
    )
    union, person, organisation, workplace = _candidate(round, by, person, organisation, on)
    if on > round.closes_on:
        raise field_error("round", _("本次推荐已于%(d)s截止") % {"d": round.closes_on.isoformat()})
    attributes = sorted(set(attributes or ()))
    if unknown := [a for a in attributes if a not in Attribute.values]:
        raise field_error("attributes", _("候选人类别「%(a)s」无效") % {"a": "、".join(unknown)})
    deeds = (deeds or "").strip()
    if len(deeds) < 10:
        raise field_error("deeds", _("主要事迹：请至少填写10个字"))
    evidence = _evidence(person, evidence_refs)
    if round.single_track and not any(e.kind == CONTEST_EVIDENCE for e in evidence):
        raise field_error("evidence", _("单列表彰的候选人须附竞赛成绩证明（从成长档案中选择竞赛成绩）"))
    taken = round.nominations.exclude(status=Status.REJECTED)
    already = (
        round.nominations.filter(person=person)
        if person
        else round.nominations.filter(organisation=organisation)
    )
    if already.exists():
        raise field_error("person" if person else "organisation", _("该候选人已在本次推荐中"))
    if taken.count() >= round.places:
        raise field_error("round", _("本次推荐名额%(places)d人已满") % {"places": round.places})
    refusal = quota_refusal(
        round.quotas.all(), round.places, list(taken.values_list("attributes", flat=True)), attributes
    )
    if refusal:
        raise field_error("attributes", refusal)
    nomination = Nomination(
        round=round,
        union=union,
        person=person,
        organisation=organisation,
        workplace=workplace,
        attributes=attributes,
        deeds=deeds,
        created_by=_user(by),
    )
    try:
        with transaction.atomic():
            nomination.save()
    except IntegrityError:
        raise field_error("person" if person else "organisation", _("该候选人已在本次推荐中")) from None
    NominationEvidence.objects.bulk_create(
        NominationEvidence(
            nomination=nomination,
            kind=e.kind,
            ref=e.ref,
            title=e.title[:200],
            on=e.on,
            level=e.level,
            place=e.place,
        )
        for e in evidence
    )
    NominationStep.objects.create(
        nomination=nomination, to_state=Status.RECOMMENDED, on=on, by=_user(by), by_name=by.get_username()
    )
    audit_record(
        actor=by,
        action="honours.nominate",
        obj=nomination,
        detail={"round": round.pk, "attributes": attributes, "evidence": [e.ref for e in evidence]},
    )
    return nomination


def _evidence(person: Person | None, refs: Iterable[str]):
    """The talent record's entries named by refs (a snapshot is kept with the nomination)."""
    refs = [r for r in dict.fromkeys(refs or ()) if r]
    if not refs:
        return []
    if person is None:
        raise field_error("evidence", _("集体称号不附个人成长档案材料"))
    entries = {e.ref: e for e in talent_evidence(person) if e.ref and not e.revoked}
    if missing := [r for r in refs if r not in entries]:
        raise field_error(
            "evidence",
            _("所附材料不在%(name)s的成长档案中或已撤销：%(refs)s")
            % {"name": person.name, "refs": "、".join(missing)},
        )
    return [entries[r] for r in refs]


@transaction.atomic
def nomination_advance(
    *, nomination: Nomination, to: str, by, on: date | None = None, note: str = ""
) -> Nomination:
    """Moves a nomination through NOMINATION_MACHINE, by staff of the federation running its round.

    公示 starts on `on` and runs the five working days after it (the day of publication is not counted,
    民法典 art. 201); it may go on to 报批 only after its last day and once every objection is answered.
    授予 records the award. 未通过 needs the reason.
    """
    on = _today(on)
    note = (note or "").strip()
    nomination, step = transition(
        NOMINATION_MACHINE,
        nomination,
        to,
        by=by,
        on=on,
        note=note,
        history={"on": on},
        audit_detail={"on": on.isoformat(), "note": note},
    )
    if to == Status.AWARDED:
        round = nomination.round
        Award.objects.create(
            title=round.title,
            level=round.level,
            year=round.year,
            awarded_on=on,
            awarding_body=round.awarding_body,
            organisation=nomination.union,
            person=nomination.person,
            workplace=nomination.workplace,
            nomination=nomination,
            single_track=round.single_track,
            created_by=_user(by),
        )
    return nomination


# --- objections to the public notice ---


@transaction.atomic
def objection_submit(
    *,
    nomination: Nomination,
    kind: str,
    name: str,
    contact: str,
    content: str,
    seal=None,
    ip: str | None = None,
    on: date | None = None,
) -> Objection:
    """An objection from the public notice: a unit's carries its seal (an uploaded scan), a person's
    their real name; both a contact. Only while the candidate is in 公示; at most OBJECTIONS_PER_HOUR
    an hour from one address."""
    on = _today(on)
    nomination = Nomination.objects.select_for_update().get(pk=nomination.pk)
    if nomination.status != Status.PUBLICITY or not (
        nomination.publicity_starts_on <= on <= nomination.publicity_ends_on
    ):
        raise field_error("nomination", _("该候选人不在公示期内，不能提出异议"))
    if (
        ip
        and Objection.objects.filter(ip=ip, submitted_at__gte=timezone.now() - timedelta(hours=1)).count()
        >= OBJECTIONS_PER_HOUR
    ):
        raise field_error("content", _("提交过于频繁，请一小时后再试"))
    name, contact, content = (name or "").strip(), re.sub(r"\s", "", contact or ""), (content or "").strip()
    if kind == Objection.Kind.UNIT:
        if len(name) < 4:
            raise field_error("name", _("请填写反映单位的全称"))
        if seal is None:
            raise field_error("seal", _("单位反映须上传加盖公章的材料（PDF或图片）"))
        validate_document(seal, "seal")
    elif kind == Objection.Kind.PERSON:
        if not re.fullmatch(r"[\u4e00-\u9fa5·]{2,20}", name):
            raise field_error("name", _("个人反映须填写真实姓名（2至20个汉字）"))
    else:
        raise field_error("kind", _("请选择以单位或个人名义反映"))
    if not CONTACT_RE.fullmatch(contact):
        raise field_error("contact", _("请填写有效的联系电话（手机或座机）"))
    if len(content) < 10:
        raise field_error("content", _("反映内容：请至少填写10个字，写明具体事实"))
    if len(content) > 2000:
        raise field_error("content", _("反映内容不超过2000字"))
    objection = Objection(
        nomination=nomination,
        kind=kind,
        name=name[:100],
        contact_encrypted=crypto.encrypt(contact),
        content=content,
        ip=ip,
    )
    if kind == Objection.Kind.UNIT:
        objection.seal_name = (seal.name or "")[:200]
        objection.seal.save(seal.name, seal, save=False)
    objection.save()
    audit_record(
        actor=None,
        username="public",
        action="honours.objection_submit",
        obj=objection,
        ip=ip,
        detail={"nomination": nomination.pk, "kind": kind},
    )
    return objection


@transaction.atomic
def objection_answer(*, objection: Objection, answer: str, by) -> Objection:
    """Staff of the federation running the round answer an objection (once); the answer is logged."""
    Objection.objects.writable_by(by).require(objection)
    objection = Objection.objects.select_for_update().get(pk=objection.pk)
    if objection.is_answered:
        raise field_error("answer", _("该异议已答复"))
    answer = (answer or "").strip()
    if len(answer) < 5:
        raise field_error("answer", _("答复：请写明核查情况和结论（至少5个字）"))
    objection.answer = answer
    objection.answered_by = _user(by)
    objection.answered_at = timezone.now()
    objection.save(update_fields=["answer", "answered_by", "answered_at"])
    audit_record(
        actor=by,
        action="honours.objection_answer",
        obj=objection,
        detail={"nomination": objection.nomination_id},
    )
    return objection
