from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from gonghui.core.models import AuditLog
from gonghui.members.models import Membership, Person
from gonghui.members.services import member_join, member_leave, member_transfer, person_find, person_reveal_id
from gonghui.members.tests.factories import fake, make_member, new_id_number

pytestmark = pytest.mark.django_db


def errors_of(excinfo) -> dict:
    return excinfo.value.message_dict


def test_join_stores_the_id_number_encrypted_and_masked(union_a, admin_a):
    number = new_id_number()
    membership = member_join(
        union=union_a,
        id_number=number,
        name=" 张  三 ",
        mobile="13800138000",
        started_on=date(2024, 3, 1),
        by=admin_a,
    )
    person = membership.person
    assert person.name == "张 三"
    assert number not in (person.id_encrypted, person.id_hash)
    assert person.id_masked == f"**************{number[-4:]}"
    assert person.reveal_id_number() == number
    assert person_find(id_number=number.lower()) == person
    assert AuditLog.objects.filter(action="membership.join", object_id=str(membership.pk)).exists()


def test_join_keeps_the_birth_year_and_gender(union_a, admin_a):
    number = fake.resident_id(born=date(1988, 7, 9), gender="F")
    person = member_join(
        union=union_a,
        id_number=number,
        name="王芳",
        mobile="13900000001",
        started_on=date(2024, 1, 2),
        by=admin_a,
    ).person
    assert (person.birth_year, person.gender) == (1988, Person.Gender.FEMALE)


def test_pinyin_initials_read_surnames_as_surnames(union_a, admin_a):
    assert make_member(union_a, name="单田芳").person.name_initials == "stf"
    assert make_member(union_a, name="解放").person.name_initials == "xf"


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("360902199001011234", "校验码错误"),
        ("360902199002301230", "出生日期无效"),
        ("36090219900101123", "应为18位"),
    ],
)
def test_join_refuses_a_bad_id_number_and_saves_nothing(union_a, admin_a, number, message):
    with pytest.raises(ValidationError) as excinfo:
        member_join(
            union=union_a,
            id_number=number,
            name="张三",
            mobile="13800138000",
            started_on=date(2024, 3, 1),
            by=admin_a,
        )
    assert message in errors_of(excinfo)["id_number"][0]
    assert (
        not Person.objects.exists() and not AuditLog.objects.filter(action__startswith="membership").exists()
    )


def test_join_accepts_a_hong_kong_residence_permit(union_a, admin_a):
    body = "81000019900101123"
    from stdnum.cn import ric

    number = body + ric.calc_check_digit(body + "0")
    person = member_join(
        union=union_a,
        id_number=number,
        name="陈大文",
        mobile="13800138000",
        started_on=date(2024, 3, 1),
        by=admin_a,
    ).person
    assert person.reveal_id_number().startswith("810000")


def test_join_refuses_a_phone_that_is_not_a_mobile(union_a, admin_a):
    with pytest.raises(ValidationError) as excinfo:
        make_member(union_a, mobile="07955551234")
    assert "手机号码" in errors_of(excinfo)["mobile"][0]


def test_join_refuses_a_date_in_the_future(union_a, admin_a):
    with pytest.raises(ValidationError) as excinfo:
        make_member(union_a, started_on=timezone.localdate() + timedelta(days=1))
    assert "入会日期不能晚于今天" in errors_of(excinfo)["started_on"][0]


def test_a_second_active_membership_names_the_union_that_holds_it(union_a, union_b, admin_b):
    number = new_id_number()
    make_member(union_a, id_number=number, name="张三")
    with pytest.raises(ValidationError) as excinfo:
        make_member(union_b, id_number=number, name="张三", by=admin_b)
    assert "甲公司工会" in errors_of(excinfo)["id_number"][0]
    assert Membership.objects.count() == 1


def test_the_database_refuses_two_active_memberships(member_a, union_b):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(person=member_a.person, union=union_b, started_on=date(2024, 1, 1))


