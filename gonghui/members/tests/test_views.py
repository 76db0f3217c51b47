from datetime import date

import pytest
from django.urls import reverse

from gonghui.core.models import AuditLog
from gonghui.members.models import Membership
from gonghui.members.tests.factories import make_member, new_id_number

pytestmark = pytest.mark.django_db


def test_member_list_costs_the_same_for_10_or_60_members(
    client, admin_a, union_a, enterprise_a, django_assert_max_num_queries
):
    client.force_login(admin_a)
    client.get(reverse("core:home"))  # the session records the first activity once
    for _ in range(10):
        make_member(union_a, enterprise=enterprise_a)
    # session, user, count, the user's union (for the export button), the page's rows (person, union and
    # employer joined in)
    with django_assert_max_num_queries(5) as small:
        assert client.get(reverse("members:list")).status_code == 200
    for _ in range(50):
        make_member(union_a, enterprise=enterprise_a)
    with django_assert_max_num_queries(5) as large:
        response = client.get(reverse("members:list"))
    assert len(small.captured_queries) == len(large.captured_queries)
    assert len(response.context["page"].object_list) == 50


def test_member_list_is_sorted_in_pinyin_order(client, admin_a, union_a):
    for name in ("赵六", "阿明", "单晓东", "解放"):
        make_member(union_a, name=name)
    client.force_login(admin_a)
    names = [m.person.name for m in client.get(reverse("members:list")).context["page"]]
    assert names == ["阿明", "单晓东", "解放", "赵六"]


@pytest.mark.parametrize(("query", "expected"), [("sxd", ["单晓东"]), ("单", ["单晓东"]), ("x", ["解放"])])
def test_member_search_by_name_and_pinyin_initials(client, admin_a, union_a, query, expected):
    make_member(union_a, name="单晓东")
    make_member(union_a, name="解放")
    client.force_login(admin_a)
    page = client.get(reverse("members:list"), {"q": query}).context["page"]
    assert [m.person.name for m in page] == expected


def test_member_search_by_exact_id_number_and_phone(client, admin_a, union_a):
    number = new_id_number()
    make_member(union_a, name="王五", id_number=number, mobile="13912345678")
    make_member(union_a, name="赵六")
    client.force_login(admin_a)
    for query in (number, number.lower(), "139 1234 5678"):
        assert [m.person.name for m in client.get(reverse("members:list"), {"q": query}).context["page"]] == [
            "王五"
        ]


def test_member_list_shows_masked_numbers_only(client, admin_a, member_a):
    client.force_login(admin_a)
    body = client.get(reverse("members:list")).content.decode()
    number = member_a.person.reveal_id_number()
    assert number not in body and member_a.person.id_masked in body
    assert member_a.person.mobile not in body


def test_reveal_shows_the_full_number_and_audits_it(client, admin_a, member_a):
    client.force_login(admin_a)
    response = client.post(reverse("members:reveal_id", args=[member_a.person_id]), HTTP_HX_REQUEST="true")
    assert member_a.person.reveal_id_number() in response.content.decode()
    assert AuditLog.objects.filter(action="person.reveal_id", actor=admin_a).count() == 1


def test_join_form_registers_a_member(client, admin_a, union_a, enterprise_a):
    client.force_login(admin_a)
    number = new_id_number()
    response = client.post(
        reverse("members:join"),
        {
            "union": union_a.pk,
            "name": "钱七",
            "id_number": number,
            "mobile": "13700000001",
            "enterprise": enterprise_a.pk,
            "started_on": "2024-05-01",
        },
    )
    membership = Membership.objects.get(person__name="钱七")
    assert response.status_code == 302 and membership.union == union_a


