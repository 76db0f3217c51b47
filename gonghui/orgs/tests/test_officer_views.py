from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from gonghui.core.models import AuditLog
from gonghui.members.tests.factories import make_member
from gonghui.orgs.models import Officer
from gonghui.orgs.services import officer_appoint

pytestmark = pytest.mark.django_db


def appoint(union, membership, role, start, end, by):
    return officer_appoint(
        union=union, person=membership.person, role=role, term_start=start, term_end=end, by=by
    )


def appointment(membership, term_end="2028-12-31") -> dict:
    return {
        "id_number": membership.person.reveal_id_number(),
        "role": "chair",
        "term_start": "2024-01-01",
        "term_end": term_end,
    }


def test_the_union_page_shows_the_committees_and_an_overdue_term(
    client, admin_a, union_a, member_a, django_assert_max_num_queries
):
    today = timezone.localdate()
    appoint(union_a, member_a, "chair", date(2018, 1, 1), today - timedelta(days=1), admin_a)
    for _ in range(5):
        appoint(
            union_a, make_member(union_a), "committee", date(2018, 1, 1), today - timedelta(days=1), admin_a
        )
    client.force_login(admin_a)
    # session, user, organisation, the union (scoped), active members, enterprises, sign-ins, officers
    # with their people, may-manage, navigation, savepoint + session touch + release
    with django_assert_max_num_queries(13):
        response = client.get(reverse("orgs:organisation_detail", args=["UA"]))
    page = response.content.decode()
    assert 'id="term-overdue"' in page and "应及时换届" in page
    assert page.count("<td>委员</td>") == 5 and "<td>张三</td>" in page


def test_a_current_term_does_not_stand_out(client, admin_a, union_a, member_a):
    today = timezone.localdate()
    appoint(union_a, member_a, "chair", date(2023, 1, 1), today + timedelta(days=1), admin_a)
    client.force_login(admin_a)
    page = client.get(reverse("orgs:organisation_detail", args=["UA"])).content.decode()
    assert 'id="term-overdue"' not in page and "本届任期至" in page


def test_the_union_admin_appoints_a_member_by_id_number(client, admin_a, union_a, member_a):
    client.force_login(admin_a)
    form = appointment(member_a)
    response = client.post(reverse("orgs:officer_appoint", args=["UA"]), form)
    assert response.status_code == 302
    assert Officer.objects.get().person == member_a.person


def test_a_term_ending_before_it_starts_is_shown_on_the_form(client, admin_a, union_a, member_a):
    client.force_login(admin_a)
    form = appointment(member_a, term_end="2023-12-31")
    response = client.post(reverse("orgs:officer_appoint", args=["UA"]), form)
    assert response.status_code == 200 and "应晚于任期开始日期" in response.content.decode()
    assert not Officer.objects.exists()


def test_a_non_member_is_refused_on_the_form_without_being_named(client, admin_a, union_a, member_b):
    client.force_login(admin_a)
    form = appointment(member_b)
    response = client.post(reverse("orgs:officer_appoint", args=["UA"]), form)
    page = response.content.decode()
    assert "该人员不是甲公司工会的在册会员，不能担任主席" in page and "李四" not in page
    assert not Officer.objects.exists()
    lookup = AuditLog.objects.get(action="person.lookup")
    assert (lookup.actor, lookup.object_id, lookup.result) == (admin_a, str(member_b.person_id), "denied")


def test_an_unknown_number_gets_the_same_answer(client, admin_a, union_a, member_b):
    client.force_login(admin_a)
    form = appointment(member_b) | {"id_number": "11010519491231002X"}
    page = client.post(reverse("orgs:officer_appoint", args=["UA"]), form).content.decode()
    assert "该人员不是甲公司工会的在册会员，不能担任主席" in page
    assert not AuditLog.objects.filter(action="person.lookup").exists()


@pytest.mark.parametrize("who", ["admin_b", "worker"])
def test_outsiders_cannot_manage_union_as_officers(client, admin_a, union_a, member_a, who, request):
    officer = appoint(union_a, member_a, "chair", date(2023, 1, 1), date(2027, 12, 31), admin_a)
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("orgs:organisation_detail", args=["UA"])).status_code == 404
    assert client.get(reverse("orgs:officer_appoint", args=["UA"])).status_code == 404
    response = client.post(reverse("orgs:officer_stand_down", args=[officer.pk]), {"on": "2024-01-01"})
    assert response.status_code == 404
    officer.refresh_from_db()
    assert officer.ended_on is None


def test_standing_down_through_the_page(client, officer, union_a, member_a, admin_a):
    chair = appoint(union_a, member_a, "chair", date(2023, 1, 1), date(2027, 12, 31), admin_a)
    client.force_login(officer)  # federation staff manage the unions of their subtree
    response = client.post(reverse("orgs:officer_stand_down", args=[chair.pk]), {"on": "2024-01-01"})
    assert response.status_code == 302
    chair.refresh_from_db()
    assert chair.ended_on == date(2024, 1, 1)
