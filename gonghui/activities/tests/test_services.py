from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils import timezone

from gonghui.activities import services
from gonghui.activities.models import Activity, Registration, WelfareDistribution, WelfareRecipient
from gonghui.activities.tests.factories import make_activity, make_distribution, make_officer
from gonghui.core.models import AuditLog
from gonghui.core.scope import NotInScope
from gonghui.members.services import member_leave
from gonghui.members.tests.factories import make_member
from gonghui.orgs.models import Organisation

pytestmark = pytest.mark.django_db


def message(excinfo, field):
    return " ".join(excinfo.value.message_dict[field])


# --- activities ---


def test_create_is_audited_and_validated(union_a, admin_a):
    activity = make_activity(union_a, by=admin_a, place="职工之家", capacity=50)
    assert AuditLog.objects.filter(action="activity.create", object_id=str(activity.pk)).exists()
    with pytest.raises(ValidationError) as excinfo:
        make_activity(union_a, by=admin_a, title="  ")
    assert "title" in excinfo.value.message_dict
    with pytest.raises(ValidationError) as excinfo:
        make_activity(union_a, by=admin_a, kind="party")
    assert "kind" in excinfo.value.message_dict
    assert Activity.objects.count() == 1


def test_a_dissolved_union_cannot_organise(union_a, admin_a):
    Organisation.objects.filter(pk=union_a.pk).update(dissolved_on=date(2023, 1, 1))
    with pytest.raises(ValidationError) as excinfo:
        make_activity(union_a, by=admin_a)
    assert "已撤销" in message(excinfo, "organiser")


def test_register_then_record_attendance(union_a, admin_a, member_a):
    other = make_member(union_a)
    activity = make_activity(union_a, by=admin_a)
    present = services.activity_register(activity=activity, person=member_a.person, by=admin_a)
    absent = services.activity_register(activity=activity, person=other.person, by=admin_a)
    services.activity_record_attendance(activity=activity, attended=[present.pk], by=admin_a)
    activity.refresh_from_db()
    assert activity.status == Activity.Status.HELD
    assert {r.pk: r.attended for r in Registration.objects.all()} == {present.pk: True, absent.pk: False}
    assert AuditLog.objects.get(action="activity.attendance").detail == {"attended": 1}


def test_registration_refuses_a_duplicate_a_non_member_and_a_full_activity(
    union_a, admin_a, member_a, member_b
):
    activity = make_activity(union_a, by=admin_a, capacity=2)
    services.activity_register(activity=activity, person=member_a.person, by=admin_a)
    with pytest.raises(ValidationError) as excinfo:
        services.activity_register(activity=activity, person=member_a.person, by=admin_a)
    assert "已报名" in message(excinfo, "person")
    with pytest.raises(ValidationError) as excinfo:
        services.activity_register(activity=activity, person=member_b.person, by=admin_a)
    assert "不是甲公司工会的在册会员" in message(excinfo, "person")
    services.activity_register(activity=activity, person=make_member(union_a).person, by=admin_a)
    with pytest.raises(ValidationError) as excinfo:
        services.activity_register(activity=activity, person=make_member(union_a).person, by=admin_a)
    assert "名额（2人）已满" in message(excinfo, "person")
    assert activity.registrations.count() == 2


def test_a_federation_activity_takes_members_of_every_union_below(zone, officer, member_a, member_b):
    activity = make_activity(zone, by=officer, kind=Activity.Kind.STUDY_SESSION)
    for m in (member_a, member_b):
        services.activity_register(activity=activity, person=m.person, by=officer)
    assert activity.registrations.count() == 2


def test_a_former_member_cannot_register(union_a, admin_a, member_a):
    member_leave(membership=member_a, on=date(2024, 1, 1), by=admin_a)
    with pytest.raises(ValidationError):
        services.activity_register(
            activity=make_activity(union_a, by=admin_a), person=member_a.person, by=admin_a
        )


