"""Skill competitions in the matrix: on each side a contest its federation organises, with one event
whose competitor is that side's member, scored, signed off by its 裁判长 and 监督, locked and published.
On the own side the academy persona is one of the event's judges (a judge reaches the event's scoring
pages and nothing else of it); each side also has a judge without an account, whose paper sheet the
contest's staff transcribe."""

from datetime import date

from gonghui.accounts.models import User
from gonghui.contests import services
from gonghui.core.roles import Role
from tests.authorization.common import (
    FOREIGN_STAFF,
    NOT_ALLOWED,
    OWN_STAFF,
    Call,
    Row,
    answers,
    everyone,
    obj,
    only,
)
from tests.authorization.world import ACADEMY, CITY, PASSWORD, PLATFORM, U1, U2, WORKER, ZONE, ZONE2

OWN_READERS = {WORKER, U1, U2, ZONE, CITY, PLATFORM}  # the contest is open to every union of ZONE
FOREIGN_READERS = {ZONE2, CITY, PLATFORM}
OWN_MANAGERS, FOREIGN_MANAGERS = OWN_STAFF | {PLATFORM}, FOREIGN_STAFF | {PLATFORM}


def _staff(w, side: str) -> User:
    return w.users[ZONE if side == "own" else ZONE2]


def _signer(username: str) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, role=Role.WORKER)
        user.set_password(PASSWORD)
        user.save()
    return user


def make_event(w, side: str, *, name: str = "叉车", weight=100, register: bool = True) -> dict:
    """A contest of the side's federation with one event (one criterion, all or nothing), a named judge
    without an account, a 裁判长 and a 监督, and the side's member registered."""
    s, staff = w.side(side), _staff(w, side)
    contest = services.contest_create(
        title="职工技能竞赛",
        year=2024,
        level="zone",
        held_on=date(2024, 5, 20),
        organisers=[s.federation],
        by=staff,
    )
    event = services.event_create(contest=contest, name=name, by=staff, first=1)
    part = services.part_add(event=event, name="实操", weight=weight, by=staff)
    criterion = services.criterion_add(part=part, name="安全检查", kind="measurement", max_mark=100, by=staff)
    named = services.judge_add(event=event, name="周评委", by=staff)
    for capacity in ("chief", "supervisor"):
        services.judge_add(event=event, user=_signer(f"m-{capacity}-{side}"), capacity=capacity, by=staff)
    made = {"contest": contest, "event": event, "criterion": criterion, "named_judge": named}
    if register:
        made["registration"] = services.registration_create(
            event=event, person=s.person, by=w.users[U1] if side == "own" else staff
        )
    return made


def lock_event(w, side: str, made: dict) -> None:
    """Scored (by staff, for the named judge) and signed off by the 裁判长 and the 监督."""
    services.score_record(
        registration=made["registration"],
        criterion=made["criterion"],
        judge=made["named_judge"],
        value=0,
        by=_staff(w, side),
    )
    for capacity in ("chief", "supervisor"):
        services.event_sign_off(event=made["event"], by=User.objects.get(username=f"m-{capacity}-{side}"))


def extend(world) -> None:
    for side in ("own", "foreign"):
        made = make_event(world, side)
        if side == "own":
            services.judge_add(event=made["event"], user=world.users[ACADEMY], by=world.users[ZONE])
        lock_event(world, side, made)
        services.event_publish(event=made["event"], by=_staff(world, side))
        world.side(side).objects.update({f"contest_{k}": v for k, v in made.items()})


def _event_and_registration(w, side):
    s = w.side(side)
    return [s.contest_event.pk, s.contest_registration.pk]


def _named_judge(w, side):
    return {"judge": w.side(side).contest_named_judge.pk}


READ = answers(OWN_READERS, FOREIGN_READERS)
MANAGE = answers(OWN_MANAGERS, FOREIGN_MANAGERS)
# A judge reads the names and employers of the competitors they score (and stands aside for colleagues).
SCORING = answers(OWN_MANAGERS | {ACADEMY}, FOREIGN_MANAGERS)

