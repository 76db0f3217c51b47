"""Worker homes and events in the authorization tests: each side's union runs a home (with a title
and a photo) and an event with a quota and its member registered; the worker 张甲 is registered for
U0001's event and sees it, and may cancel their own registration."""

from datetime import timedelta

from django.utils import timezone

from gonghui.homes import services as homes
from gonghui.homes.models import HomeAward
from gonghui.homes.tests.factories import png
from gonghui.members.tests.factories import make_member
from tests.authorization.common import (
    FOREIGN_OFFICERS,
    FOUND,
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
from tests.authorization.world import U1, WORKER, ZONE, ZONE2


def _event(union, by):
    now = timezone.now()
    return homes.event_create(
        organiser=union,
        kind="performance",
        title="青年职工音乐会",
        place="职工文化中心",
        starts_at=now + timedelta(hours=2),
        ends_at=now + timedelta(hours=4),
        registration_opens_at=now - timedelta(days=7),
        registration_closes_at=now + timedelta(hours=1),
        capacity=50,
        by=by,
    )


def _side(side, union_admin, staff) -> None:
    o = side.objects
    o["home"] = homes.home_create(
        union=side.union,
        name="职工之家",
        address="明月大道1号",
        opened_on=side.member.started_on,
        by=union_admin,
    )
    homes.home_award(home=o["home"], kind="demonstration", level=HomeAward.Level.ZONE, year=2024, by=staff)
    o["photo"] = homes.home_photo_add(home=o["home"], photo=png(), by=union_admin)
    o["event"] = _event(side.union, union_admin)
    homes.quota_set(event=o["event"], union=side.union, seats=10, by=union_admin)
    o["registration"] = homes.registration_create(event=o["event"], person=side.person, by=union_admin)


def extend(world) -> None:
    _side(world.own, world.users[U1], world.users[ZONE])
    _side(world.foreign, world.users[ZONE2], world.users[ZONE2])


def _registration(w, side):
    registration = w.side(side).registration
    return [registration.event_id, registration.pk]


OWN_AND_WORKER = OWN_OFFICERS | {WORKER}

ROWS = {
    "homes:home_list": Row(get=only(OFFICERS), post=only(OFFICERS)),
    "homes:home_create": Row(get=only(OFFICERS), post=only(OFFICERS)),
    "homes:home_detail": Row(
        args=obj("home"),
        get=answers(OWN_OFFICERS, FOREIGN_OFFICERS),
        post=answers(OWN_OFFICERS, FOREIGN_OFFICERS),
    ),
    "homes:home_edit": Row(
        args=obj("home"),
        get=answers(OWN_OFFICERS, FOREIGN_OFFICERS),
        post=answers(OWN_OFFICERS, FOREIGN_OFFICERS),
    ),
    "homes:home_award": Row(
        args=obj("home"), get=everyone(NOT_ALLOWED), post=answers(OWN_OFFICERS, FOREIGN_OFFICERS)
    ),
    "homes:home_photo_add": Row(
        args=obj("home"), get=everyone(NOT_ALLOWED), post=answers(OWN_OFFICERS, FOREIGN_OFFICERS)
    ),
    "homes:photo": Row(
        args=obj("photo"),
        get=answers(OWN_OFFICERS, FOREIGN_OFFICERS),
        post=answers(OWN_OFFICERS, FOREIGN_OFFICERS),
    ),
    "homes:photo_remove": Row(
        args=obj("photo"), get=everyone(NOT_ALLOWED), post=answers(OWN_OFFICERS, FOREIGN_OFFICERS, yes=FOUND)
    ),
    "homes:event_list": Row(get=only(OFFICERS), post=only(OFFICERS)),
    "homes:event_create": Row(get=only(OFFICERS), post=only(OFFICERS)),
    "homes:event_detail": Row(
        args=obj("event"),
        get=answers(OWN_AND_WORKER, FOREIGN_OFFICERS),
        post=answers(OWN_AND_WORKER, FOREIGN_OFFICERS),
    ),
    "homes:quota_set": Row(
        args=obj("event"), get=everyone(NOT_ALLOWED), post=answers(OWN_OFFICERS, FOREIGN_OFFICERS)
    ),
    "homes:event_register": Row(
        args=obj("event"), get=everyone(NOT_ALLOWED), post=answers(OWN_OFFICERS, FOREIGN_OFFICERS)
    ),
    "homes:registration_cancel": Row(
        args=_registration,
        get=everyone(NOT_ALLOWED),
        post=answers(OWN_AND_WORKER, FOREIGN_OFFICERS, yes=FOUND),
    ),
    "homes:event_checkin": Row(
        args=obj("event"),
        get=answers(OWN_OFFICERS, FOREIGN_OFFICERS),
        post=answers(OWN_OFFICERS, FOREIGN_OFFICERS),
    ),
}


def _new_registrant(w):
    return {"person": make_member(w.own.union, name="赵新").person}


CALLS = {
    "home_create": Call(
        lambda w, by: homes.home_create(
            union=w.own.union,
            name="新职工之家",
            address="明月大道2号",
            opened_on=w.own.member.started_on,
            by=by,
        ),
        U1,
    ),
    "home_update": Call(lambda w, by: homes.home_update(home=w.own.home, name="职工之家（新）", by=by), U1),
    "home_award": Call(
        lambda w, by: homes.home_award(
            home=w.own.home, kind="model", level=HomeAward.Level.PROVINCIAL, year=2024, by=by
        ),
        ZONE,
    ),
    "home_photo_add": Call(lambda w, by: homes.home_photo_add(home=w.own.home, photo=png(), by=by), U1),
    "home_photo_remove": Call(lambda w, by: homes.home_photo_remove(photo=w.own.photo, by=by), U1),
    "event_create": Call(lambda w, by: _event(w.own.union, by), U1),
    "quota_set": Call(
        lambda w, by: homes.quota_set(event=w.own.event, union=w.own.union, seats=20, by=by), U1
    ),
    "registration_create": Call(
        lambda w, by, person: homes.registration_create(event=w.own.event, person=person, by=by),
        U1,
        prepare=_new_registrant,
    ),
    "registration_cancel": Call(
        lambda w, by: homes.registration_cancel(registration=w.own.registration, by=by), U1
    ),
    "checkin_create": Call(
        lambda w, by: homes.checkin_create(event=w.own.event, person=w.own.person, by=by), U1
    ),
}
