"""The honours register's part of the authorization tests: on each side a round of that side's
federation with a candidate in 公示 (and an objection with a unit's seal), an award to that side's
marked member, and an eligibility rule. The candidates' names carry no marker: the public notice
shows them to anyone."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from gonghui.honours import services
from gonghui.honours.models import HonourTitle, Status
from gonghui.members.tests.factories import make_member
from gonghui.orgs.tests.factories import EnterpriseFactory
from tests.authorization.common import (
    FOREIGN_OFFICERS,
    FOREIGN_STAFF,
    FOUND,
    NOT_ALLOWED,
    OFFICERS,
    OK,
    OWN_OFFICERS,
    OWN_STAFF,
    STAFF,
    Call,
    Row,
    answers,
    everyone,
    obj,
    only,
)
from tests.authorization.world import CITY, PDF, PLATFORM, U1, U2, WORKER, ZONE, ZONE2

MANAGERS = STAFF | {PLATFORM}
OWN_ROUND = {U1, U2, ZONE, CITY, PLATFORM}  # the zone's unions nominate to the zone's rounds


def _title(code):
    return HonourTitle.objects.get(code=code)


def _side(w, side, *, staff, nominator, nominee, workplace):
    today = timezone.localdate()
    o = side.objects
    o["round"] = services.round_create(
        federation=side.federation,
        title=_title("may_day_medal"),
        level="city",
        year=today.year,
        name=f"{today.year}年五一劳动奖章推荐",
        places=10,
        closes_on=today.replace(year=today.year + 1),
        awarding_body="明月市总工会",
        quotas={"industrial_worker": 35},
        by=staff,
    )
    person = make_member(
        side.union, name=nominee, enterprise=EnterpriseFactory(name=workplace, union=side.union)
    ).person
    nomination = services.nomination_create(
        round=o["round"],
        person=person,
        attributes=["industrial_worker"],
        deeds="扎根一线，带领班组完成多项技术革新。",
        on=today,
        by=nominator,
    )
    for to in (Status.MATERIAL_REVIEW, Status.EVALUATION, Status.PUBLICITY):
        nomination = services.nomination_advance(nomination=nomination, to=to, on=today, by=staff)
    o["nomination"] = nomination
    o["objection"] = services.objection_submit(
        nomination=nomination,
        kind="unit",
        name="明月市某某机械有限公司",
        contact="0795-1234567",
        content="该候选人的事迹材料与实际不符，请核实。",
        seal=SimpleUploadedFile("公章.pdf", PDF, content_type="application/pdf"),
        on=today,
    )
    o["award"] = services.award_record(
        title=_title("labour_model"),
        level="city",
        year=2022,
        awarding_body="明月市人民政府",
        organisation=side.union,
        person=side.person,
        by=staff,
    )
    o["rule"] = services.rule_create(
        federation=side.federation,
        name="市级竞赛前三名可推荐市五一劳动奖章",
        evidence_kind="contests.result",
        level="city",
        max_place=3,
        outcome="nomination",
        title=_title("may_day_medal"),
        title_level="city",
        by=staff,
    )


def extend(world) -> None:
    _side(
        world,
        world.own,
        staff=world.users[ZONE],
        nominator=world.users[U1],
        nominee="周新荣",
        workplace="锂电精工厂",
    )
    _side(
        world,
        world.foreign,
        staff=world.users[ZONE2],
        nominator=world.users[ZONE2],
        nominee="吴新华",
        workplace="储能精工厂",
    )


ROWS = {
    "honours:round_list": Row(get=only(OFFICERS), post=only(OFFICERS)),
    "honours:round_create": Row(get=only(MANAGERS), post=only(MANAGERS)),
    "honours:round_detail": Row(
        args=obj("round"), get=answers(OWN_ROUND, FOREIGN_OFFICERS), post=answers(OWN_ROUND, FOREIGN_OFFICERS)
    ),
    # an empty body names no one: the form says so
    "honours:nominate": Row(
        args=obj("round"), get=everyone(NOT_ALLOWED), post=answers(OWN_ROUND, FOREIGN_OFFICERS)
    ),
    "honours:nomination_detail": Row(
        args=obj("nomination"),
        get=answers(OWN_OFFICERS, FOREIGN_OFFICERS),
        post=answers(OWN_OFFICERS, FOREIGN_OFFICERS),
    ),
    # only the staff running the round move a nomination; the union that put it forward reads it
    "honours:nomination_advance": Row(
        args=obj("nomination"),
        get=everyone(NOT_ALLOWED),
        post=answers(OWN_STAFF | {PLATFORM}, FOREIGN_STAFF | {PLATFORM}),
    ),
    "honours:objection_answer": Row(
        args=obj("objection"),
        get=everyone(NOT_ALLOWED),
        post=answers(OWN_STAFF | {PLATFORM}, FOREIGN_STAFF | {PLATFORM}),
    ),
    "honours:objection_seal": Row(
        args=obj("objection"),
        get=answers(OWN_STAFF | {PLATFORM}, FOREIGN_STAFF | {PLATFORM}),
        post=answers(OWN_STAFF | {PLATFORM}, FOREIGN_STAFF | {PLATFORM}),
    ),
    # the public notice: anyone, signed in or not
    "honours:notice": Row(args=obj("round"), get=everyone(OK, anonymous=OK), post=everyone(OK, anonymous=OK)),
    "honours:award_list": Row(get=only(OFFICERS | {WORKER}), post=only(OFFICERS | {WORKER})),
    "honours:tally": Row(get=only(MANAGERS), post=only(MANAGERS)),
    "honours:rule_list": Row(get=only(MANAGERS), post=only(MANAGERS)),
    "honours:talent_me": Row(get=only({WORKER}, yes=FOUND), post=only({WORKER}, yes=FOUND)),
    "honours:talent": Row(
        args=obj("person"),
        get=answers(OWN_OFFICERS | {WORKER}, FOREIGN_OFFICERS),
        post=answers(OWN_OFFICERS | {WORKER}, FOREIGN_OFFICERS),
    ),
    "honours:talent_nominate": Row(
        args=obj("person"), get=everyone(NOT_ALLOWED), post=answers(OWN_OFFICERS, FOREIGN_OFFICERS)
    ),
}


def _nominate(w, by, person):
    return services.nomination_create(
        round=w.own.round, person=person, deeds="长期坚守生产一线，多次获评岗位能手。", by=by
    )


# objection_submit is the public notice's: it has no actor to check (it is validated and slowed).
CALLS = {
    "honours_round_create": Call(
        lambda w, by: services.round_create(
            federation=w.own.federation,
            title=_title("craftsman"),
            level="city",
            year=2024,
            name="工匠推荐",
            places=5,
            closes_on=timezone.localdate(),
            awarding_body="明月市总工会",
            by=by,
        ),
        ZONE,
    ),
    "honours_rule_create": Call(
        lambda w, by: services.rule_create(
            federation=w.own.federation,
            name="技能晋升",
            evidence_kind="academy.certificate",
            outcome="skill_step",
            outcome_label="可申报技能等级晋升一级",
            by=by,
        ),
        ZONE,
    ),
    "honours_award_record": Call(
        lambda w, by: services.award_record(
            title=_title("model_workers_home"),
            level="city",
            year=2023,
            awarding_body="明月市总工会",
            organisation=w.own.union,
            by=by,
        ),
        ZONE,
    ),
    "honours_nomination_create": Call(
        _nominate, U1, prepare=lambda w: {"person": make_member(w.own.union, name="郑新民").person}
    ),
    "honours_nomination_advance": Call(
        lambda w, by: services.nomination_advance(
            nomination=w.own.nomination, to=Status.REJECTED, note="经核实，事迹材料不实", by=by
        ),
        ZONE,
    ),
    "honours_objection_answer": Call(
        lambda w, by: services.objection_answer(
            objection=w.own.objection, answer="经核实，异议不成立。", by=by
        ),
        ZONE,
    ),
}
