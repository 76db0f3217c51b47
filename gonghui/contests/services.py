"""Writes on contests. Each checks its actor before it changes anything (NotInScope otherwise) and is
one transaction with its audit row.

Federation staff holding contests.manage run the contests their federation's subtree organises; a
union admin registers their own members; a worker registers themself; an event's judges score it;
its 裁判长 and 监督 sign it off, which locks it. An event's status moves by EVENT_MACHINE and core's
one transition function, which records each move in EventHistory.
"""

from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gonghui.contests import marking, rollups, selectors
from gonghui.contests.models import (
    Contest,
    ContestOrganiser,
    Criterion,
    Event,
    EventHistory,
    Flag,
    Judge,
    Part,
    Registration,
    Result,
    Score,
    ScoreChange,
    SignOff,
)
from gonghui.core.audit import audit_record
from gonghui.core.errors import field_error
from gonghui.core.roles import Role
from gonghui.core.scope import NotInScope, scope_of
from gonghui.core.statemachine import Machine, Move, Who, transition
from gonghui.members.models import Membership, Person
from gonghui.orgs.models import Enterprise, Organisation

MANAGE = "contests.manage"


def _decimal(value, field: str, label: str) -> Decimal:
    try:
        return Decimal(str(value).strip())
    except (InvalidOperation, ValueError, TypeError):
        raise field_error(field, _("%(label)s应为数字") % {"label": label}) from None


def _managed_contest(contest: Contest, by) -> Contest:
    """The contest, if the actor runs it (contests.manage, and an organiser in their subtree)."""
    scope_of(by).require(MANAGE)
    return Contest.objects.writable_by(by).require(contest)


def _managed_event(event: Event, by, *, field: str = "name", open_only: bool = True) -> Event:
    """The event, if the actor runs its contest, locked for this transaction (and still open)."""
    scope_of(by).require(MANAGE)
    Event.objects.writable_by(by).require(event)
    event = Event.objects.select_for_update().select_related("contest").get(pk=event.pk)
    if open_only and event.is_locked:
        raise field_error(field, _("该项目成绩已锁定，须先重新开启"))
    return event


def _scheme_unscored(event: Event, field: str) -> None:
    if Score.objects.filter(registration__event=event).exists():
        raise field_error(field, _("该项目已开始评分，评分方案不能再修改"))


# --- contests and events ---


@transaction.atomic
def contest_create(
    *,
    title: str,
    year: int,
    level: str,
    held_on: date,
    organisers,
    by,
    rules: str = "",
) -> Contest:
    """A contest organised by organisations the actor acts for (a federation, a union)."""
    scope_of(by).require(MANAGE)
    organisers = [Organisation.objects.writable_by(by).require(o) for o in organisers]
    if not organisers:
        raise field_error("organisers", _("请选择至少一个主办单位"))
    if held_on is not None and year is not None and held_on.year != year:
        raise field_error("held_on", _("比赛日期应在%(year)d年度内") % {"year": year})
    contest = Contest(
        title=(title or "").strip(), year=year, level=level, held_on=held_on, rules=rules or "", created_by=by
    )
    contest.full_clean()
    contest.save()
    ContestOrganiser.objects.bulk_create(
        [ContestOrganiser(contest=contest, organisation=o) for o in organisers]
    )
    audit_record(
        actor=by,
        action="contest.create",
        obj=contest,
        detail={"organisers": [o.code for o in organisers], "year": year, "level": level},
    )
    return contest


@transaction.atomic
def event_create(
    *,
    contest: Contest,
    name: str,
    by,
    award_basis: str = Event.AwardBasis.COUNT,
    first=0,
    second=0,
    third=0,
    merit=0,
) -> Event:
    contest = _managed_contest(contest, by)
    event = Event(contest=contest, name=(name or "").strip(), award_basis=award_basis)
    _set_awards(event, first=first, second=second, third=third, merit=merit)
    event.full_clean(validate_constraints=False)
    if contest.events.filter(name=event.name).exists():
        raise field_error("name", _("本竞赛已有项目“%(name)s”") % {"name": event.name})
    event.save()
    audit_record(actor=by, action="contest.event_create", obj=event, detail={"contest": contest.pk})
    return event


