"""Walking a founding through its steps with fictional but valid content, for tests and the journey."""

from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile

from gonghui.coverage.models import Founding, Step
from gonghui.coverage.services import FLOW, RULES, Actor, founding_advance, founding_start, recruit_register
from gonghui.members.tests.factories import fake

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name="材料.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def id_number(gender: str) -> str:
    # Births before 1993: the faker's region 362222 (高安县) was abolished in 1993, later births with it
    # would be refused by the validator.
    return fake.resident_id(born=fake.birth_date(1970, 1992), gender=gender)


RECRUITS = [("王建国", "M"), ("李秀英", "F"), ("张伟", "M"), ("刘芳", "F"), ("陈明", "M")]


def register_recruits(founding, by, people=RECRUITS, on=date(2024, 5, 1)):
    return [
        recruit_register(
            founding=founding,
            id_number=id_number(gender),
            name=name,
            mobile=fake.mobile(),
            registered_on=on,
            by=by,
        )
        for name, gender in people
    ]


def content_for(founding: Founding, step: Step) -> dict:
    """Valid content for each step: the first recruits become chair, vice-chair, committee, audit."""
    recruits = [r.person_id for r in founding.recruits.order_by("id")]
    if step == Step.PREPARATORY:
        return {"members": ["王建国", "李秀英", "赵主任"]}
    if step == Step.GROUPS:
        return {"groups": ["生产一组", "生产二组"]}
    if step == Step.SLATE:
        return {"candidates": recruits}
    if step == Step.ASSEMBLY:
        return {"expected": len(recruits), "present": len(recruits)}
    if step == Step.ELECTION and len(recruits) >= 4:
        chair, vice, committee, audit_chair, *audit = recruits
        return {
            "chair": chair,
            "vice_chairs": [vice],
            "committee": [committee],
            "audit_chair": audit_chair,
            "audit_members": audit,
            "term_years": 5,
        }
    if step == Step.ESTABLISHED:
        return {"code": "UNEW", "name": "丙储能科技有限公司工会"}
    return {}


def advance(founding, step, by, on=date(2024, 6, 1), **kwargs):
    kwargs.setdefault("data", content_for(founding, step))
    if RULES[step].document and "documents" not in kwargs:
        kwargs["documents"] = [pdf()]
    kwargs.setdefault("note", "已办理")
    return founding_advance(founding=founding, step=step, by=by, on=on, **kwargs)


def walk(enterprise, *, until: Step, officer, leader, on=date(2024, 6, 1)) -> Founding:
    """Starts a founding and records every step up to `until`: the officer carries, the leader approves."""
    founding = founding_start(enterprise=enterprise, on=date(2024, 3, 1), by=officer)
    for step in FLOW[1 : FLOW.index(until) + 1]:
        if step == Step.RECRUITMENT:
            register_recruits(founding, officer)
        by = leader if RULES[step].actor == Actor.APPROVAL else officer
        advance(founding, step, by, on=on)
    founding.refresh_from_db()
    return founding