def test_attendance_refuses_a_future_activity_a_cancelled_one_and_strangers(union_a, admin_a, member_a):
    future = make_activity(union_a, by=admin_a, held_on=timezone.localdate() + timedelta(days=3))
    reg = services.activity_register(activity=future, person=member_a.person, by=admin_a)
    with pytest.raises(ValidationError) as excinfo:
        services.activity_record_attendance(activity=future, attended=[reg.pk], by=admin_a)
    assert "尚未到" in message(excinfo, "attended")

    past = make_activity(union_a, by=admin_a)
    with pytest.raises(ValidationError) as excinfo:
        services.activity_record_attendance(activity=past, attended=[reg.pk], by=admin_a)  # reg of another
    assert "未报名" in message(excinfo, "attended")

    services.activity_cancel(activity=past, by=admin_a, reason="天气")
    with pytest.raises(ValidationError):
        services.activity_record_attendance(activity=past, attended=[], by=admin_a)
    with pytest.raises(ValidationError):
        services.activity_register(activity=past, person=member_a.person, by=admin_a)
    with pytest.raises(ValidationError):
        services.activity_cancel(activity=past, by=admin_a)
    assert not Registration.objects.filter(attended=True).exists()


# --- welfare ---


def test_a_distribution_signed_off_by_a_second_officer(union_a, admin_a, member_a):
    second = make_officer(union_a)
    distribution = make_distribution(union_a, by=admin_a)
    recipient = services.welfare_add_recipient(distribution=distribution, person=member_a.person, by=admin_a)
    assert (recipient.item, recipient.amount, recipient.membership) == (
        "月饼一盒、食用油一桶",
        Decimal("198.00"),
        member_a,
    )
    special = services.welfare_add_recipient(
        distribution=distribution,
        person=make_member(union_a).person,
        by=admin_a,
        item="慰问金",
        amount=Decimal("500.50"),
    )
    assert special.amount == Decimal("500.50")

    services.welfare_sign_off(distribution=distribution, by=second)
    distribution.refresh_from_db()
    assert distribution.status == WelfareDistribution.Status.SIGNED_OFF
    assert distribution.signed_off_by == second and distribution.signed_off_at is not None
    audit = AuditLog.objects.get(action="welfare.sign_off")
    assert audit.detail == {"recipients": 2, "total": "698.50"}


def test_self_sign_off_is_refused(union_a, admin_a, member_a):
    distribution = make_distribution(union_a, by=admin_a)
    services.welfare_add_recipient(distribution=distribution, person=member_a.person, by=admin_a)
    with pytest.raises(ValidationError) as excinfo:
        services.welfare_sign_off(distribution=distribution, by=admin_a)
    assert "另一名工会干部签批" in message(excinfo, "signed_off_by")
    distribution.refresh_from_db()
    assert distribution.is_draft and not AuditLog.objects.filter(action="welfare.sign_off").exists()


def test_the_database_also_refuses_self_sign_off(union_a, admin_a):
    distribution = make_distribution(union_a, by=admin_a)
    with pytest.raises(IntegrityError):
        WelfareDistribution.objects.filter(pk=distribution.pk).update(
            status="signed_off", signed_off_by=admin_a, signed_off_at=timezone.now()
        )


def test_an_officer_of_another_union_cannot_sign_off(union_a, admin_a, admin_b, member_a):
    distribution = make_distribution(union_a, by=admin_a)
    services.welfare_add_recipient(distribution=distribution, person=member_a.person, by=admin_a)
    with pytest.raises(NotInScope):
        services.welfare_sign_off(distribution=distribution, by=admin_b)
    distribution.refresh_from_db()
    assert distribution.is_draft


def test_the_federation_may_sign_off_and_an_empty_list_may_not(union_a, admin_a, officer, member_a):
    distribution = make_distribution(union_a, by=admin_a)
    with pytest.raises(ValidationError) as excinfo:
        services.welfare_sign_off(distribution=distribution, by=officer)
    assert "名单为空" in message(excinfo, "signed_off_by")
    services.welfare_add_recipient(distribution=distribution, person=member_a.person, by=admin_a)
    services.welfare_sign_off(distribution=distribution, by=officer)


def test_a_non_member_of_that_union_cannot_receive(union_a, admin_a, member_b):
    distribution = make_distribution(union_a, by=admin_a)
    with pytest.raises(ValidationError) as excinfo:
        services.welfare_add_recipient(distribution=distribution, person=member_b.person, by=admin_a)
    assert "不是甲公司工会的会员" in message(excinfo, "person")
    assert "李四" not in message(excinfo, "person")  # the message does not reveal who holds that number
    assert not WelfareRecipient.objects.exists()


