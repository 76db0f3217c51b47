"""Medical mutual aid in the authorization tests: each zone's plan, its union's group enrolment and a
claim in each state, filed by a second officer of the union (so that the union's admin persona may
review it); the rows of every page and the service calls.

Medical details and documents are for a claim's handlers only: the officers of its union and the
staff of the federation running its plan (not the city's staff above it, nor the platform's admins).
"""

from datetime import date
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from gonghui.accounts.models import User
from gonghui.core.roles import Role
from gonghui.members.models import Membership
from gonghui.members.tests.factories import make_member
from gonghui.mutual_aid import services
from tests.authorization.common import (
    FOREIGN_OFFICERS,
    FOUND,
    NOT_ALLOWED,
    OFFICERS,
    OWN_OFFICERS,
    STAFF,
    Call,
    Row,
    answers,
    everyone,
    obj,
    only,
)
from tests.authorization.world import CITY, PASSWORD, PDF, PLATFORM, U1, U2, WORKER, ZONE, ZONE2

PLAN = {
    "kind": "hospital",
    "starts_on": date(2024, 1, 1),
    "term_years": 1,
    "enrol_until": date(2024, 12, 31),
    "premium_per_share": Decimal("20.00"),
    "max_shares": 3,
    "daily_tiers": [{"from": 1, "to": None, "amount": "50.00"}],
    "exclusion_days": 30,
    "min_participation": Decimal("0.8"),
}