def _set_awards(event: Event, **numbers) -> None:
    for key, label in Event.AWARDS:
        value = _decimal(numbers[key], key, str(label))
        if value < 0:
            raise field_error(key, _("%(label)s的名额或比例不能为负数") % {"label": label})
        if event.award_basis == Event.AwardBasis.COUNT and value != value.to_integral_value():
            raise field_error(key, _("%(label)s的名额应为整数") % {"label": label})
        setattr(event, key, value)
    if event.award_basis == Event.AwardBasis.RATIO and sum(getattr(event, k) for k, _l in Event.AWARDS) > 100:
        raise field_error("first", _("各奖项比例合计不能超过100%"))


@transaction.atomic
def event_set_rules(
    *, event: Event, tie_break: list[str], award_basis: str, first, second, third, merit, by
) -> Event:
    """The organisers' tie-break chain and award rule for the event (before it locks)."""
    event = _managed_event(event, by, field="tie_break")
    tie_break = [item.strip() for item in tie_break if item.strip()]
    if error := marking.chain_error(tie_break, event.parts.values_list("name", flat=True)):
        raise field_error("tie_break", error)
    if award_basis not in Event.AwardBasis.values:
        raise field_error("award_basis", _("请选择奖项设置方式"))
    event.tie_break, event.award_basis = tie_break, award_basis
    _set_awards(event, first=first, second=second, third=third, merit=merit)
    event.save(update_fields=["tie_break", "award_basis", "first", "second", "third", "merit"])
    audit_record(
        actor=by,
        action="contest.event_rules",
        obj=event,
        detail={"tie_break": tie_break, "awards": [str(getattr(event, k)) for k, _l in Event.AWARDS]},
    )
    return event


@transaction.atomic
def part_add(*, event: Event, name: str, weight, by) -> Part:
    event = _managed_event(event, by)
    _scheme_unscored(event, "name")
    weight = _decimal(weight, "weight", _("权重"))
    if not 0 < weight <= 100:
        raise field_error("weight", _("权重应大于0且不超过100"))
    total = sum(event.parts.values_list("weight", flat=True), Decimal(0)) + weight
    if total > 100:
        raise field_error("weight", _("各部分权重合计为%(total)s%%，不能超过100%%") % {"total": total})
    part = Part(event=event, name=(name or "").strip(), weight=weight)
    part.full_clean(validate_constraints=False)
    if event.parts.filter(name=part.name).exists():
        raise field_error("name", _("该项目已有评分部分“%(name)s”") % {"name": part.name})
    part.save()
    audit_record(
        actor=by, action="contest.part_add", obj=event, detail={"part": part.name, "weight": str(weight)}
    )
    return part


