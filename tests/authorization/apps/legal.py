"""The legal service in the authorization tests: each side's lawyer (lawyer_a is ZONE's, lawyer_b
ZONE2's), a consultation at the union, a legal-aid case and a court-referred mediation at the
federation, each assigned to that side's lawyer. A lawyer reaches only their own cases: lawyer_b
gets 404 on every page of lawyer_a's, and the reverse."""

from datetime import date

from gonghui.legal import services
from gonghui.legal.models import Lawyer
from gonghui.legal.tests.factories import lawyer_user
from tests.authorization.common import (
    FOREIGN_OFFICERS,
    NOT_ALLOWED,
    OFFICERS,
    OWN_OFFICERS,
    Call,
    Row,
    answers,
    everyone,
    obj,
    only,
)
from tests.authorization.world import CITY, LAWYER_A, LAWYER_B, PLATFORM, U1, WORKER, ZONE, ZONE2

FACTS = "公司拖欠工资三个月。"
READERS = OFFICERS | {LAWYER_A, LAWYER_B}
OWN = OWN_OFFICERS | {LAWYER_A}
FOREIGN = FOREIGN_OFFICERS | {LAWYER_B}
# the case file (and the letter made from it) is not the platform administrators' to read
OWN_FILE, FOREIGN_FILE = OWN - {PLATFORM}, FOREIGN - {PLATFORM}
# a lawyer reads the names in the cases assigned to them
LAWYERS_READ = {LAWYER_A: "甲鑫", LAWYER_B: "丙寅"}


def _side(side, *, staff, union_admin, lawyer_user, licence: str, court: str) -> None:
    o = side.objects
    lawyer = services.lawyer_create(
        user=lawyer_user,
        name="孙立" if licence.endswith("1") else "钱越",
        firm="明月律师事务所",
        licence_number=licence,
        engaged_by=side.federation,
        term_start=date(2023, 1, 1),
        term_end=date(2026, 12, 31),
        specialities=[Lawyer.Speciality.WAGES],
        by=staff,
    )
    o["lawyer"] = lawyer
    o["consultation"] = services.consultation_record(
        org=side.union,
        person=side.person,
        channel="visit",
        topic="wages",
        asked_on=date(2024, 4, 1),
        question="加班费如何计算？",
        lawyer=lawyer,
        outcome="answered",
        by=union_admin,
    )
    aid = services.aid_apply(
        org=side.federation,
        person=side.person,
        topic="wages",
        applied_on=date(2024, 4, 1),
        facts=FACTS,
        by=staff,
    )
    services.case_advance(case=aid, action="aid.grant", by=staff, on=date(2024, 4, 2))
    services.case_advance(case=aid, action="aid.assign", by=staff, on=date(2024, 4, 3), lawyer=lawyer)
    o["aid_case"] = aid
    dispute = services.dispute_receive(
        org=side.federation,
        person=side.person,
        employer=side.enterprise,
        employer_name="",
        topic="wages",
        received_on=date(2024, 5, 6),
        facts=FACTS,
        source="court",
        court=court,
        by=staff,
    )
    for action, extra in (
        ("dispute.accept", {}),
        ("dispute.assign", {"lawyer": lawyer}),
        ("dispute.start", {}),
        ("dispute.succeed", {"text": "公司分两期支付欠薪。", "amount": "6000.00"}),
    ):
        services.case_advance(case=dispute, action=action, by=staff, on=date(2024, 5, 8), **extra)
    o["dispute"] = dispute


def extend(world) -> None:
    u = world.users
    _side(
        world.own,
        staff=u[ZONE],
        union_admin=u[U1],
        lawyer_user=u[LAWYER_A],
        licence="13609200000000001",
        court="明月市秀江区人民法院",
    )
    _side(
        world.foreign,
        staff=u[ZONE2],
        union_admin=u[ZONE2],
        lawyer_user=u[LAWYER_B],
        licence="13609200000000002",
        court="明月市高新区人民法院",
    )


def _case_rows(kind: str, action: str) -> dict[str, Row]:
    name = {"consultation": "consultation", "aid": "aid_case", "dispute": "dispute"}[kind]
    return {
        f"legal:{kind}_list": Row(get=only(READERS), post=only(READERS), also_reads=LAWYERS_READ),
        f"legal:{kind}_create": Row(get=only(OFFICERS), post=only(OFFICERS)),
        f"legal:{kind}_detail": Row(
            args=obj(name), get=answers(OWN, FOREIGN), post=answers(OWN, FOREIGN), also_reads=LAWYERS_READ
        ),
        # an empty body is an unbound move: the case page again, with the errors
        f"legal:{kind}_advance": Row(
            args=lambda w, side: [w.side(side).objects[name].pk, action],
            get=everyone(NOT_ALLOWED),
            post=answers(OWN, FOREIGN),
            also_reads=LAWYERS_READ,
        ),
    }


