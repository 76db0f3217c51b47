"""The REST API's rows: every endpoint × every persona, with the API's own answers — 401 for the
anonymous (no sign-in page to send a system to), 405 for a method an endpoint does not take, 404
for what the persona does not reach, and 415 for the form-encoded empty body a prober posts to an action (the API takes JSON)."""

from gonghui.api.services import token_create
from gonghui.members.tests.factories import SETUP
from tests.authorization.common import (
    FOREIGN_OFFICERS,
    FOUND,
    NOT_ALLOWED,
    NOT_FOUND,
    OFFICERS,
    OK,
    OWN_OFFICERS,
    Row,
    answers,
    everyone,
    obj,
    only,
)
from tests.authorization.world import ANON, CITY, PLATFORM, U1, WORKER, ZONE, ZONE2

UNAUTHORIZED, UNSUPPORTED = 401, 415


def extend(world):
    world.own.objects["token"] = token_create(user=world.users[U1], name="矩阵", by=SETUP)[0]
    world.foreign.objects["token"] = token_create(user=world.users[ZONE2], name="矩阵", by=SETUP)[0]


def api(table: dict) -> dict:
    """The API answers the anonymous 401 instead of sending them to the sign-in page."""
    return table | {ANON: (UNAUTHORIZED, UNAUTHORIZED)}


NO_POST = api(everyone(NOT_ALLOWED))
NO_GET = NO_POST


def _code(w, side):
    return [w.side(side).union.code]


ROWS = {
    "api:schema": Row(get=api(everyone(OK)), post=NO_POST),
    "api:docs": Row(get=only(OFFICERS), post=answers(OFFICERS, OFFICERS, yes=NOT_ALLOWED)),
    "api:kpis": Row(
        query=lambda w, side: {"org": w.side(side).federation.code, "year": 2024},
        get=api(answers({ZONE, CITY, PLATFORM}, {ZONE2, CITY, PLATFORM})),
        post=NO_POST,
    ),
    "api:tokens": Row(get=everyone(OK), post=everyone(OK)),
    "api:token_revoke": Row(
        args=obj("token"),
        get=everyone(NOT_ALLOWED),
        post=answers({U1}, {ZONE2}, yes=FOUND),
    ),
    # lists answer everyone signed in with what they reach (a worker's or a lawyer's is empty)
    "api:organisation-list": Row(get=api(everyone(OK)), post=NO_POST),
    "api:organisation-detail": Row(
        args=_code, get=api(answers(OWN_OFFICERS, FOREIGN_OFFICERS)), post=NO_POST
    ),
    "api:enterprise-list": Row(get=api(everyone(OK)), post=NO_POST),
    "api:enterprise-detail": Row(
        args=obj("enterprise"), get=api(answers(OWN_OFFICERS, FOREIGN_OFFICERS)), post=NO_POST
    ),
    "api:person-list": Row(get=api(only(OFFICERS)), post=NO_POST),
    "api:person-detail": Row(
        args=obj("person"), get=api(answers(OWN_OFFICERS | {WORKER}, FOREIGN_OFFICERS)), post=NO_POST
    ),
    "api:person-reveal": Row(
        args=obj("person"), get=NO_GET, post=api(answers(OWN_OFFICERS, FOREIGN_OFFICERS))
    ),
    "api:membership-list": Row(get=api(only(OFFICERS)), post=NO_POST),
    "api:membership-detail": Row(
        args=obj("member"), get=api(answers(OWN_OFFICERS | {WORKER}, FOREIGN_OFFICERS)), post=NO_POST
    ),
    "api:not_found": Row(
        path=lambda w, side: "/api/v1/memberships/0.5/",
        get=everyone(NOT_FOUND, anonymous=NOT_FOUND),
        post=everyone(NOT_FOUND, anonymous=NOT_FOUND),
    ),
    "api:membership-join": Row(get=NO_GET, post=api(everyone(UNSUPPORTED))),
    "api:membership-transfer": Row(
        args=obj("member"), get=NO_GET, post=api(answers(OWN_OFFICERS, FOREIGN_OFFICERS, yes=UNSUPPORTED))
    ),
    "api:membership-leave": Row(
        args=obj("member"), get=NO_GET, post=api(answers(OWN_OFFICERS, FOREIGN_OFFICERS, yes=UNSUPPORTED))
    ),
}