@transaction.atomic
def criterion_add(
    *,
    part: Part,
    name: str,
    kind: str,
    max_mark,
    by,
    deduction=None,
    standard_seconds: int | None = None,
    limit_seconds: int | None = None,
    levels=(),
) -> Criterion:
    """A criterion of a part: measurement (full or 0, or a deduction per fault), judgement (a 0–3
    ladder with a description of each level) or time (full up to the standard, 0 from the limit)."""
    event = _managed_event(part.event, by)
    part = event.parts.get(pk=part.pk)
    _scheme_unscored(event, "name")
    max_mark = _decimal(max_mark, "max_mark", _("满分"))
    if max_mark <= 0:
        raise field_error("max_mark", _("满分应大于0"))
    criterion = Criterion(part=part, name=(name or "").strip(), kind=kind, max_mark=max_mark)
    if kind == Criterion.Kind.MEASUREMENT and deduction not in (None, ""):
        criterion.deduction = _decimal(deduction, "deduction", _("每处扣分"))
        if criterion.deduction <= 0:
            raise field_error("deduction", _("每处扣分应大于0"))
    elif kind == Criterion.Kind.JUDGEMENT:
        levels = [str(text).strip() for text in levels]
        if len(levels) != 4 or not all(levels):
            raise field_error("levels", _("评判项须写明0、1、2、3各级的说明"))
        criterion.levels = levels
    elif kind == Criterion.Kind.TIME:
        if not standard_seconds or not limit_seconds or limit_seconds <= standard_seconds:
            raise field_error("limit_seconds", _("用时项须设标准用时，最长用时应大于标准用时"))
        criterion.standard_seconds, criterion.limit_seconds = standard_seconds, limit_seconds
    criterion.full_clean(validate_constraints=False)
    if part.criteria.filter(name=criterion.name).exists():
        raise field_error("name", _("该部分已有评分项“%(name)s”") % {"name": criterion.name})
    criterion.save()
    audit_record(
        actor=by,
        action="contest.criterion_add",
        obj=event,
        detail={"part": part.name, "criterion": criterion.name, "kind": kind, "max": str(max_mark)},
    )
    return criterion


# --- judges ---


def _employer_of(person_id: int | None) -> int | None:
    if person_id is None:
        return None
    return (
        Membership.objects.filter(person_id=person_id, ended_on__isnull=True)
        .values_list("enterprise_id", flat=True)
        .first()
    )


@transaction.atomic
def judge_add(
    *,
    event: Event,
    by,
    user=None,
    name: str = "",
    enterprise: Enterprise | None = None,
    capacity: str = Judge.Capacity.JUDGE,
) -> Judge:
    """A judge of the event: a user (who then scores on the platform) or a named person; their
    enterprise (a user's employer by default) keeps them from scoring a colleague."""
    event = _managed_event(event, by, field="capacity")
    name = (name or "").strip() or (user.get_full_name() or user.get_username() if user else "")
    if not name:
        raise field_error("name", _("请填写裁判姓名或选择账号"))
    if capacity not in Judge.Capacity.values:
        raise field_error("capacity", _("请选择职责"))
    if capacity != Judge.Capacity.JUDGE and user is None:
        raise field_error("user", _("裁判长和监督须有平台账号，以便签字锁定成绩"))
    judge = Judge(
        event=event,
        user=user,
        name=name,
        enterprise_id=enterprise.pk if enterprise else _employer_of(getattr(user, "person_id", None)),
        capacity=capacity,
        added_by=by,
    )
    try:
        with transaction.atomic():
            judge.save()
    except IntegrityError:
        if user is not None and event.judges.filter(user=user).exists():
            raise field_error("user", _("%(name)s已是本项目的裁判") % {"name": name}) from None
        raise field_error(
            "capacity", _("本项目已有%(capacity)s") % {"capacity": judge.get_capacity_display()}
        ) from None
    audit_record(
        actor=by, action="contest.judge_add", obj=event, detail={"judge": name, "capacity": capacity}
    )
    return judge


# --- registration ---


def eligible_membership(*, event: Event, person: Person) -> Membership | None:
    """The person's membership on the contest date in a union below an organiser, with an employer
    in an organiser's subtree (by the enterprise's federation or union); None when not eligible."""
    paths = list(event.contest.organisers.values_list("path", flat=True))
    memberships = (
        Membership.objects.active_on(event.contest.held_on)
        .filter(person=person)
        .select_related("union", "enterprise__federation", "enterprise__union")
    )
    for membership in memberships:
        enterprise = membership.enterprise
        enterprise_paths = [
            org.path
            for org in (getattr(enterprise, "federation", None), getattr(enterprise, "union", None))
            if org
        ]
        if any(membership.union.path.startswith(p) for p in paths) and any(
            e.startswith(p) for e in enterprise_paths for p in paths
        ):
            return membership
    return None


