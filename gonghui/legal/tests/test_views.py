"""Pages: lists with the clock column, overdue first; a case page with its clocks, history and the
audited case file; a lawyer reaches only their own cases; a worker sees the state of their own."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from gonghui.core import registry
from gonghui.core.models import AuditLog
from gonghui.legal.models import Dispute
from gonghui.legal.selectors import dispute_list
from gonghui.legal.tests.factories import FACTS, advance, lawyer_user, make_aid, make_dispute, make_lawyer

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(zone, officer, lawyer):
    return make_lawyer(zone, by=officer, user=lawyer, name="周明律师"), make_lawyer(
        zone, by=officer, user=lawyer_user("lawyer-2"), name="吴华律师"
    )


def assigned_dispute(zone, officer, person, mediator, *, received_on):
    dispute = make_dispute(zone, person, by=officer, received_on=received_on)
    advance(dispute, "dispute.accept", by=officer, on=received_on)
    advance(dispute, "dispute.assign", by=officer, on=received_on, lawyer=mediator)
    return dispute


def test_the_dispute_list_puts_overdue_cases_first_and_marks_them(client, zone, officer, member_a):
    today = timezone.localdate()
    fresh = make_dispute(zone, member_a.person, by=officer, received_on=today - timedelta(days=1))
    late = make_dispute(zone, member_a.person, by=officer, received_on=today - timedelta(days=40))
    advance(late, "dispute.accept", by=officer, on=today - timedelta(days=39))
    ended = make_dispute(zone, member_a.person, by=officer, received_on=today)
    advance(ended, "dispute.not_accept", by=officer, on=today, note="一方不同意调解")
    client.force_login(officer)
    response = client.get(reverse("legal:dispute_list"))
    rows = response.context["cases"]
    assert [d.pk for d in rows] == [late.pk, fresh.pk, ended.pk]
    assert rows[0].clock.overdue and rows[0].clock.text.startswith("超期")
    assert not rows[1].clock.overdue
    body = response.content.decode()
    assert body.index(late.number) < body.index(fresh.number)
    assert 'class="overdue"' in body and "⚠" in body


def test_the_dispute_list_costs_the_same_for_one_case_as_for_many(
    client, zone, officer, member_a, django_assert_num_queries
):
    for day in range(1, 4):
        make_dispute(zone, member_a.person, by=officer, received_on=date(2024, 5, day))
    client.force_login(officer)
    client.get(reverse("legal:dispute_list"))  # the working-day calendar's corrections, kept per process
    # session, user, the page (a keyset page: nothing counted), its clocks, their pauses, whether the
    # officer may open a case
    with django_assert_num_queries(6):
        client.get(reverse("legal:dispute_list"))
    make_dispute(zone, member_a.person, by=officer, received_on=date(2024, 5, 9))
    with django_assert_num_queries(6):
        client.get(reverse("legal:dispute_list"))


def test_a_lawyer_opens_their_case_and_gets_404_on_another_lawyers(client, zone, officer, member_a, team):
    mine, theirs = team
    own = assigned_dispute(zone, officer, member_a.person, mine, received_on=date(2024, 5, 6))
    other = assigned_dispute(zone, officer, member_a.person, theirs, received_on=date(2024, 5, 7))
    client.force_login(mine.user)
    assert client.get(reverse("legal:dispute_detail", args=[own.pk])).status_code == 200
    assert client.get(reverse("legal:dispute_detail", args=[other.pk])).status_code == 404
    assert (
        client.post(
            reverse("legal:dispute_advance", args=[other.pk, "dispute.start"]),
            {"dispute-start-on": "2024-05-08"},
        ).status_code
        == 404
    )
    assert [d.pk for d in dispute_list(mine.user)] == [own.pk]
    other.refresh_from_db()
    assert other.state == Dispute.State.MEDIATOR_ASSIGNED


def test_the_case_page_shows_the_clocks_history_and_the_audited_file(client, zone, officer, member_a):
    case = make_aid(zone, member_a.person, by=officer, applied_on=date(2024, 3, 4))
    advance(case, "aid.request_material", by=officer, on=date(2024, 3, 5), note="劳动合同")
    client.force_login(officer)
    response = client.get(reverse("legal:aid_detail", args=[case.pk]))
    body = response.content.decode()
    for expected in (
        "审查决定期限",
        "《中华人民共和国法律援助法》第四十三条",
        "已中止",
        "劳动合同",
        FACTS,
        "通知补充材料",
    ):
        assert expected in body
    assert AuditLog.objects.filter(action="legal.file_view", object_id=str(case.pk)).count() == 1


def test_closing_a_mediation_without_an_outcome_shows_why(client, zone, officer, member_a, team):
    dispute = assigned_dispute(zone, officer, member_a.person, team[0], received_on=date(2024, 5, 6))
    client.force_login(officer)
    client.post(
        reverse("legal:dispute_advance", args=[dispute.pk, "dispute.start"]),
        {"dispute-start-on": "2024-05-07"},
    )
    response = client.post(
        reverse("legal:dispute_advance", args=[dispute.pk, "dispute.close"]),
        {"dispute-close-on": "2024-05-08"},
    )
    assert (
        "案件当前为“调解中”，不能结案" in response.content.decode()
        or "尚无调解结果" in response.content.decode()
    )
    dispute.refresh_from_db()
    assert dispute.state == Dispute.State.MEDIATING


def test_an_agreement_through_the_page_and_the_courts_letter(client, zone, officer, member_a, team):
    dispute = make_dispute(
        zone,
        member_a.person,
        by=officer,
        received_on=date(2024, 5, 6),
        source="court",
        court="明月市秀江区人民法院",
    )
    advance(dispute, "dispute.accept", by=officer, on=date(2024, 5, 6))
    advance(dispute, "dispute.assign", by=officer, on=date(2024, 5, 6), lawyer=team[0])
    advance(dispute, "dispute.start", by=officer, on=date(2024, 5, 7))
    client.force_login(team[0].user)
    response = client.post(
        reverse("legal:dispute_advance", args=[dispute.pk, "dispute.succeed"]),
        {
            "dispute-succeed-on": "2024-05-10",
            "dispute-succeed-text": "公司支付欠薪",
            "dispute-succeed-amount": "9000.00",
        },
    )
    assert response.status_code == 302
    letter = client.get(reverse("legal:dispute_letter", args=[dispute.pk]))
    assert letter["Content-Type"] == "application/pdf" and letter.content.startswith(b"%PDF")


def test_a_worker_sees_the_state_of_their_own_case_but_not_its_file(client, zone, officer, member_a, worker):
    case = make_aid(zone, member_a.person, by=officer)
    client.force_login(worker)
    body = client.get(reverse("legal:mine")).content.decode()
    assert case.number in body and "待审查" in body and FACTS not in body
    assert client.get(reverse("legal:aid_detail", args=[case.pk])).status_code == 404


def test_a_worker_asks_for_advice(client, worker):
    client.force_login(worker)
    response = client.post(reverse("legal:ask"), {"topic": "wages", "question": "加班费怎么计算？"})
    assert response.status_code == 302
    assert "待答复" in client.get(reverse("legal:mine")).content.decode()


def test_an_officer_opens_a_dispute_by_the_workers_card_number(client, zone, officer, member_a):
    client.force_login(officer)
    response = client.post(
        reverse("legal:dispute_create"),
        {
            "org": zone.pk,
            "person": member_a.person.reveal_id_number(),
            "employer_name": "甲锂电有限公司",
            "topic": "wages",
            "source": "application",
            "received_on": "2024-05-06",
            "facts": "拖欠工资",
            "body_union": "甲公司工会",
        },
    )
    assert response.status_code == 302, response.content.decode()
    dispute = Dispute.objects.get()
    assert dispute.bodies.get().name == "甲公司工会"


def test_the_to_do_counts_cases_near_or_past_their_deadline(zone, officer, member_a, team, worker, admin_b):
    today = timezone.localdate()
    assigned_dispute(zone, officer, member_a.person, team[0], received_on=today - timedelta(days=14))
    assigned_dispute(zone, officer, member_a.person, team[1], received_on=today - timedelta(days=30))
    assigned_dispute(zone, officer, member_a.person, team[1], received_on=today)  # 15 days left
    todo = registry.todos["legal.disputes_due"]
    assert todo.count(officer) == 2
    assert todo.count(team[0].user) == 1  # the near one is theirs
    assert todo.count(admin_b) == 0
    assert todo.count(worker) is None
    assert registry.todos["legal.aid_due"].count(officer) == 0