def test_transfer_closes_one_membership_and_opens_the_next(member_a, union_b, admin_a):
    new = member_transfer(membership=member_a, to_union=union_b, on=date(2024, 6, 1), by=admin_a)
    member_a.refresh_from_db()
    assert (member_a.ended_on, member_a.end_reason) == (
        date(2024, 6, 1),
        Membership.EndReason.TRANSFERRED_OUT,
    )
    assert (new.union, new.start_reason, new.is_active) == (
        union_b,
        Membership.StartReason.TRANSFERRED_IN,
        True,
    )
    assert list(member_a.person.memberships.order_by("started_on").values_list("union__code", flat=True)) == [
        "UA",
        "UB",
    ]


def test_transfer_refuses_the_same_union_and_an_ended_membership(member_a, union_a, union_b, admin_a):
    with pytest.raises(ValidationError, match="相同"):
        member_transfer(membership=member_a, to_union=union_a, on=date(2024, 6, 1), by=admin_a)
    member_leave(membership=member_a, on=date(2024, 6, 1), by=admin_a)
    with pytest.raises(ValidationError, match="已结束"):
        member_transfer(membership=member_a, to_union=union_b, on=date(2024, 7, 1), by=admin_a)


def test_leave_then_rejoin_keeps_one_person_and_the_history(member_a, union_a, admin_a):
    member_leave(membership=member_a, on=date(2023, 1, 1), by=admin_a)
    again = member_join(
        union=union_a,
        id_number=member_a.person.reveal_id_number(),
        name="张三",
        mobile="13700000000",
        started_on=date(2024, 2, 1),
        by=admin_a,
    )
    assert again.person_id == member_a.person_id
    assert Person.objects.count() == 1 and member_a.person.memberships.count() == 2


def test_rejoining_before_the_last_membership_ended_is_refused(member_a, union_a, admin_a):
    member_leave(membership=member_a, on=date(2024, 1, 1), by=admin_a)
    with pytest.raises(ValidationError, match="不能早于该人员上一段会员关系的结束日期"):
        member_join(
            union=union_a,
            id_number=member_a.person.reveal_id_number(),
            name="张三",
            mobile="13700000000",
            started_on=date(2023, 6, 1),
            by=admin_a,
        )


def test_join_refuses_an_enterprise_of_another_union(union_a, enterprise_b, admin_a):
    with pytest.raises(ValidationError) as excinfo:
        make_member(union_a, enterprise=enterprise_b)
    assert "不属于甲公司工会" in errors_of(excinfo)["enterprise"][0]


def test_join_refuses_a_federation(zone):
    with pytest.raises(ValidationError, match="基层工会"):
        make_member(zone)


def test_reveal_is_audited(member_a, admin_a):
    assert person_reveal_id(person=member_a.person, by=admin_a) == member_a.person.reveal_id_number()
    entry = AuditLog.objects.get(action="person.reveal_id")
    assert (entry.actor, entry.object_id) == (admin_a, str(member_a.person_id))


def test_transfer_refuses_an_employer_outside_the_receiving_union(member_a, union_b, enterprise_a, admin_a):
    with pytest.raises(ValidationError) as excinfo:
        member_transfer(
            membership=member_a, to_union=union_b, enterprise=enterprise_a, on=date(2024, 6, 1), by=admin_a
        )
    assert "不属于乙公司工会" in errors_of(excinfo)["enterprise"][0]
    member_a.refresh_from_db()
    assert member_a.is_active


@pytest.mark.parametrize(
    ("name", "shown"),
    [("<script>张三", "<"), ("=HYPERLINK(张三)", "="), ("张\u202e三", "U+202E")],
)
def test_one_name_rule_for_the_join_form_and_the_roster(union_a, admin_a, name, shown):
    """The roster import always refused these; the forms, through the same rule, now do too."""
    with pytest.raises(ValidationError) as excinfo:
        member_join(
            union=union_a,
            id_number=new_id_number(),
            name=name,
            mobile="13800138000",
            started_on=date(2024, 3, 1),
            by=admin_a,
        )
    assert (
        "含有不能用于姓名的字符" in errors_of(excinfo)["name"][0] and shown in errors_of(excinfo)["name"][0]
    )
    assert not Person.objects.exists()
