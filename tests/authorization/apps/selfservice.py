"""Worker self-service in the authorization tests. The worker 张甲 (U0001) has pages of their own
that nobody else opens (404 for every officer, the sign-in page for the anonymous); the rows with an
object try the worker on their own (U0001's, ZONE's) and on the other zone's member's. Each side
gets an event its union runs that nobody has registered for yet, a class of its federation's course
in the future, and a contest event still open; the homes, academy and contests parts already left
the member's registration and enrolment. The activation code page and the door are officers'.

The same-union and other-union cases of "only their own" are in gonghui/selfservice/tests/test_pages.py.
"""

from datetime import timedelta

from django.utils import timezone

from gonghui.academy import services as academy
from gonghui.homes import services as homes
from gonghui.selfservice import services
from tests.authorization.apps.contests import make_event as make_contest_event
from tests.authorization.common import (
    FOREIGN_OFFICERS,
    FOUND,
    NOT_ALLOWED,
    OFFICERS,
    OK,
    OWN_OFFICERS,
    Call,
    Row,
    answers,
    everyone,
    obj,
    only,
)
from tests.authorization.world import ANON, U1, WORKER

UNAUTHORIZED, UNSUPPORTED = 401, 415


def extend(world) -> None:
    now = timezone.now()
    for name, side in (("own", world.own), ("foreign", world.foreign)):
        o = side.objects
        union_admin = world.users[U1] if name == "own" else o["aid_union_admin"]
        o["open_event"] = homes.event_create(
            organiser=side.union,
            kind="sports",
            title="职工羽毛球赛",
            place="职工体育馆",
            starts_at=now + timedelta(days=3),
            ends_at=now + timedelta(days=3, hours=3),
            registration_opens_at=now - timedelta(days=1),
            registration_closes_at=now + timedelta(days=2),
            capacity=20,
            by=union_admin,
        )
        today = timezone.localdate()
        o["open_class"] = academy.class_create(
            course=o["course"],
            mode="offline",
            name="下一期",
            starts_on=today + timedelta(days=10),
            ends_on=today + timedelta(days=12),
            place="工匠学院实训楼",
            teacher="周建华",
            by=o["academy_staff"],
        )
        o["open_contest_event"] = make_contest_event(world, name, name="电工", register=False)["event"]


WORKER_ONLY = only({WORKER})


def _worker_post(own=FOUND) -> tuple[dict, dict]:
    """A POST action of the worker's own pages: GET is not allowed for the worker (404 for the others,
    who are turned away before the method is looked at); POST on their own, on the other side 404."""
    get = answers({WORKER}, {WORKER}, yes=NOT_ALLOWED)
    post = answers({WORKER}, (), yes=own)
    return get, post


def _row(args, own=FOUND) -> Row:
    get, post = _worker_post(own)
    return Row(args=args, get=get, post=post)


def api(table: dict) -> dict:
    return table | {ANON: (UNAUTHORIZED, UNAUTHORIZED)}


NO_POST = api(everyone(NOT_ALLOWED))

ROWS = {
    "selfservice:home": Row(get=WORKER_ONLY, post=WORKER_ONLY),
    "selfservice:membership": Row(get=WORKER_ONLY, post=WORKER_ONLY),
    "selfservice:card": Row(get=WORKER_ONLY, post=WORKER_ONLY),
    "selfservice:training": Row(get=WORKER_ONLY, post=WORKER_ONLY),
    "selfservice:events": Row(get=WORKER_ONLY, post=WORKER_ONLY),
    "selfservice:contests": Row(get=WORKER_ONLY, post=WORKER_ONLY),
    "selfservice:welfare": Row(get=WORKER_ONLY, post=WORKER_ONLY),
    "selfservice:mutual_aid": Row(get=WORKER_ONLY, post=WORKER_ONLY),
    "selfservice:legal": Row(get=WORKER_ONLY, post=WORKER_ONLY),  # an empty question: the form again
    "selfservice:talent": Row(get=WORKER_ONLY, post=WORKER_ONLY),
    "selfservice:training_enrol": _row(obj("open_class")),
    "selfservice:training_cancel": _row(obj("enrolment")),
    "selfservice:event_register": _row(obj("open_event")),
    "selfservice:event_cancel": _row(obj("registration")),
    "selfservice:contest_register": _row(obj("open_contest_event")),
    # anyone not signed in activates; whoever is signed in is sent to their pages
    "selfservice:activate": Row(get=everyone(FOUND, anonymous=OK), post=everyone(FOUND, anonymous=OK)),
    "selfservice:activation_code": Row(
        args=obj("person"),
        get=answers(OWN_OFFICERS, FOREIGN_OFFICERS),
        post=answers(OWN_OFFICERS, FOREIGN_OFFICERS),
    ),
    "selfservice:door": Row(
        args=obj("event"),
        get=answers(OWN_OFFICERS, FOREIGN_OFFICERS),
        post=answers(OWN_OFFICERS, FOREIGN_OFFICERS),
    ),
    # the API: activation is for the anonymous (an empty form body is not JSON: 415)
    "api:activation": Row(
        get=everyone(NOT_ALLOWED, anonymous=NOT_ALLOWED), post=everyone(UNSUPPORTED, anonymous=UNSUPPORTED)
    ),
    "api:me": Row(get=api(only({WORKER})), post=NO_POST),
    "api:me-card": Row(get=api(only({WORKER})), post=NO_POST),
    "api:card-verify": Row(get=NO_POST, post=api(everyone(UNSUPPORTED))),
    "api:card-public-key": Row(get=api(only(OFFICERS)), post=NO_POST),
    "api:person-activation-code": Row(
        args=obj("person"), get=NO_POST, post=api(answers(OWN_OFFICERS, FOREIGN_OFFICERS, yes=201))
    ),
}

CALLS = {
    "activation_code_issue": Call(
        lambda w, by: services.activation_code_issue(person=w.own.person, by=by), U1
    ),
    "card_check_in": Call(
        lambda w, by, token: services.card_check_in(token=token, event=w.own.event, by=by),
        U1,
        prepare=lambda w: {"token": services.member_card(user=w.users[WORKER], event=w.own.event)[1]},
    ),
}
