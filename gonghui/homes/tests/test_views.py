"""Pages: officers run homes, events, quotas and the door; the outsider (union B's admin) gets 404;
list pages and the door cost the same for many rows as for a few."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from gonghui.core import registry
from gonghui.homes import services
from gonghui.homes.models import CheckIn, Event, EventRegistration, HomeAward, WorkerHome
from gonghui.homes.tests.factories import make_event, make_home, png
from gonghui.members.tests.factories import make_member

pytestmark = pytest.mark.django_db

Status = EventRegistration.Status


@pytest.fixture
def home(union_a, admin_a):
    return make_home(union_a, by=admin_a)


@pytest.fixture
def event(union_a, admin_a):
    return make_event(union_a, by=admin_a, capacity=2)


def login(client, user):
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("name", "method", "what"),
    [
        ("homes:home_detail", "get", "home"),
        ("homes:home_edit", "post", "home"),
        ("homes:home_photo_add", "post", "home"),
        ("homes:event_detail", "get", "event"),
        ("homes:event_register", "post", "event"),
        ("homes:quota_set", "post", "event"),
        ("homes:event_checkin", "get", "event"),
    ],
)
def test_another_unions_admin_gets_404(client, request, admin_b, name, method, what):
    login(client, admin_b)
    target = request.getfixturevalue(what)
    response = getattr(client, method)(reverse(name, args=[target.pk]))
    assert response.status_code == 404


def test_a_union_admin_registers_a_home_and_sees_it_listed(client, admin_a, union_a):
    login(client, admin_a)
    data = {
        "union": union_a.pk,
        "name": "甲公司职工之家",
        "address": "明月大道1号",
        "opened_on": "2021-05-01",
    }
    response = client.post(reverse("homes:home_create"), {**data, "facilities": ["fitness", "sauna"]})
    assert "sauna" in response.content.decode() and not WorkerHome.objects.exists()  # an unknown choice
    response = client.post(reverse("homes:home_create"), {**data, "facilities": ["fitness", "reading_room"]})
    home = WorkerHome.objects.get()
    assert response.url == reverse("homes:home_detail", args=[home.pk])
    page = client.get(response.url).content.decode()
    assert "职工书屋" in page and "健身房" in page
    assert 'id="award-form"' not in page  # titles are for the federation to record


def test_federation_staff_record_a_title_and_a_bad_year_is_shown_on_its_field(client, officer, home):
    login(client, officer)
    url = reverse("homes:home_award", args=[home.pk])
    response = client.post(url, {"kind": "model", "level": HomeAward.Level.PROVINCIAL, "year": 2019})
    assert "命名年度早于该职工之家的建成年份（2022年）" in response.content.decode()
    response = client.post(url, {"kind": "model", "level": HomeAward.Level.PROVINCIAL, "year": 2024})
    assert response.status_code == 302
    assert "2024年省模范职工之家" in client.get(response.url).content.decode()


def test_photos_are_uploaded_and_served_only_in_scope(client, admin_a, admin_b, home, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    login(client, admin_a)
    response = client.post(
        reverse("homes:home_photo_add", args=[home.pk]), {"photo": png(), "caption": "健身房"}
    )
    assert response.status_code == 302
    photo = home.photos.get()
    response = client.get(reverse("homes:photo", args=[photo.pk]))
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    login(client, admin_b)
    assert client.get(reverse("homes:photo", args=[photo.pk])).status_code == 404


def test_an_event_is_created_and_a_bad_window_shown_on_its_field(client, admin_a, union_a):
    login(client, admin_a)
    data = {
        "organiser": union_a.pk,
        "kind": "sports",
        "title": "职工趣味运动会",
        "place": "运动场",
        "starts_at": "2030-05-04T09:00",
        "ends_at": "2030-05-04T12:00",
        "registration_opens_at": "2030-04-01T09:00",
        "registration_closes_at": "2030-05-05T09:00",
        "capacity": 100,
    }
    response = client.post(reverse("homes:event_create"), data)
    assert "报名截止不能晚于活动开始" in response.content.decode() and not Event.objects.exists()
    response = client.post(
        reverse("homes:event_create"), {**data, "registration_closes_at": "2030-05-03T18:00"}
    )
    assert response.status_code == 302 and Event.objects.get().capacity == 100


def test_registration_cancellation_and_the_waiting_list_on_the_page(
    client, admin_a, event, union_a, enterprise_a
):
    people = [make_member(union_a, enterprise=enterprise_a, card_number=f"UA-{i}").person for i in range(3)]
    login(client, admin_a)
    url = reverse("homes:event_register", args=[event.pk])
    for i in range(3):
        client.post(url, {"person": f"UA-{i}"})
    response = client.post(url, {"person": "UA-0"}, follow=True)
    assert f"{people[0].name}已报名本次活动" in response.content.decode()
    page = client.get(reverse("homes:event_detail", args=[event.pk])).content.decode()
    assert "候补（第1位）" in page
    first = EventRegistration.objects.get(person=people[0])
    response = client.post(reverse("homes:registration_cancel", args=[event.pk, first.pk]), follow=True)
    assert f"{people[2].name}已由候补递补为正式报名" in response.content.decode()
    assert EventRegistration.objects.get(person=people[2]).status == Status.CONFIRMED


def test_the_door_finds_by_pinyin_initials_and_refuses_a_second_tap(
    client, admin_a, event, union_a, enterprise_a
):
    person = make_member(union_a, enterprise=enterprise_a, name="欧阳晓东").person
    make_member(union_a, enterprise=enterprise_a, name="王小明")
    services.registration_create(event=event, person=person, by=admin_a)
    login(client, admin_a)
    url = reverse("homes:event_checkin", args=[event.pk])
    page = client.get(url, {"q": "oyxd"}).content.decode()
    assert "欧阳晓东" in page and "王小明" not in page
    response = client.post(url, {"person": person.pk}, follow=True)
    assert "欧阳晓东签到成功" in response.content.decode()
    response = client.post(url, {"person": person.pk})
    assert "欧阳晓东已于" in response.content.decode() and "不能重复签到" in response.content.decode()
    assert CheckIn.objects.count() == 1
    assert "该人员未报名本次活动" in client.post(url, {"person": 999999}).content.decode()


def test_lists_cost_the_same_for_many_rows(
    client, officer, admin_a, zone, union_a, enterprise_a, django_assert_max_num_queries
):
    for i in range(12):
        home = make_home(union_a, by=admin_a, name=f"职工之家{i}", opened_on=date(2020, 1, 1))
        services.home_award(
            home=home, kind="demonstration", level=HomeAward.Level.ZONE, year=2023, by=officer
        )
    people = [make_member(union_a, enterprise=enterprise_a).person for _ in range(4)]
    for i in range(12):
        event = make_event(zone, by=officer, title=f"第{i}场", capacity=2)
        for person in people:
            services.registration_create(event=event, person=person, by=officer)
    login(client, officer)
    # session, user, the paginator's count, the page with union and photo count, the titles,
    # the session's idle-timeout stamp (savepoint, update, release)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("homes:home_list"))
    assert len(response.context["page"]) == 12
    # session, user, the page with its seat, waiting and check-in counts (a keyset page: nothing
    # counted), idle-timeout stamp (3)
    with django_assert_max_num_queries(6):
        response = client.get(reverse("homes:event_list"))
    assert [(e.confirmed, e.waiting) for e in response.context["page"]] == [(2, 2)] * 12


def test_the_event_page_and_the_door_cost_the_same_for_many_people(
    client, officer, zone, union_a, union_b, enterprise_a, django_assert_max_num_queries
):
    event = make_event(zone, by=officer, capacity=40)
    services.quota_set(event=event, union=union_a, seats=10, by=officer)
    services.quota_set(event=event, union=union_b, seats=10, by=officer)
    for _ in range(30):
        services.registration_create(
            event=event, person=make_member(union_a, enterprise=enterprise_a).person, by=officer
        )
    login(client, officer)
    # session, user, the event, may organise?, the pools' counts, the quotas, the quotas reached,
    # the registrations with people, unions, quotas and check-ins, the quota form's unions,
    # idle-timeout stamp (3)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("homes:event_detail", args=[event.pk]))
    assert response.content.decode().count("候补（第") == 20
    # session, user, the event, the matches, the tally, idle-timeout stamp (3)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("homes:event_checkin", args=[event.pk]), {"q": "a"})


def test_a_worker_sees_their_own_registration_only_and_may_cancel_it(
    client, worker, officer, zone, member_a, union_a, enterprise_a
):
    event = make_event(zone, by=officer)
    colleague = make_member(union_a, enterprise=enterprise_a, name="王小明").person
    mine = services.registration_create(event=event, person=member_a.person, by=worker)
    services.registration_create(event=event, person=colleague, by=officer)
    login(client, worker)
    page = client.get(reverse("homes:event_detail", args=[event.pk])).content.decode()
    assert (
        "张三" in page
        and "王小明" not in page
        and 'id="pools"' not in page
        and 'id="register-form"' not in page
    )
    assert client.get(reverse("homes:event_list")).status_code == 404
    assert client.get(reverse("homes:event_checkin", args=[event.pk])).status_code == 404
    response = client.post(reverse("homes:registration_cancel", args=[event.pk, mine.pk]))
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.status == Status.CANCELLED


def test_the_to_do_counts_events_checking_in_now(officer, admin_b, zone, union_a, admin_a):
    make_event(zone, by=officer)
    make_event(union_a, by=admin_a)
    make_event(zone, by=officer, starts_in=timedelta(hours=8))  # doors not open yet
    count = registry.todos["events.checkin"].count
    assert (count(officer), count(admin_b)) == (2, 1)


def test_a_union_admin_sees_their_quota_and_their_members_only(
    client, officer, admin_a, zone, union_a, union_b, member_a, member_b
):
    event = make_event(zone, by=officer)
    services.quota_set(event=event, union=union_a, seats=3, by=officer)
    services.quota_set(event=event, union=union_b, seats=4, by=officer)
    for person in (member_a.person, member_b.person):
        services.registration_create(event=event, person=person, by=officer)
    login(client, admin_a)
    response = client.get(reverse("homes:event_detail", args=[event.pk]))
    assert [(p.label, p.seats) for p in response.context["pools"]] == [("甲公司工会", 3), ("公开名额", 3)]
    page = response.content.decode()
    assert "张三" in page and "李四" not in page and "乙公司工会" not in page
    assert 'id="quota-form"' not in page  # the zone runs the event