@transaction.atomic
def registration_create(*, event: Event, person: Person, by) -> Registration:
    """Registers a competitor: a worker registers themself; a union admin their union's members;
    contest staff anyone eligible. Eligible: a member on the contest date whose employer is in the
    organisers' scope. Once per event (a database constraint)."""
    scope = scope_of(by)
    Event.objects.visible_to(by).require(event)
    if scope.role == Role.WORKER:
        if person.pk != scope.person_id:
            raise NotInScope
    elif not scope.can("contests.register"):
        raise NotInScope
    event = Event.objects.select_for_update().select_related("contest").get(pk=event.pk)
    membership = eligible_membership(event=event, person=person)
    if membership is not None and scope.role == Role.UNION_ADMIN:
        Membership.objects.writable_by(by).require(membership)
    if scope.role == Role.FEDERATION_STAFF:
        Event.objects.writable_by(by).require(event)
    if event.is_locked:
        raise field_error("person", _("该项目成绩已锁定，不能再报名"))
    if membership is None:
        raise field_error(
            "person",
            _("%(name)s在比赛日期（%(day)s）不是主办单位范围内的会员，或用工单位不在主办单位范围内，不能报名")
            % {"name": person.name, "day": event.contest.held_on.isoformat()},
        )
    duplicate = field_error(
        "person", _("%(name)s已报名“%(event)s”，不能重复报名") % {"name": person.name, "event": event.name}
    )
    if event.registrations.filter(person=person).exists():
        raise duplicate
    number = (event.registrations.aggregate(n=Max("number"))["n"] or 0) + 1
    registration = Registration(
        event=event,
        person=person,
        membership=membership,
        union=membership.union,
        enterprise=membership.enterprise,
        number=number,
        registered_by=by,
    )
    try:
        with transaction.atomic(), rollups.event_changing(event.pk):
            registration.save()
    except IntegrityError:
        raise duplicate from None
    audit_record(
        actor=by,
        action="contest.register",
        obj=registration,
        detail={"event": event.pk, "union": membership.union.code, "self": person.pk == scope.person_id},
    )
    return registration


# --- scoring ---


def _scorer(judge: Judge, by) -> None:
    """The judge scores for themself; a named judge without an account has their paper sheet
    transcribed by contest staff. Anyone else is refused."""
    if judge.user_id is not None:
        if judge.user_id != getattr(by, "pk", None):
            raise NotInScope
        return
    _managed_contest(judge.event.contest, by)


@transaction.atomic
def score_record(
    *, registration: Registration, criterion: Criterion, judge: Judge, value, by, reason: str = ""
) -> Score:
    """Records a judge's value for a criterion of a competitor. A judgement is one score per judge;
    a measurement or a time is one score for the competitor, whichever judge records it. Changing a
    score needs a reason (and is kept in ScoreChange); judges more than one level apart on a judgement
    open a flag, which a re-score with a reason resolves. Refused once the event is locked."""
    judge = Judge.objects.select_related("event__contest").get(pk=judge.pk)
    _scorer(judge, by)
    event = Event.objects.select_for_update().get(pk=judge.event_id)
    registration = Registration.objects.select_related("person", "enterprise").get(pk=registration.pk)
    criterion = Criterion.objects.select_related("part").get(pk=criterion.pk)
    if registration.event_id != event.pk or criterion.part.event_id != event.pk:
        raise NotInScope
    if event.is_locked:
        raise field_error("value", _("该项目成绩已锁定，修改须先由竞赛组织方重新开启并说明原因"))
    if not judge.is_scorer:
        raise field_error("judge", _("监督不参与评分"))
    if judge.enterprise_id is not None and judge.enterprise_id == registration.enterprise_id:
        raise field_error(
            "judge",
            _("裁判%(judge)s与选手%(name)s同属%(enterprise)s，须回避，不能为其评分")
            % {"judge": judge.name, "name": registration.person.name, "enterprise": registration.enterprise},
        )
    value = _decimal(value, "value", criterion.name)
    if error := marking.value_error(criterion, value):
        raise field_error("value", error)
    reason = (reason or "").strip()
    scores = Score.objects.select_for_update().filter(registration=registration, criterion=criterion)
    score = (scores.filter(judge=judge) if criterion.is_judgement else scores).first()
    flag = Flag.objects.filter(
        registration=registration, criterion=criterion, resolved_at__isnull=True
    ).first()
    old = score.value if score else None
    if score is not None and (old != value or flag is not None) and not reason:
        raise field_error("reason", _("修改已录入的评分须填写原因"))
    if score is None:
        score = Score(registration=registration, criterion=criterion, judge=judge)
    score.judge, score.value, score.mark, score.entered_by = judge, value, marking.mark(criterion, value), by
    score.save()
    ScoreChange.objects.create(score=score, old_value=old, new_value=value, reason=reason, by=by)
    flagged = _check_agreement(registration, criterion, flag, by, reason)
    audit_record(
        actor=by,
        action="contest.score",
        obj=registration,
        detail={
            "criterion": criterion.name,
            "judge": judge.name,
            "old": None if old is None else str(old),
            "value": str(value),
            "reason": reason,
            "flagged": flagged,
        },
    )
    return score


