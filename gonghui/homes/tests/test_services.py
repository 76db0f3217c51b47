"""Services: worker homes with their titles and photos; events with seats, quotas, the waiting list
and check-in. Bad input is refused in Chinese on the field it concerns, and nothing is half saved."""

from datetime import date, timedelta
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from gonghui.core.models import AuditLog
from gonghui.core.scope import NotInScope
from gonghui.homes import services
from gonghui.homes.models import (
    CheckIn,
    Event,
    EventQuota,
    EventRegistration,
    HomeAward,
    HomePhoto,
    WorkerHome,
)
from gonghui.homes.tests.factories import make_event, make_home, png
from gonghui.members.tests.factories import make_member

pytestmark = pytest.mark.django_db

Status = EventRegistration.Status


def message(error: ValidationError, field: str) -> str:
    return " ".join(error.message_dict[field])


# --- worker homes ---


def test_a_union_admin_registers_their_unions_home(admin_a, union_a):
    home = make_home(union_a, by=admin_a, facilities=["fitness", "reading_room"], area_m2=320)
    assert home.facilities == ["reading_room", "fitness"]  # in the table's order
    assert home.facility_labels() == ["职工书屋", "健身房"]
    assert AuditLog.objects.filter(action="homes.create", object_id=str(home.pk)).exists()


def test_another_unions_admin_cannot_register_a_home_for_it(admin_b, union_a):
    with pytest.raises(NotInScope):
        make_home(union_a, by=admin_b)
    assert not WorkerHome.objects.exists()


@pytest.mark.parametrize(
    ("kwargs", "field", "words"),
    [
        ({"facilities": ["sauna"]}, "facilities", "未知的设施「sauna」"),
        ({"opened_on": date(2999, 1, 1)}, "opened_on", "建成日期"),
        ({"name": "  "}, "name", ""),
    ],
)
def test_a_home_with_bad_details_is_refused_on_its_field(admin_a, union_a, kwargs, field, words):
    with pytest.raises(ValidationError) as caught:
        make_home(union_a, by=admin_a, **kwargs)
    assert words in message(caught.value, field)
    assert not WorkerHome.objects.exists()


def test_a_home_cannot_close_before_it_opened(admin_a, union_a):
    home = make_home(union_a, by=admin_a, opened_on=date(2022, 5, 1))
    with pytest.raises(ValidationError) as caught:
        services.home_update(home=home, closed_on=date(2021, 1, 1), by=admin_a)
    assert "停用日期不能早于建成日期" in message(caught.value, "closed_on")
    home.refresh_from_db()
    assert home.closed_on is None
    services.home_update(home=home, closed_on=date(2024, 6, 30), name="新名称", by=admin_a)
    home.refresh_from_db()
    assert (home.closed_on, home.name) == (date(2024, 6, 30), "新名称")
    assert AuditLog.objects.get(action="homes.update").detail == {"fields": ["name", "closed_on"]}


def test_federation_staff_record_a_provincial_model_home(officer, admin_a, union_a):
    home = make_home(union_a, by=admin_a)
    award = services.home_award(
        home=home, kind="model", level=HomeAward.Level.PROVINCIAL, year=2024, by=officer
    )
    assert award.title == "省模范职工之家"
    assert str(award) == "2024年省模范职工之家"
    demonstration = services.home_award(
        home=home, kind="demonstration", level=HomeAward.Level.ZONE, year=2023, by=officer
    )
    assert demonstration.title == "园区职工之家示范点"


def test_a_union_admin_does_not_award_titles(admin_a, union_a):
    home = make_home(union_a, by=admin_a)
    with pytest.raises(NotInScope):
        services.home_award(home=home, kind="model", level=HomeAward.Level.CITY, year=2024, by=admin_a)
    assert not HomeAward.objects.exists()


def test_a_title_is_recorded_once_per_level_and_not_before_the_home_or_in_the_future(
    officer, admin_a, union_a
):
    home = make_home(union_a, by=admin_a, opened_on=date(2022, 5, 1))
    services.home_award(home=home, kind="model", level=HomeAward.Level.CITY, year=2023, by=officer)
    with pytest.raises(ValidationError) as caught:
        services.home_award(home=home, kind="model", level=HomeAward.Level.CITY, year=2024, by=officer)
    assert "已有这一命名：市模范职工之家" in message(caught.value, "level")
    with pytest.raises(ValidationError) as caught:
        services.home_award(home=home, kind="model", level=HomeAward.Level.PROVINCIAL, year=2021, by=officer)
    assert "早于该职工之家的建成年份（2022年）" in message(caught.value, "year")
    with pytest.raises(ValidationError) as caught:
        services.home_award(
            home=home,
            kind="model",
            level=HomeAward.Level.PROVINCIAL,
            year=timezone.localdate().year + 1,
            by=officer,
        )
    assert "不能晚于今年" in message(caught.value, "year")
    assert HomeAward.objects.count() == 1