def test_join_form_shows_the_reason_beside_the_field_and_saves_nothing(client, admin_a, union_a):
    client.force_login(admin_a)
    response = client.post(
        reverse("members:join"),
        {
            "union": union_a.pk,
            "name": "钱七",
            "id_number": "360902199001011234",
            "mobile": "13700000001",
            "started_on": "2024-05-01",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["id_number"] == ["公民身份号码校验码错误"]
    assert not Membership.objects.exists()


def test_join_form_names_the_union_holding_a_second_membership(client, admin_b, union_b, member_a):
    client.force_login(admin_b)
    response = client.post(
        reverse("members:join"),
        {
            "union": union_b.pk,
            "name": "张三",
            "id_number": member_a.person.reveal_id_number(),
            "mobile": "13700000001",
            "started_on": "2024-05-01",
        },
    )
    assert "甲公司工会" in response.context["form"].errors["id_number"][0]


def test_join_form_never_tells_another_unions_members_name(client, admin_b, union_b, member_a):
    """An admin of B who types a member of A's number with another name learns where the membership
    is and that the name does not match — not the registered name — and the lookup is audited."""
    client.force_login(admin_b)
    response = client.post(
        reverse("members:join"),
        {
            "union": union_b.pk,
            "name": "王五",
            "id_number": member_a.person.reveal_id_number(),
            "mobile": "13700000001",
            "started_on": "2024-05-01",
        },
    )
    errors = response.context["form"].errors
    assert errors["name"] == ["填写的姓名与该公民身份号码登记的姓名不一致，请核对身份证件"]
    assert "甲公司工会" in errors["id_number"][0]
    assert "张三" not in response.content.decode()
    lookup = AuditLog.objects.get(action="person.lookup")
    assert (lookup.actor, lookup.object_id, lookup.result) == (admin_b, str(member_a.person_id), "denied")
    assert lookup.detail == {"name_matches": False, "active_in": "UA"}


def test_transfer_form(client, admin_a, member_a, union_b):
    client.force_login(admin_a)
    response = client.post(
        reverse("members:transfer", args=[member_a.pk]), {"to_union": union_b.pk, "on": "2024-06-01"}
    )
    assert response.status_code == 302
    assert member_a.person.memberships.active().get().union == union_b


def test_a_transfer_carries_the_employer_into_the_new_union(client, admin_a, member_a, union_b, enterprise_b):
    client.force_login(admin_a)
    page = client.get(reverse("members:transfer", args=[member_a.pk])).content.decode()
    assert "乙新能源有限公司（乙公司工会）" in page  # the receiving unions' employers are offered
    client.post(reverse("members:transfer", args=[member_a.pk]), {"to_union": union_b.pk, "on": "2024-06-01"})
    assert member_a.person.memberships.active().get().enterprise == enterprise_b  # its only enterprise


def test_a_transfer_refuses_an_employer_of_another_union(client, admin_a, member_a, union_b, enterprise_a):
    client.force_login(admin_a)
    response = client.post(
        reverse("members:transfer", args=[member_a.pk]),
        {"to_union": union_b.pk, "enterprise": enterprise_a.pk, "on": "2024-06-01"},
    )
    assert response.context["form"].errors["enterprise"]  # only the receiving unions' are offered
    assert member_a.person.memberships.active().get().union_id != union_b.pk


def test_transfer_refuses_a_date_before_joining(client, admin_a, member_a, union_b):
    client.force_login(admin_a)
    response = client.post(
        reverse("members:transfer", args=[member_a.pk]), {"to_union": union_b.pk, "on": "2001-01-01"}
    )
    assert "不能早于入会日期" in response.context["form"].errors["on"][0]
    assert member_a.person.memberships.active().get().union_id == member_a.union_id


def test_leave_form(client, admin_a, member_a):
    client.force_login(admin_a)
    assert client.post(reverse("members:leave", args=[member_a.pk]), {"on": "2024-06-01"}).status_code == 302
    member_a.refresh_from_db()
    assert member_a.ended_on == date(2024, 6, 1)


def test_former_members_stay_visible_to_their_old_union_with_their_history(
    client, admin_a, member_a, union_b
):
    client.force_login(admin_a)
    client.post(reverse("members:transfer", args=[member_a.pk]), {"to_union": union_b.pk, "on": "2024-06-01"})
    response = client.get(reverse("members:detail", args=[member_a.person_id]))
    assert response.status_code == 200 and response.context["active"] is None
    # …but no longer on the active list nor open to a second transfer.
    assert not client.get(reverse("members:list")).context["page"].object_list
    assert client.get(reverse("members:transfer", args=[member_a.pk])).status_code == 404


def test_worker_sees_their_own_membership(client, worker, member_a):
    client.force_login(worker)
    response = client.get(reverse("members:me"))
    assert response.status_code == 200 and "甲公司工会" in response.content.decode()