def _check_agreement(registration, criterion, flag: Flag | None, by, reason: str) -> bool:
    """Opens a flag when the judges' levels differ by more than one, resolves it when they no longer do."""
    if not criterion.is_judgement:
        return False
    levels = Score.objects.filter(registration=registration, criterion=criterion).values_list(
        "value", flat=True
    )
    spread = marking.spread(levels)
    if spread > 1:
        if flag is None:
            Flag.objects.create(registration=registration, criterion=criterion, spread=spread)
        else:
            Flag.objects.filter(pk=flag.pk).update(spread=spread)
        return True
    if flag is not None:
        flag.resolved_at, flag.resolved_by, flag.resolution = timezone.now(), by, reason
        flag.save(update_fields=["resolved_at", "resolved_by", "resolution"])
    return False


# --- lock, re-open, publish ---


def _runs_it(scope, event: Event) -> bool:
    return scope.can(MANAGE) and Event.objects.writable_by(scope).filter(pk=event.pk).exists()


def _signs_it(scope, event: Event) -> bool:
    capacities = [Judge.Capacity.CHIEF, Judge.Capacity.SUPERVISOR]
    return event.judges.filter(user_id=scope.user_id, capacity__in=capacities).exists()


# An event's status: locked when both its 裁判长 and 监督 have signed, re-opened by its staff with the
# reason.
EVENT_MACHINE = Machine(
    model=Event,
    history=EventHistory,
    subject="event",
    state="status",
    field="reason",
    reason_field="reason",
    noun=gettext_lazy("该项目"),
    reach=lambda scope, event: _runs_it(scope, event) or _signs_it(scope, event),
    related=("contest",),
    moves=(
        Move(
            "contest.sign_off",
            gettext_lazy("锁定成绩"),
            (Event.Status.OPEN,),
            Event.Status.LOCKED,
            Who(gettext_lazy("裁判长和监督签字"), _signs_it),
        ),
        Move(
            "contest.reopen",
            gettext_lazy("重新开启"),
            (Event.Status.LOCKED,),
            Event.Status.OPEN,
            Who(gettext_lazy("竞赛工作人员"), _runs_it),
            reason=gettext_lazy("重新开启的原因"),
        ),
    ),
)


def lock_problems(event: Event) -> list[str]:
    """What keeps the event from locking (empty when nothing does)."""
    parts = selectors.scheme(event)
    criteria = selectors.criteria_of(parts)
    problems = []
    if sum((p.weight for p in parts), Decimal(0)) != 100:
        problems.append(_("各评分部分权重合计应为100%"))
    if not event.registrations.exists():
        problems.append(_("尚无选手报名"))
    if missing := selectors.missing_scores(event, criteria):
        problems.append(_("还有%(n)d项评分未录入") % {"n": missing})
    if flags := selectors.open_flags(event).count():
        problems.append(_("还有%(n)d处裁判评分分歧待复评") % {"n": flags})
    return problems