def test_photos_are_images_checked_by_their_content(
    admin_a, admin_b, union_a, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    home = make_home(union_a, by=admin_a)
    photo = services.home_photo_add(home=home, photo=png(), caption="职工书屋", by=admin_a)
    assert photo.name == "活动室.png" and photo.file.name.startswith(f"homes/{home.pk}/")
    assert "活动室" not in photo.file.name  # stored under a random name
    for upload, words in [
        (SimpleUploadedFile("材料.pdf", b"%PDF-1.4\n"), "照片只能是JPG或PNG图片"),
        (SimpleUploadedFile("假图.png", b"MZ\x90\x00 not an image"), "内容与文件类型不符"),
        (SimpleUploadedFile("空.jpg", b""), "空文件"),
    ]:
        with pytest.raises(ValidationError) as caught:
            services.home_photo_add(home=home, photo=upload, by=admin_a)
        assert words in message(caught.value, "photo")
    assert HomePhoto.objects.count() == 1
    path = tmp_path / photo.file.name
    assert path.exists()
    with pytest.raises(NotInScope):
        services.home_photo_remove(photo=photo, by=admin_b)
    with django_capture_on_commit_callbacks(execute=True):  # the file goes once the row has gone
        services.home_photo_remove(photo=photo, by=admin_a)
    assert not HomePhoto.objects.exists() and not path.exists()


# --- events ---


def test_an_event_with_bad_times_is_refused_on_each_field(officer, zone):
    now = timezone.now()
    with pytest.raises(ValidationError) as caught:
        make_event(
            zone,
            by=officer,
            starts_at=now + timedelta(days=2),
            ends_at=now + timedelta(days=1),
            registration_opens_at=now,
            registration_closes_at=now + timedelta(days=3),
        )
    assert "结束时间应晚于开始时间" in message(caught.value, "ends_at")
    assert "报名截止不能晚于活动开始" in message(caught.value, "registration_closes_at")
    assert not Event.objects.exists()


def test_a_union_admin_organises_their_own_unions_events_only(admin_a, union_a, zone):
    make_event(union_a, by=admin_a)
    with pytest.raises(NotInScope):
        make_event(zone, by=admin_a)
    assert Event.objects.count() == 1


def test_seats_go_first_come_then_the_waiting_list(officer, zone, union_a, enterprise_a):
    event = make_event(zone, by=officer, capacity=2)
    people = [make_member(union_a, enterprise=enterprise_a).person for _ in range(3)]
    statuses = [services.registration_create(event=event, person=p, by=officer).status for p in people]
    assert statuses == [Status.CONFIRMED, Status.CONFIRMED, Status.WAITING]


def test_one_registration_per_person_and_event(officer, zone, member_a):
    event = make_event(zone, by=officer)
    services.registration_create(event=event, person=member_a.person, by=officer)
    with pytest.raises(ValidationError) as caught:
        services.registration_create(event=event, person=member_a.person, by=officer)
    assert "张三已报名本次活动（已报名）" in message(caught.value, "person")
    registration = EventRegistration.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():  # the database holds it too
        EventRegistration.objects.create(
            event=event,
            person=member_a.person,
            union=registration.union,
            status=Status.WAITING,
            queued_at=timezone.now(),
        )


def test_a_cancellation_promotes_the_first_in_line_of_the_same_quota_not_of_another(
    officer, zone, union_a, union_b, enterprise_a, enterprise_b
):
    """pretix #2119: a seat freed in one quota must not go to the longest waiter of another."""
    event = make_event(zone, by=officer, capacity=3)
    services.quota_set(event=event, union=union_a, seats=1, by=officer)  # the open pool keeps 2
    a1, a2, a3 = (make_member(union_a, enterprise=enterprise_a).person for _ in range(3))
    b1, b2, b3 = (make_member(union_b, enterprise=enterprise_b).person for _ in range(3))
    r = {p: services.registration_create(event=event, person=p, by=officer) for p in (a1, b1, b2, b3, a2, a3)}
    assert [r[p].status for p in (a1, b1, b2)] == [Status.CONFIRMED] * 3
    assert [r[p].status for p in (b3, a2, a3)] == [Status.WAITING] * 3  # b3 has waited longest

    promoted = services.registration_cancel(registration=r[a1], by=officer)
    assert promoted.person == a2  # the first in line of union A's quota, not b3
    states = dict(EventRegistration.objects.values_list("person", "status"))
    assert (states[a1.pk], states[a2.pk], states[a3.pk], states[b3.pk]) == (
        Status.CANCELLED,
        Status.CONFIRMED,
        Status.WAITING,
        Status.WAITING,
    )
    assert services.registration_cancel(registration=r[b1], by=officer).person == b3
    assert services.registration_cancel(registration=r[a3], by=officer) is None  # a waiting one frees no seat
    assert AuditLog.objects.filter(action="events.promote").count() == 2


def test_the_promotion_is_part_of_the_cancellation(officer, zone, union_a, enterprise_a):
    event = make_event(zone, by=officer, capacity=1)
    first, second = (make_member(union_a, enterprise=enterprise_a).person for _ in range(2))
    seat = services.registration_create(event=event, person=first, by=officer)
    services.registration_create(event=event, person=second, by=officer)
    failing_audit = mock.patch(
        "gonghui.homes.services.audit_record", side_effect=[None, RuntimeError("disk full")]
    )
    with failing_audit, pytest.raises(RuntimeError):  # the promotion's audit row fails
        services.registration_cancel(registration=seat, by=officer)
    assert dict(EventRegistration.objects.values_list("person", "status")) == {
        first.pk: Status.CONFIRMED,
        second.pk: Status.WAITING,
    }


def test_a_cancelled_registration_is_renewed_at_the_end_of_the_line(officer, zone, union_a, enterprise_a):
    event = make_event(zone, by=officer, capacity=1)
    first, second = (make_member(union_a, enterprise=enterprise_a).person for _ in range(2))
    registration = services.registration_create(event=event, person=first, by=officer)
    services.registration_create(event=event, person=second, by=officer)
    services.registration_cancel(registration=registration, by=officer)
    again = services.registration_create(event=event, person=first, by=officer)
    assert again.pk == registration.pk and again.status == Status.WAITING and again.cancelled_at is None


def test_a_worker_registers_only_themself(worker, member_a, zone, officer, union_a, enterprise_a):
    event = make_event(zone, by=officer)
    mine = services.registration_create(event=event, person=member_a.person, by=worker)
    assert mine.status == Status.CONFIRMED and mine.registered_by == worker
    colleague = make_member(union_a, enterprise=enterprise_a).person
    with pytest.raises(NotInScope):
        services.registration_create(event=event, person=colleague, by=worker)
    services.registration_cancel(registration=mine, by=worker)
    assert EventRegistration.objects.get().status == Status.CANCELLED


def test_a_union_admin_registers_their_own_members_for_the_zones_event(
    officer, admin_a, zone, member_a, member_b
):
    event = make_event(zone, by=officer)
    assert (
        services.registration_create(event=event, person=member_a.person, by=admin_a).union == member_a.union
    )
    with pytest.raises(ValidationError) as caught:
        services.registration_create(event=event, person=member_b.person, by=admin_a)
    assert "不是您所在工会（或所辖工会）的会员" in message(caught.value, "person")
    assert EventRegistration.objects.count() == 1


def test_only_members_of_the_organisers_subtree_register(admin_a, union_a, member_b):
    event = make_event(union_a, by=admin_a)
    with pytest.raises(ValidationError) as caught:
        services.registration_create(event=event, person=member_b.person, by=admin_a)
    assert "不是甲公司工会的在册会员" in message(caught.value, "person")


def test_registration_is_refused_outside_its_window(officer, zone, member_a):
    now = timezone.now()
    event = make_event(
        zone,
        by=officer,
        registration_opens_at=now + timedelta(minutes=10),
        registration_closes_at=now + timedelta(hours=1),
    )
    with pytest.raises(ValidationError) as caught:
        services.registration_create(event=event, person=member_a.person, by=officer)
    assert "现在不能报名" in message(caught.value, "person")
    assert not EventRegistration.objects.exists()


def test_quotas_hold_within_the_capacity_and_above_the_seats_taken(
    officer, zone, union_a, union_b, enterprise_a
):
    event = make_event(zone, by=officer, capacity=5)
    services.quota_set(event=event, union=union_b, seats=3, by=officer)
    with pytest.raises(ValidationError) as caught:
        services.quota_set(event=event, union=union_a, seats=3, by=officer)
    assert "总名额5人，其他工会已分配3人" in message(caught.value, "seats")
    services.quota_set(event=event, union=union_a, seats=1, by=officer)
    a1, a2 = (make_member(union_a, enterprise=enterprise_a).person for _ in range(2))
    services.registration_create(event=event, person=a1, by=officer)
    waiting = services.registration_create(event=event, person=a2, by=officer)
    assert waiting.status == Status.WAITING
    services.quota_set(event=event, union=union_b, seats=2, by=officer)
    services.quota_set(event=event, union=union_a, seats=2, by=officer)  # more seats promote at once
    waiting.refresh_from_db()
    assert waiting.status == Status.CONFIRMED and waiting.promoted_at is not None
    with pytest.raises(ValidationError) as caught:
        services.quota_set(event=event, union=union_a, seats=1, by=officer)
    assert "已有2人获得名额，名额不能少于2人" in message(caught.value, "seats")
    assert EventQuota.objects.get(union=union_a).seats == 2


def test_a_quota_goes_to_a_union_of_the_organisers_subtree_by_its_organiser(officer, admin_a, zone, union_a):
    event = make_event(union_a, by=admin_a)
    with pytest.raises(ValidationError) as caught:
        services.quota_set(event=event, union=zone, seats=1, by=admin_a)
    assert "名额只能分配给甲公司工会所属的基层工会" in message(caught.value, "union")
    zone_event = make_event(zone, by=officer)
    with pytest.raises(NotInScope):  # union A's admin sees the zone's event but does not run it
        services.quota_set(event=zone_event, union=union_a, seats=1, by=admin_a)


# --- check-in ---


def test_a_registered_person_is_checked_in_once(officer, zone, member_a):
    event = make_event(zone, by=officer)
    services.registration_create(event=event, person=member_a.person, by=officer)
    check_in = services.checkin_create(event=event, person=member_a.person, by=officer)
    assert check_in.checked_in_by == officer and check_in.method == CheckIn.Method.NAME
    with pytest.raises(ValidationError) as caught:
        services.checkin_create(event=event, person=member_a.person, by=officer)
    assert "张三已于" in message(caught.value, "person") and "不能重复签到" in message(caught.value, "person")
    with pytest.raises(IntegrityError), transaction.atomic():  # the database holds it too
        CheckIn.objects.create(registration=check_in.registration, checked_in_at=timezone.now())
    assert CheckIn.objects.count() == 1
    with pytest.raises(ValidationError) as caught:
        services.registration_cancel(registration=check_in.registration, by=officer)
    assert "已签到，不能取消报名" in message(caught.value, "registration")


def test_no_check_in_without_a_seat(officer, zone, union_a, enterprise_a, member_b):
    event = make_event(zone, by=officer, capacity=1)
    seated, waiting, cancelled = (
        make_member(union_a, enterprise=enterprise_a, name=n).person for n in ("赵一", "钱二", "孙三")
    )
    services.registration_create(event=event, person=seated, by=officer)
    services.registration_create(event=event, person=waiting, by=officer)
    gone = services.registration_create(event=event, person=cancelled, by=officer)
    services.registration_cancel(registration=gone, by=officer)
    for person, words in [
        (waiting, "钱二在候补名单中，尚未获得名额"),
        (cancelled, "孙三已取消报名"),
        (member_b.person, "该人员未报名本次活动"),
    ]:
        with pytest.raises(ValidationError) as caught:
            services.checkin_create(event=event, person=person, by=officer)
        assert words in message(caught.value, "person")
    assert not CheckIn.objects.exists()


def test_a_union_admin_checks_in_their_own_members_only(officer, admin_a, admin_b, zone, member_a, member_b):
    event = make_event(zone, by=officer)
    services.registration_create(event=event, person=member_a.person, by=officer)
    services.registration_create(event=event, person=member_b.person, by=officer)
    with pytest.raises(ValidationError) as caught:
        services.checkin_create(event=event, person=member_a.person, by=admin_b)
    assert "该人员未报名本次活动" in message(caught.value, "person")  # names no one outside their reach
    services.checkin_create(event=event, person=member_a.person, by=admin_a)


def test_check_in_opens_six_hours_before_the_start(officer, zone, member_a):
    event = make_event(zone, by=officer, starts_in=timedelta(hours=7))
    services.registration_create(event=event, person=member_a.person, by=officer)
    with pytest.raises(ValidationError) as caught:
        services.checkin_create(event=event, person=member_a.person, by=officer)
    assert "签到时间为活动开始前6小时至活动结束" in message(caught.value, "person")


def test_a_worker_does_not_check_in(worker, officer, zone, member_a):
    event = make_event(zone, by=officer)
    services.registration_create(event=event, person=member_a.person, by=worker)
    with pytest.raises(NotInScope):
        services.checkin_create(event=event, person=member_a.person, by=worker)
