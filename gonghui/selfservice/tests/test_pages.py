from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from conftest import _user
from gonghui.academy import selectors as academy_selectors
from gonghui.academy import services as academy
from gonghui.academy.models import Enrolment
from gonghui.academy.tests.factories import make_class, make_course
from gonghui.activities import services as activities
from gonghui.core.roles import Role
from gonghui.homes import selectors as event_selectors
from gonghui.homes import services as homes
from gonghui.homes.models import CheckIn, EventRegistration
from gonghui.homes.tests.factories import make_event
from gonghui.legal.models import Consultation
from gonghui.members.tests.factories import make_member
from gonghui.orgs.models import Organisation
from gonghui.orgs.tests.factories import OrganisationFactory
from gonghui.selfservice import cards, services

pytestmark = pytest.mark.django_db

PAGES = [
    "/me/",
    "/me/membership/",
    "/me/card/",
    "/me/training/",
    "/me/events/",
    "/me/contests/",
    "/me/welfare/",
    "/me/mutual-aid/",
    "/me/legal/",
    "/me/talent/",
]


@pytest.fixture
def mate(union_a, enterprise_a):
    """Another member of the worker's own union, with a sign-in of their own."""
    membership = make_member(union_a, name="王同事", enterprise=enterprise_a)
    return _user("mate", Role.WORKER, person=membership.person)


@pytest.fixture
def far_worker(zone):
    """A worker of another zone's union."""
    zone2 = OrganisationFactory(
        code="ZONE2", name="另一园区总工会", kind=Organisation.Kind.ZONE_FEDERATION, parent=zone.parent
    )
    membership = make_member(OrganisationFactory(code="UZ", name="远方工会", parent=zone2), name="赵远方")
    return _user("far", Role.WORKER, person=membership.person)


@pytest.fixture
def other_union_worker(member_b):
    return _user("worker-b", Role.WORKER, person=member_b.person)


@pytest.fixture
def others(mate, other_union_worker, far_worker):
    return {"same union": mate, "other union": other_union_worker, "other zone": far_worker}


@pytest.fixture
def course_class(zone, academy_staff):
    course = make_course(zone, by=academy_staff, title="叉车安全操作")
    today = timezone.localdate()
    return make_class(
        course,
        by=academy_staff,
        starts_on=today + timedelta(days=3),
        ends_on=today + timedelta(days=5),
        capacity=1,
    )


@pytest.fixture
def event(zone, officer):
    return make_event(zone, by=officer, title="职工篮球赛", capacity=1)


def test_every_page_answers_the_worker_and_nobody_else(client, worker, admin_a, officer):
    client.force_login(worker)
    for url in PAGES:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"], url
        assert 'name="viewport"' in response.content.decode()
    for user in (admin_a, officer):
        client.force_login(user)
        for url in PAGES:
            assert client.get(url).status_code == 404, (user, url)
    client.logout()
    assert client.get("/me/card/")["Location"].startswith("/accounts/login/")