@transaction.atomic
def event_sign_off(*, event: Event, by) -> Event:
    """签字: the event's 裁判长 or 监督 confirms the scores of this round. When both have (two
    different users, by the constraints), the event locks and its results are stored."""
    event = Event.objects.select_for_update().select_related("contest").get(pk=event.pk)
    judge = event.judges.filter(
        user_id=getattr(by, "pk", None), capacity__in=[Judge.Capacity.CHIEF, Judge.Capacity.SUPERVISOR]
    ).first()
    if judge is None:
        raise NotInScope
    if event.is_locked:
        raise field_error("reason", _("该项目成绩已锁定"))
    if problems := lock_problems(event):
        raise field_error("reason", "；".join(problems))
    if event.sign_offs.filter(round=event.round, capacity=judge.capacity).exists():
        raise field_error("reason", _("%(capacity)s已签字") % {"capacity": judge.get_capacity_display()})
    try:
        with transaction.atomic():
            SignOff.objects.create(event=event, round=event.round, capacity=judge.capacity, user=by)
    except IntegrityError:
        raise field_error("reason", _("裁判长和监督须由两人分别签字")) from None
    if event.sign_offs.filter(round=event.round).count() < 2:
        audit_record(
            actor=by,
            action="contest.sign_off",
            obj=event,
            detail={"capacity": judge.capacity, "round": event.round, "locked": False},
        )
        return event
    with rollups.event_changing(event.pk):
        event, _step = transition(
            EVENT_MACHINE,
            event,
            Event.Status.LOCKED,
            by=by,
            audit_detail={"capacity": judge.capacity, "round": event.round, "locked": True},
        )
        store_results(event)
    return event


def store_results(event: Event) -> None:
    """The event's standings, places and awards, stored as its results."""
    ranked = selectors.standings(event)
    counts = marking.award_counts(
        event.award_basis, [getattr(event, k) for k, _l in Event.AWARDS], len(ranked)
    )
    won = marking.awards(ranked, counts, [k for k, _l in Event.AWARDS])
    Result.objects.bulk_create(
        [
            Result(
                event=event,
                registration_id=entry.ref,
                total=entry.total,
                parts={name: str(score) for name, score in entry.parts.items()},
                seconds=entry.seconds,
                place=place,
                award=won[entry.ref],
            )
            for entry, place in ranked
        ]
    )


@transaction.atomic
def event_reopen(*, event: Event, reason: str, by) -> Event:
    """重新开启: contest staff re-open a locked event to correct it, with the reason; its results and
    publication are withdrawn and the next lock needs both sign-offs again."""
    event = _managed_event(event, by, field="reason", open_only=False)
    reason = (reason or "").strip()
    with rollups.event_changing(event.pk):
        if event.is_locked:
            event.results.all().delete()
        event, _step = transition(
            EVENT_MACHINE,
            event,
            Event.Status.OPEN,
            by=by,
            note=reason,
            changes={"round": event.round + 1, "published_at": None},
            audit_detail={"reason": reason, "round": event.round + 1},
        )
    return event


@transaction.atomic
def event_publish(*, event: Event, by) -> Event:
    """发布: the locked ranking is shown to the unions and the competitors."""
    event = _managed_event(event, by, field="reason", open_only=False)
    if not event.is_locked:
        raise field_error("reason", _("成绩锁定后才能发布"))
    if event.is_published:
        raise field_error("reason", _("该项目成绩已发布"))
    event.published_at = timezone.now()
    event.save(update_fields=["published_at"])
    audit_record(actor=by, action="contest.publish", obj=event, detail={"results": event.results.count()})
    return event