ROWS = {
    "contests:contest_list": Row(get=everyone(200), post=everyone(200)),
    "contests:contest_create": Row(
        get=only(OWN_MANAGERS | FOREIGN_MANAGERS), post=only(OWN_MANAGERS | FOREIGN_MANAGERS)
    ),
    "contests:mine": Row(get=only({WORKER}), post=only({WORKER})),
    # everyone who sees a contest reads it; its staff add events (an empty form answers 200)
    "contests:contest_detail": Row(args=obj("contest_contest"), get=READ, post=MANAGE),
    "contests:event_detail": Row(args=obj("contest_event"), get=READ, post=READ),
    "contests:event_scheme": Row(args=obj("contest_event"), get=MANAGE, post=MANAGE),
    # each reader sees the competitors in their own scope; officers and the worker may register
    "contests:registrations": Row(args=obj("contest_event"), get=READ, post=READ),
    "contests:judges": Row(args=obj("contest_event"), get=MANAGE, post=MANAGE),
    "contests:score_list": Row(
        args=obj("contest_event"), query=_named_judge, get=SCORING, post=SCORING, also_reads={ACADEMY: "甲鑫"}
    ),
    "contests:score_sheet": Row(
        args=_event_and_registration,
        query=_named_judge,
        get=SCORING,
        post=SCORING,
        also_reads={ACADEMY: "甲鑫"},
    ),
    # a published ranking names each competitor's employer; people the reader does not reach are masked
    "contests:ranking": Row(args=obj("contest_event"), get=READ, post=READ, also_reads={U2: "鑫"}),
    # only the 裁判长 and the 监督 sign (none of them is a persona): staff may look, not sign
    "contests:lock": Row(args=obj("contest_event"), get=MANAGE, post=answers()),
    "contests:reopen": Row(args=obj("contest_event"), get=everyone(NOT_ALLOWED), post=MANAGE),
    "contests:publish": Row(args=obj("contest_event"), get=everyone(NOT_ALLOWED), post=MANAGE),
    "contests:audit_sheet": Row(args=obj("contest_event"), get=MANAGE, post=MANAGE),
}


def _open(w, **kwargs):
    return {"made": make_event(w, "own", name="电气电工", **kwargs)}


def _locked(w):
    made = make_event(w, "own", name="电气电工")
    lock_event(w, "own", made)
    return {"made": made}


CALLS = {
    "contest_create": Call(
        lambda w, by: services.contest_create(
            title="竞赛",
            year=2024,
            level="zone",
            held_on=date(2024, 6, 1),
            organisers=[w.own.federation],
            by=by,
        ),
        ZONE,
    ),
    "contest_event_create": Call(
        lambda w, by: services.event_create(contest=w.own.contest_contest, name="PLC", by=by), ZONE
    ),
    "contest_event_set_rules": Call(
        lambda w, by, made: services.event_set_rules(
            event=made["event"],
            tie_break=["part:实操"],
            award_basis="count",
            first=1,
            second=1,
            third=1,
            merit=0,
            by=by,
        ),
        ZONE,
        prepare=_open,
    ),
    "contest_part_add": Call(
        lambda w, by, made: services.part_add(event=made["event"], name="理论", weight=30, by=by),
        ZONE,
        prepare=lambda w: _open(w, weight=70),
    ),
    "contest_criterion_add": Call(
        lambda w, by, made: services.criterion_add(
            part=made["criterion"].part,
            name="用时",
            kind="time",
            max_mark=10,
            standard_seconds=60,
            limit_seconds=120,
            by=by,
        ),
        ZONE,
        prepare=_open,
    ),
    "contest_judge_add": Call(
        lambda w, by, made: services.judge_add(event=made["event"], name="吴评委", by=by), ZONE, prepare=_open
    ),
    "contest_registration_create": Call(
        lambda w, by, made: services.registration_create(event=made["event"], person=w.own.person, by=by),
        U1,
        prepare=lambda w: _open(w, register=False),
    ),
    "contest_score_record": Call(
        lambda w, by, made: services.score_record(
            registration=made["registration"],
            criterion=made["criterion"],
            judge=made["named_judge"],
            value=1,
            by=by,
        ),
        ZONE,  # transcribing the paper sheet of a judge without an account
        prepare=_open,
    ),
    "contest_event_sign_off": Call(
        lambda w, by: services.event_sign_off(event=w.own.contest_event, by=by),
        None,  # only the event's 裁判长 and 监督 sign, and neither is a persona (see the app's tests)
    ),
    "contest_event_reopen": Call(
        lambda w, by: services.event_reopen(event=w.own.contest_event, reason="复核", by=by), ZONE
    ),
    "contest_event_publish": Call(
        lambda w, by, made: services.event_publish(event=made["event"], by=by),
        ZONE,
        prepare=_locked,
    ),
}