def _pdf(name="诊断证明.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def _file(plan, person, by, month: int, side: str):
    return services.claim_submit(
        plan=plan,
        person=person,
        filed_on=date(2024, month, 20),
        event_on=date(2024, month, 2),
        admitted_on=date(2024, month, 2),
        discharged_on=date(2024, month, 6),
        cause_code="K35",
        diagnosis="急性阑尾炎",
        hospital="市人民医院",
        stay="手术治疗",
        total_cost=Decimal("9000.00"),
        insurance_paid=Decimal("6000.00"),
        invoices=[f"INV{side}{month:02d}0001"],
        account_name=person.name,
        account_number="6222020200112233445",
        bank="工商银行",
        consent=True,
        consent_on=date(2024, month, 10),
        documents=[_pdf()],
        by=by,
    )


def _plan(federation, staff, **overrides):
    plan = services.plan_create(
        federation=federation, by=staff, **(PLAN | {"name": "住院医疗互助"} | overrides)
    )
    return services.plan_publish(plan=plan, by=staff)


def _enrol(plan, side, union_admin):
    return services.enrolment_create(
        plan=plan,
        union=side.union,
        enterprise=side.enterprise,
        memberships=list(Membership.objects.active().filter(enterprise=side.enterprise)),
        shares=1,
        enrolled_on=date(2024, 1, 1),
        by=union_admin,
    )


def _side(world, side, staff, union_admin, clerk):
    o = side.objects
    o["aid_union_admin"] = union_admin
    o["plan"] = _plan(side.federation, staff)
    o["batch"] = _enrol(o["plan"], side, union_admin)
    name = "own" if side is world.own else "foreign"
    person = side.person
    claims = {}
    for month, state in enumerate(
        ("submitted", "returned", "union_reviewed", "federation_reviewed", "amount_set", "paid"), start=2
    ):
        claim = _file(o["plan"], person, clerk, month, name)
        if state != "submitted":
            claim = services.claim_move(claim=claim, to="union_reviewed", by=union_admin)
        if state == "returned":
            claim = services.claim_move(claim=claim, to="returned", by=staff, note="请补充出院小结")
        if state in ("federation_reviewed", "amount_set", "paid"):
            claim = services.claim_move(claim=claim, to="federation_reviewed", by=staff)
        if state in ("amount_set", "paid"):
            claim = services.claim_set_amount(claim=claim, by=staff)
        if state == "paid":
            services.claim_pay(claim=claim, paid_on=date.today(), reference=f"REF-{name}", by=staff)
        claims[state] = claim
    o["claim"] = claims["submitted"]
    o["claims"] = claims
    o["claim_document"] = claims["submitted"].documents.get()


def _officer(username, union) -> User:
    user = User(username=username, role=Role.UNION_ADMIN, organisation=union)
    user.set_password(PASSWORD)
    user.save()
    return user


def extend(world) -> None:
    own_clerk = _officer("m-clerk-u1", world.own.union)
    foreign_admin = _officer("m-admin-u21", world.foreign.union)
    foreign_clerk = _officer("m-clerk-u21", world.foreign.union)
    _side(world, world.own, world.users[ZONE], world.users[U1], own_clerk)
    _side(world, world.foreign, world.users[ZONE2], foreign_admin, foreign_clerk)


def claim(state):
    return lambda w, side: [w.side(side).claims[state].pk]


HANDLERS_OWN, HANDLERS_FOREIGN = {U1, ZONE}, {ZONE2}
PLAN_READERS_OWN, PLAN_READERS_FOREIGN = {U1, U2, ZONE, CITY, PLATFORM}, {ZONE2, CITY, PLATFORM}

ROWS = {
    "mutual_aid:claim_list": Row(get=only(OFFICERS), post=only(OFFICERS)),
    "mutual_aid:claim_create": Row(get=only({U1, U2}), post=only({U1, U2})),
    "mutual_aid:claim_detail": Row(
        args=obj("claim"),
        get=answers(OWN_OFFICERS, FOREIGN_OFFICERS),
        post=answers(OWN_OFFICERS, FOREIGN_OFFICERS),
    ),
    # an empty body is an unbound form: the claim's page again, for whoever reads it
    "mutual_aid:claim_move": Row(
        args=obj("claim"), get=everyone(NOT_ALLOWED), post=answers(OWN_OFFICERS, FOREIGN_OFFICERS)
    ),
    "mutual_aid:claim_pay": Row(
        args=claim("amount_set"), get=everyone(NOT_ALLOWED), post=answers(OWN_OFFICERS, FOREIGN_OFFICERS)
    ),
    "mutual_aid:document": Row(
        args=obj("claim_document"),
        get=answers(HANDLERS_OWN, HANDLERS_FOREIGN),
        post=answers(HANDLERS_OWN, HANDLERS_FOREIGN),
    ),
    "mutual_aid:plan_list": Row(get=only(OFFICERS), post=only(OFFICERS)),
    "mutual_aid:plan_create": Row(get=only(STAFF), post=only(STAFF)),
    "mutual_aid:plan_detail": Row(
        args=obj("plan"),
        get=answers(PLAN_READERS_OWN, PLAN_READERS_FOREIGN),
        post=answers(PLAN_READERS_OWN, PLAN_READERS_FOREIGN),
    ),
    # the plans are published already: the staff who may publish are told so on the plan's page
    "mutual_aid:plan_publish": Row(
        args=obj("plan"), get=everyone(NOT_ALLOWED), post=answers({ZONE, CITY}, {ZONE2, CITY}, yes=FOUND)
    ),
    "mutual_aid:enrol": Row(args=obj("plan"), get=answers({U1, U2}, ()), post=answers({U1, U2}, ())),
    "mutual_aid:batch_list": Row(get=only(OFFICERS), post=only(OFFICERS)),
    "mutual_aid:batch_detail": Row(
        args=obj("batch"),
        get=answers(OWN_OFFICERS, FOREIGN_OFFICERS),
        post=answers(OWN_OFFICERS, FOREIGN_OFFICERS),
    ),
    "mutual_aid:ledger": Row(get=only(OFFICERS), post=only(OFFICERS)),
    "mutual_aid:mine": Row(get=only({WORKER}), post=only({WORKER})),
}


def _draft(w):
    return {
        "plan": services.plan_create(
            federation=w.own.federation,
            by=w.users[ZONE],
            name="2025年住院医疗互助",
            **(PLAN | {"starts_on": date(2025, 1, 1), "enrol_until": date(2025, 1, 31)}),
        )
    }


def _new_plan_and_member(w):
    plan = _plan(
        w.own.federation,
        w.users[ZONE],
        name="意外伤害互助",
        kind="accident",
        daily_tiers=[],
        cost_ratio=Decimal("0.5"),
    )
    membership = make_member(
        w.own.union, name="赵新", enterprise=w.own.enterprise, started_on=date(2023, 1, 1)
    )
    return {
        "plan": plan,
        "memberships": list(Membership.objects.active().filter(enterprise=w.own.enterprise)),
        "m": membership,
    }


CALLS = {
    "mutual_aid.plan_create": Call(
        lambda w, by: services.plan_create(federation=w.own.federation, by=by, name="新计划", **PLAN), ZONE
    ),
    "mutual_aid.plan_update": Call(
        lambda w, by, plan: services.plan_update(plan=plan, by=by, max_shares=2), ZONE, prepare=_draft
    ),
    "mutual_aid.plan_publish": Call(
        lambda w, by, plan: services.plan_publish(plan=plan, by=by), ZONE, prepare=_draft
    ),
    "mutual_aid.enrolment_create": Call(
        lambda w, by, plan, memberships, m: services.enrolment_create(
            plan=plan,
            union=w.own.union,
            enterprise=w.own.enterprise,
            memberships=memberships,
            shares=1,
            enrolled_on=date(2024, 1, 1),
            by=by,
        ),
        U1,
        prepare=_new_plan_and_member,
    ),
    "mutual_aid.claim_submit": Call(lambda w, by: _file(w.own.plan, w.own.person, by, 9, "call"), U1),
    "mutual_aid.claim_move.union_review": Call(
        lambda w, by: services.claim_move(claim=w.own.claims["submitted"], to="union_reviewed", by=by), U1
    ),
    "mutual_aid.claim_move.federation_review": Call(
        lambda w, by: services.claim_move(
            claim=w.own.claims["union_reviewed"], to="federation_reviewed", by=by
        ),
        ZONE,
    ),
    "mutual_aid.claim_move.reject": Call(
        lambda w, by: services.claim_move(
            claim=w.own.claims["union_reviewed"], to="rejected", by=by, note="不符合"
        ),
        ZONE,
    ),
    "mutual_aid.claim_move.archive": Call(
        lambda w, by: services.claim_move(claim=w.own.claims["paid"], to="archived", by=by), ZONE
    ),
    "mutual_aid.claim_resubmit": Call(
        lambda w, by: services.claim_resubmit(
            claim=w.own.claims["returned"], documents=[_pdf("出院小结.pdf")], by=by
        ),
        U1,
    ),
    "mutual_aid.claim_set_amount": Call(
        lambda w, by: services.claim_set_amount(claim=w.own.claims["federation_reviewed"], by=by), ZONE
    ),
    "mutual_aid.claim_pay": Call(
        lambda w, by: services.claim_pay(
            claim=w.own.claims["amount_set"], paid_on=date.today(), reference="REF-CALL", by=by
        ),
        ZONE,
    ),
    "mutual_aid.claim_medical_details": Call(
        lambda w, by: services.claim_medical_details(claim=w.own.claim, by=by), U1
    ),
    "mutual_aid.document_open": Call(
        lambda w, by: services.document_open(document=w.own.claim_document, by=by).close(), ZONE
    ),
}