def test_membership_is_checked_on_the_day_of_the_distribution(union_a, admin_a):
    joined_late = make_member(union_a, started_on=date(2024, 10, 1))
    left = make_member(union_a, started_on=date(2020, 1, 1))
    member_leave(membership=left, on=date(2024, 12, 1), by=admin_a)
    distribution = make_distribution(union_a, by=admin_a, distributed_on=date(2024, 9, 15))
    with pytest.raises(ValidationError):
        services.welfare_add_recipient(distribution=distribution, person=joined_late.person, by=admin_a)
    services.welfare_add_recipient(distribution=distribution, person=left.person, by=admin_a)  # member then


def test_a_member_receives_a_distribution_once(union_a, admin_a, member_a):
    distribution = make_distribution(union_a, by=admin_a)
    services.welfare_add_recipient(distribution=distribution, person=member_a.person, by=admin_a)
    with pytest.raises(ValidationError) as excinfo:
        services.welfare_add_recipient(distribution=distribution, person=member_a.person, by=admin_a)
    assert "已领取过本次福利" in message(excinfo, "person")
    with pytest.raises(IntegrityError):
        WelfareRecipient.objects.create(
            distribution=distribution, person=member_a.person, membership=member_a, item="x", amount=1
        )


def test_negative_amounts_are_refused(union_a, admin_a, member_a):
    with pytest.raises(ValidationError) as excinfo:
        make_distribution(union_a, by=admin_a, amount=Decimal("-1"))
    assert "amount" in excinfo.value.message_dict
    distribution = make_distribution(union_a, by=admin_a)
    with pytest.raises(ValidationError):
        services.welfare_add_recipient(
            distribution=distribution, person=member_a.person, by=admin_a, amount=Decimal("-0.01")
        )


def test_only_a_grassroots_union_distributes(zone, officer):
    with pytest.raises(ValidationError) as excinfo:
        make_distribution(zone, by=officer)
    assert "基层工会" in message(excinfo, "union")


def test_add_all_members_skips_those_already_listed_and_former_members(union_a, admin_a, member_a, member_b):
    others = [make_member(union_a) for _ in range(3)]
    member_leave(membership=others[0], on=date(2024, 1, 1), by=admin_a)
    distribution = make_distribution(union_a, by=admin_a)
    services.welfare_add_recipient(
        distribution=distribution, person=member_a.person, by=admin_a, amount=Decimal("1")
    )
    assert services.welfare_add_all_members(distribution=distribution, by=admin_a) == 2
    assert set(distribution.recipients.values_list("person_id", flat=True)) == {
        member_a.person_id,
        others[1].person_id,
        others[2].person_id,
    }
    assert services.welfare_add_all_members(distribution=distribution, by=admin_a) == 0


def test_the_list_is_final_once_signed_off(union_a, admin_a, member_a):
    distribution = make_distribution(union_a, by=admin_a)
    recipient = services.welfare_add_recipient(distribution=distribution, person=member_a.person, by=admin_a)
    services.welfare_sign_off(distribution=distribution, by=make_officer(union_a))
    for attempt in (
        lambda: services.welfare_add_recipient(
            distribution=distribution, person=make_member(union_a).person, by=admin_a
        ),
        lambda: services.welfare_add_all_members(distribution=distribution, by=admin_a),
        lambda: services.welfare_remove_recipient(recipient=recipient, by=admin_a),
        lambda: services.welfare_sign_off(distribution=distribution, by=make_officer(union_a, "third")),
    ):
        with pytest.raises(ValidationError):
            attempt()
    assert distribution.recipients.count() == 1


def test_remove_a_recipient_from_a_draft(union_a, admin_a, member_a):
    distribution = make_distribution(union_a, by=admin_a)
    recipient = services.welfare_add_recipient(distribution=distribution, person=member_a.person, by=admin_a)
    services.welfare_remove_recipient(recipient=recipient, by=admin_a)
    assert not distribution.recipients.exists()
    assert AuditLog.objects.filter(action="welfare.remove_recipient").exists()