def test_each_page_shows_only_the_workers_own(client, worker, others, member_a, admin_a, course_class, event):
    """The worker and three others (same union, another union, another zone) each enrol, register,
    receive welfare; each page of each shows their own name and no one else's."""
    distribution = activities.welfare_create(
        union=member_a.union,
        title="中秋节慰问",
        occasion="holiday",
        distributed_on=date(2024, 9, 13),
        item="月饼一盒",
        amount=Decimal("100.00"),
        by=admin_a,
    )
    everyone = {"self": worker, **others}
    for user in everyone.values():
        person = user.person
        if person.memberships.get().union_id == member_a.union_id:
            activities.welfare_add_recipient(distribution=distribution, person=person, by=admin_a)
        if user is not others["other zone"]:
            academy.enrolment_create(training_class=course_class, person=person, by=user)
            homes.registration_create(event=event, person=person, by=user)
    for label, user in everyone.items():
        client.force_login(user)
        strangers = [u.person.name for u in everyone.values() if u is not user]
        for url in PAGES:
            body = client.get(url).content.decode()
            leaked = [name for name in strangers if name in body]
            assert not leaked, f"{label} {url} shows {leaked}"
    # the others' rows are 404 to the worker, by their ids
    client.force_login(worker)
    theirs = Enrolment.objects.exclude(person=worker.person).first()
    registration = EventRegistration.objects.exclude(person=worker.person).first()
    assert client.post(f"/me/training/enrolments/{theirs.pk}/cancel/").status_code == 404
    assert client.post(f"/me/events/registrations/{registration.pk}/cancel/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.status != Enrolment.Status.CANCELLED


def test_sign_up_for_a_course_and_an_event_with_the_place_on_the_waiting_list(
    client, worker, mate, course_class, event
):
    academy.enrolment_create(training_class=course_class, person=mate.person, by=mate)
    homes.registration_create(event=event, person=mate.person, by=mate)
    client.force_login(worker)
    training = client.get("/me/training/").content.decode()
    assert "叉车安全操作" in training and "报名候补" in training
    response = client.post(f"/me/training/classes/{course_class.pk}/enrol/", follow=True)
    body = response.content.decode()
    assert "名额已满，您已列入候补名单" in body and "候补第1位" in body
    response = client.post(f"/me/events/{event.pk}/register/", follow=True)
    body = response.content.decode()
    assert "名额已满，您已进入候补名单" in body and "候补第1位" in body
    # the mate cancels: the worker is promoted in the same transaction
    homes.registration_cancel(registration=EventRegistration.objects.get(person=mate.person), by=mate)
    assert EventRegistration.objects.get(person=worker.person).status == EventRegistration.Status.CONFIRMED
    # a second sign-up is not offered, and a forced one is a 404 (the class is no longer open to them)
    assert client.post(f"/me/training/classes/{course_class.pk}/enrol/").status_code == 404


def test_the_card_carries_a_signed_token_without_the_id_number(client, worker, member_a, event):
    client.force_login(worker)
    body = client.get("/me/card/").content.decode()
    number = member_a.person.reveal_id_number()
    assert number not in body and number[-4:] not in body
    token = body.split('data-token="')[1].split('"')[0]
    card = cards.decode(token, event_id=0)
    assert card.person_id == member_a.person_id and card.name == "张*"
    # an entry pass only for an event with a seat
    assert client.get(f"/me/card/?event={event.pk}").status_code == 404  # not registered: not theirs to see
    homes.registration_create(event=event, person=member_a.person, by=worker)
    body = client.get(f"/me/card/?event={event.pk}").content.decode()
    token = body.split('data-token="')[1].split('"')[0]
    assert cards.decode(token, event_id=event.pk).event_id == event.pk


def test_an_entry_pass_needs_a_seat(worker, member_a, mate, event):
    homes.registration_create(event=event, person=mate.person, by=mate)
    homes.registration_create(event=event, person=member_a.person, by=worker)  # waiting
    with pytest.raises(Exception, match="正式名额"):
        services.member_card(user=worker, event=event)


def test_the_door_refuses_forged_expired_and_other_events_cards_and_checks_in_once(
    client, worker, member_a, event, officer, zone
):
    homes.registration_create(event=event, person=member_a.person, by=worker)
    other = make_event(zone, by=officer, title="职工合唱比赛")
    _card, token = services.member_card(user=worker, event=event)
    client.force_login(officer)
    page = client.get(f"/me/door/{event.pk}/").content.decode()
    assert cards.public_key_b64() in page and "selfservice/door.js" in page
    assert cards.private_key().private_bytes_raw().hex() not in page

    def post(t, target=event):
        return client.post(f"/me/door/{target.pk}/", {"token": t}).content.decode()

    payload, signature = token.split(".")
    forged = f"{payload[:-2]}AA.{signature}"
    assert "不是本平台签发" in post(forged)
    assert "不是本次活动的入场码" in post(token, other)
    _plain, membership_card = services.member_card(user=worker)
    assert "不是本次活动的入场码" in post(membership_card)
    expired = cards.encode(
        cards.make(
            person_id=member_a.person_id,
            event_id=event.pk,
            name="张*",
            union="UA",
            now=timezone.now() - timedelta(days=2),
        )
    )
    assert "已过期" in post(expired)
    assert not CheckIn.objects.exists()
    response = client.post(f"/me/door/{event.pk}/", {"token": token}, follow=True)
    assert "张三签到成功" in response.content.decode()
    assert CheckIn.objects.get().method == CheckIn.Method.CARD
    assert "不能重复签到" in post(token)
    assert CheckIn.objects.count() == 1


def test_the_door_is_for_officers_who_check_in_at_that_event(client, worker, admin_b, event, far_worker):
    for user in (worker, far_worker):
        client.force_login(user)
        assert client.get(f"/me/door/{event.pk}/").status_code == 404


def test_a_worker_asks_for_legal_help_and_follows_it(client, worker):
    client.force_login(worker)
    response = client.post("/me/legal/", {"topic": "wages", "question": "加班费怎么算？"}, follow=True)
    body = response.content.decode()
    assert "已提交咨询申请" in body
    assert Consultation.objects.get(person=worker.person).topic == "wages"
    bad = client.post("/me/legal/", {"topic": "wages", "question": ""}).content.decode()
    assert "errorlist" in bad


@pytest.mark.parametrize("url", ["/me/training/", "/me/events/", "/me/card/", "/me/membership/"])
def test_query_counts_do_not_grow_with_the_records(
    client, worker, member_a, zone, officer, academy_staff, url, django_assert_max_num_queries
):
    client.force_login(worker)
    client.get(url)
    course = make_course(zone, by=academy_staff, title="电工")
    today = timezone.localdate()
    for i in range(4):
        cls = make_class(
            course, by=academy_staff, name=f"第{i}期", starts_on=today, ends_on=today + timedelta(days=1)
        )
        academy.enrolment_create(training_class=cls, person=member_a.person, by=worker)
        homes.registration_create(
            event=make_event(zone, by=officer, title=f"活动{i}"), person=member_a.person, by=worker
        )
    with django_assert_max_num_queries(12):
        assert client.get(url).status_code == 200


def test_each_waiting_person_sees_their_own_place_in_line(
    zone, union_a, enterprise_a, academy_staff, officer
):
    """Places count per class (and per event pool), in the order of queueing, whoever looks."""
    course_class = make_class(
        make_course(zone, by=academy_staff),
        by=academy_staff,
        starts_on=timezone.localdate() + timedelta(days=3),
        ends_on=timezone.localdate() + timedelta(days=4),
        capacity=1,
    )
    event = make_event(zone, by=officer, capacity=1)
    users = [
        _user(f"w{i}", Role.WORKER, person=make_member(union_a, enterprise=enterprise_a).person)
        for i in range(4)
    ]
    for user in users:
        academy.enrolment_create(training_class=course_class, person=user.person, by=user)
        homes.registration_create(event=event, person=user.person, by=user)
    for expected, user in zip([None, 1, 2, 3], users, strict=True):
        assert [e.place for e in academy_selectors.own_enrolments(user)] == [expected]
        assert [r.place for r in event_selectors.own_registrations(user)] == [expected]