def _document_row(name: str) -> Row:
    return Row(args=obj(name), get=everyone(NOT_ALLOWED), post=answers(OWN, FOREIGN), also_reads=LAWYERS_READ)


ROWS = {
    "legal:lawyer_list": Row(get=only(READERS), post=only(READERS)),
    "legal:lawyer_create": Row(get=only(OFFICERS), post=only(OFFICERS)),
    **_case_rows("consultation", "consultation.answer"),
    **_case_rows("aid", "aid.start"),
    **_case_rows("dispute", "dispute.close"),
    "legal:dispute_letter": Row(
        args=obj("dispute"), get=answers(OWN_FILE, FOREIGN_FILE), post=answers(OWN_FILE, FOREIGN_FILE)
    ),
    "legal:aid_document_add": _document_row("aid_case"),
    "legal:dispute_document_add": _document_row("dispute"),
    "legal:mine": Row(get=only({WORKER}), post=only({WORKER})),
    "legal:ask": Row(get=only({WORKER}), post=only({WORKER})),
}


def _requested(w):
    return {
        "consultation": services.consultation_record(
            org=w.own.union,
            person=w.own.person,
            channel="phone",
            topic="injury",
            asked_on=date(2024, 6, 1),
            question="工伤认定",
            by=w.users[U1],
        )
    }


CALLS = {
    "lawyer_create": Call(
        lambda w, by, user: services.lawyer_create(
            user=user,
            name="李新",
            firm="明月律师事务所",
            licence_number="13609200000000009",
            engaged_by=w.own.federation,
            term_start=date(2024, 1, 1),
            term_end=date(2025, 12, 31),
            by=by,
        ),
        ZONE,
        prepare=lambda w: {"user": lawyer_user("m-lawyer-new")},
    ),
    "lawyer_update": Call(
        lambda w, by: services.lawyer_update(lawyer=w.own.lawyer, phone="13900000001", by=by), ZONE
    ),
    "consultation_record": Call(
        lambda w, by: services.consultation_record(
            org=w.own.union,
            person=w.own.person,
            channel="phone",
            topic="wages",
            asked_on=date(2024, 6, 1),
            question="年休假",
            by=by,
        ),
        U1,
    ),
    "consultation_request": Call(
        lambda w, by: services.consultation_request(
            person=w.own.person, topic="wages", question="年休假", by=by
        ),
        WORKER,
    ),
    "consultation_answer": Call(
        lambda w, by, consultation: services.case_advance(
            case=consultation, action="consultation.answer", by=by, on=date(2024, 6, 2), outcome="answered"
        ),
        U1,
        prepare=_requested,
    ),
    "aid_apply": Call(
        lambda w, by: services.aid_apply(
            org=w.own.federation,
            person=w.own.person,
            topic="wages",
            applied_on=date(2024, 6, 1),
            facts=FACTS,
            by=by,
        ),
        ZONE,
    ),
    "aid_advance": Call(
        lambda w, by: services.case_advance(
            case=w.own.aid_case, action="aid.start", by=by, on=date(2024, 6, 1)
        ),
        LAWYER_A,
    ),
    "dispute_receive": Call(
        lambda w, by: services.dispute_receive(
            org=w.own.union,
            person=w.own.person,
            employer_name="锂电鑫厂",
            topic="wages",
            received_on=date(2024, 6, 1),
            facts=FACTS,
            by=by,
        ),
        U1,
    ),
    "dispute_advance": Call(
        lambda w, by: services.case_advance(
            case=w.own.dispute, action="dispute.close", by=by, on=date(2024, 6, 1)
        ),
        ZONE,
    ),
    "case_document_add": Call(
        lambda w, by: services.case_document_add(
            case=w.own.dispute, title="工资条", text="应发工资6200元", on=date(2024, 6, 1), by=by
        ),
        LAWYER_A,
    ),
    "case_file_read": Call(lambda w, by: services.case_file_read(case=w.own.dispute, by=by), LAWYER_A),
    "feedback_letter": Call(lambda w, by: services.feedback_letter(dispute=w.own.dispute, by=by), CITY),
}
