"""Pages: the union admin runs activities and welfare; the outsider (union B's admin, a worker) gets 404."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from gonghui.activities import services
from gonghui.activities.models import Activity, Registration, WelfareDistribution
from gonghui.activities.tests.factories import make_activity, make_distribution, make_officer
from gonghui.members.tests.factories import make_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def activity(union_a, admin_a):
    return make_activity(union_a, by=admin_a)


@pytest.fixture
def distribution(union_a, admin_a):
    return make_distribution(union_a, by=admin_a)


def login(client, user):
    client.force_login(user)
    return client


# --- the outsider ---


@pytest.mark.parametrize("who", ["admin_b", "worker"])
@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("activities:activity_detail", "get"),
        ("activities:activity_register", "post"),
        ("activities:activity_attendance", "post"),
        ("activities:activity_cancel", "post"),
    ],
)
def test_another_unions_activity_is_404(client, request, activity, who, name, method):
    login(client, request.getfixturevalue(who))
    response = getattr(client, method)(reverse(name, args=[activity.pk]))
    assert response.status_code == 404
    activity.refresh_from_db()
    assert activity.status == Activity.Status.PLANNED


@pytest.mark.parametrize("who", ["admin_b", "worker"])
@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("activities:welfare_detail", "get"),
        ("activities:welfare_add_recipient", "post"),
        ("activities:welfare_add_all_members", "post"),
        ("activities:welfare_sign_off", "post"),
    ],
)
def test_another_unions_distribution_is_404(client, request, distribution, member_a, who, name, method):
    login(client, request.getfixturevalue(who))
    response = getattr(client, method)(reverse(name, args=[distribution.pk]))
    assert response.status_code == 404
    distribution.refresh_from_db()
    assert distribution.is_draft and not distribution.recipients.exists()


def test_a_worker_has_no_activity_or_welfare_pages(client, worker):
    login(client, worker)
    for name in ("activity_list", "activity_create", "welfare_list", "welfare_create"):
        assert client.get(reverse(f"activities:{name}")).status_code == 404


def test_another_unions_recipient_cannot_be_removed_through_ones_own_distribution(
    client, admin_a, admin_b, distribution, union_b, member_a, member_b
):
    theirs = make_distribution(union_b, by=admin_b)
    recipient = services.welfare_add_recipient(distribution=theirs, person=member_b.person, by=admin_b)
    login(client, admin_a)
    url = reverse("activities:welfare_remove_recipient", args=[distribution.pk, recipient.pk])
    assert client.post(url).status_code == 404
    assert theirs.recipients.count() == 1


# --- the union admin ---


def test_create_an_activity(client, admin_a, union_a):
    login(client, admin_a)
    response = client.post(
        reverse("activities:activity_create"),
        {
            "organiser": union_a.pk,
            "kind": "study_session",
            "title": "劳动法专题学习会",
            "held_on": "2024-04-10",
        },
    )
    activity = Activity.objects.get()
    assert response.url == reverse("activities:activity_detail", args=[activity.pk])
    assert (activity.organiser, activity.created_by) == (union_a, admin_a)


def test_a_union_admin_cannot_organise_for_another_union(client, admin_a, union_b):
    login(client, admin_a)
    response = client.post(
        reverse("activities:activity_create"),
        {"organiser": union_b.pk, "kind": "lecture", "title": "x", "held_on": "2024-04-10"},
    )
    assert response.status_code == 200 and "organiser" in response.context["form"].errors
    assert not Activity.objects.exists()


def test_register_by_card_number_and_by_id_number(client, admin_a, activity, union_a):
    first = make_member(union_a, card_number="UA-00007")
    second = make_member(union_a)
    login(client, admin_a)
    url = reverse("activities:activity_register", args=[activity.pk])
    assert client.post(url, {"person": "UA-00007"}).status_code == 302
    assert client.post(url, {"person": second.person.reveal_id_number()}).status_code == 302
    assert set(activity.registrations.values_list("person_id", flat=True)) == {
        first.person_id,
        second.person_id,
    }


def test_registering_someone_unknown_or_from_another_union_says_so_on_the_field(
    client, admin_a, activity, member_b
):
    login(client, admin_a)
    url = reverse("activities:activity_register", args=[activity.pk])
    for key in ("NOPE-1", member_b.person.reveal_id_number()):
        response = client.post(url, {"person": key})
        assert response.status_code == 200
        assert response.context["register_form"].errors["person"] == [
            "该人员不是甲公司工会的在册会员，不能报名"
        ]
    assert not Registration.objects.exists()


def test_record_attendance(client, admin_a, activity, union_a):
    members = [make_member(union_a) for _ in range(3)]
    regs = [services.activity_register(activity=activity, person=m.person, by=admin_a) for m in members]
    login(client, admin_a)
    response = client.post(
        reverse("activities:activity_attendance", args=[activity.pk]), {"attended": [regs[0].pk, regs[2].pk]}
    )
    assert response.status_code == 302
    assert list(activity.registrations.filter(attended=True).order_by("pk")) == [regs[0], regs[2]]
    activity.refresh_from_db()
    assert activity.status == Activity.Status.HELD


def test_activity_list_costs_the_same_for_many_rows(client, admin_a, union_a, django_assert_max_num_queries):
    member = make_member(union_a)
    for i in range(30):
        a = make_activity(union_a, by=admin_a, title=f"第{i}期")
        services.activity_register(activity=a, person=member.person, by=admin_a)
    login(client, admin_a)
    # session, user, may organise?, the page with its counts (a keyset page: nothing counted), the
    # navigation's scope check, and the session's idle-timeout stamp (savepoint, update, release)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("activities:activity_list"), {"year": 2024})
    assert len(response.context["page"]) == 30
    assert response.context["page"][0].registered == 1


def test_activity_detail_costs_the_same_for_many_registrations(
    client, admin_a, activity, union_a, django_assert_max_num_queries
):
    for _ in range(25):
        services.activity_register(activity=activity, person=make_member(union_a).person, by=admin_a)
    login(client, admin_a)
    # session, user, the activity with its organiser, the registrations with their people, navigation,
    # the session's idle-timeout stamp (3)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("activities:activity_detail", args=[activity.pk]))
    assert response.content.decode().count('name="attended"') == 25


# --- welfare ---


def test_create_a_distribution_and_refuse_a_negative_amount(client, admin_a, union_a):
    login(client, admin_a)
    data = {
        "union": union_a.pk,
        "title": "春节慰问",
        "occasion": "holiday",
        "distributed_on": "2024-02-05",
        "item": "大米一袋",
        "amount": "-5",
    }
    response = client.post(reverse("activities:welfare_create"), data)
    assert "amount" in response.context["form"].errors and not WelfareDistribution.objects.exists()
    response = client.post(reverse("activities:welfare_create"), {**data, "amount": "120.50"})
    distribution = WelfareDistribution.objects.get()
    assert distribution.amount == Decimal("120.50") and distribution.created_by == admin_a


def test_a_non_member_of_that_union_is_refused_with_a_message(client, admin_a, distribution, member_b):
    login(client, admin_a)
    url = reverse("activities:welfare_add_recipient", args=[distribution.pk])
    for key in (member_b.person.reveal_id_number(), "UNKNOWN-9"):
        response = client.post(url, {"person": key})
        assert response.status_code == 200
        assert "不是甲公司工会的会员" in response.content.decode()
    assert not distribution.recipients.exists()


def test_add_recipient_with_its_own_amount_then_twice_is_refused(client, admin_a, distribution, member_a):
    login(client, admin_a)
    url = reverse("activities:welfare_add_recipient", args=[distribution.pk])
    number = member_a.person.reveal_id_number()
    assert client.post(url, {"person": number, "item": "慰问金", "amount": "300"}).status_code == 302
    response = client.post(url, {"person": number})
    assert "已领取过本次福利" in response.content.decode()
    assert distribution.recipients.get().amount == Decimal("300.00")


def test_self_sign_off_is_refused_and_a_second_officer_signs(
    client, admin_a, union_a, distribution, member_a
):
    services.welfare_add_recipient(distribution=distribution, person=member_a.person, by=admin_a)
    url = reverse("activities:welfare_sign_off", args=[distribution.pk])
    login(client, admin_a)
    detail = client.get(reverse("activities:welfare_detail", args=[distribution.pk])).content.decode()
    assert url not in detail  # the creator is not offered the button
    response = client.post(url)
    assert response.status_code == 200 and "另一名工会干部签批" in response.content.decode()
    distribution.refresh_from_db()
    assert distribution.is_draft
    login(client, make_officer(union_a))
    assert client.post(url).status_code == 302
    distribution.refresh_from_db()
    assert distribution.status == WelfareDistribution.Status.SIGNED_OFF


def test_add_all_members(client, admin_a, distribution, union_a):
    for _ in range(4):
        make_member(union_a, started_on=date(2020, 1, 1))
    login(client, admin_a)
    assert (
        client.post(reverse("activities:welfare_add_all_members", args=[distribution.pk])).status_code == 302
    )
    assert distribution.recipients.count() == 4


def test_welfare_pages_cost_the_same_for_many_recipients(
    client, admin_a, distribution, union_a, django_assert_max_num_queries
):
    for _ in range(25):
        make_member(union_a, started_on=date(2020, 1, 1))
    services.welfare_add_all_members(distribution=distribution, by=admin_a)
    make_distribution(union_a, by=admin_a, title="端午节慰问")
    login(client, admin_a)
    # session, user, the distribution with union and officers, the totals, the recipients with their
    # people, navigation, the session's idle-timeout stamp (3)
    with django_assert_max_num_queries(9):
        response = client.get(reverse("activities:welfare_detail", args=[distribution.pk]))
    assert response.content.decode().count("月饼一盒") >= 25
    # session, user, may distribute?, the count, the page with its sums, navigation, idle-timeout stamp (3)
    with django_assert_max_num_queries(9):
        response = client.get(reverse("activities:welfare_list"))
    assert sorted(d.recipient_count for d in response.context["page"]) == [0, 25]
    assert {d.total for d in response.context["page"]} == {None, Decimal("198.00") * 25}


def test_the_pages_and_the_refusals_in_english(client, admin_a, distribution, member_a):
    services.welfare_add_recipient(distribution=distribution, person=member_a.person, by=admin_a)
    login(client, admin_a)
    body = client.get(reverse("activities:activity_list"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "New activity" in body and "登记活动" not in body
    response = client.post(
        reverse("activities:welfare_sign_off", args=[distribution.pk]), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "must be signed off by a second officer" in response.content.decode()


def test_the_navigation_names_activities_and_welfare(client, officer, admin_a, worker):
    client.force_login(admin_a)
    nav = client.get(reverse("core:home"), HTTP_ACCEPT_LANGUAGE="en").context["nav_items"]
    assert ("Activities", reverse("activities:activity_list")) in nav and (
        "Welfare",
        reverse("activities:welfare_list"),
    ) in nav
    assert reverse("reports:kpis") in dict(nav).values()  # their own union's annual report
    client.force_login(officer)
    assert reverse("reports:kpis") in dict(client.get(reverse("core:home")).context["nav_items"]).values()
    client.force_login(worker)
    assert (
        reverse("activities:activity_list")
        not in dict(client.get(reverse("core:home")).context["nav_items"]).values()
    )
