"""Pages: staff run a contest, a union admin registers, the worker enters, judges score and sign;
outsiders get 404; the ranking masks people the reader does not reach; the audit sheet is a PDF."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from gonghui.contests import services
from gonghui.contests.models import Contest, Registration, Score
from gonghui.contests.tests.factories import criteria, make_contest, score_all
from gonghui.members.tests.factories import make_member

pytestmark = pytest.mark.django_db


def login(client, user):
    client.force_login(user)
    return client


def test_staff_create_a_contest_and_an_event(client, officer, zone):
    login(client, officer)
    response = client.post(
        reverse("contests:contest_create"),
        {
            "title": "2024年职工技能竞赛",
            "year": 2024,
            "level": "zone",
            "held_on": "2024-05-20",
            "organisers": [zone.pk],
        },
    )
    contest = Contest.objects.get()
    assert response.status_code == 302
    response = client.post(
        reverse("contests:contest_detail", args=[contest.pk]),
        {"name": "PLC", "award_basis": "count", "first": 1, "second": 2, "third": 3, "merit": 0},
    )
    event = contest.events.get()
    assert response["Location"] == reverse("contests:event_scheme", args=[event.pk])
    response = client.post(
        reverse("contests:event_scheme", args=[event.pk]),
        {"form": "part", "part-name": "实操", "part-weight": "120"},
    )
    assert "权重应大于0且不超过100" in response.content.decode()


def test_a_wrong_year_is_shown_beside_its_field(client, officer, zone):
    login(client, officer)
    response = client.post(
        reverse("contests:contest_create"),
        {"title": "竞赛", "year": 2024, "level": "zone", "held_on": "2025-05-20", "organisers": [zone.pk]},
    )
    assert response.status_code == 200 and "比赛日期应在2024年度内" in response.content.decode()
    assert not Contest.objects.exists()


def test_union_admin_registers_by_card_number_and_learns_nothing_about_strangers(
    client, event, admin_a, union_a, member_b
):
    member = make_member(union_a, card_number="UA-00009", enterprise=None)
    login(client, admin_a)
    url = reverse("contests:registrations", args=[event.pk])
    response = client.post(url, {"person": "UA-00009"})
    assert (
        "不是主办单位范围内的会员，或用工单位不在主办单位范围内" in response.content.decode()
    )  # no employer
    stranger = client.post(url, {"person": member_b.person.reveal_id_number()}).content.decode()
    unknown = client.post(url, {"person": "360102199001011234"}).content.decode()
    assert "该人员不是您可报名的在册会员" in stranger and "该人员不是您可报名的在册会员" in unknown
    assert member_b.person.name not in stranger
    assert not Registration.objects.filter(person=member.person).exists()


def test_the_worker_enters_and_sees_it_on_their_page(client, event, worker):
    login(client, worker)
    response = client.post(reverse("contests:registrations", args=[event.pk]))
    assert response["Location"] == reverse("contests:mine")
    page = client.get(reverse("contests:mine")).content.decode()
    assert "叉车" in page and "成绩未发布" in page


@pytest.fixture
def entered(event, admin_a, member_a, union_a):
    other = make_member(union_a, name="周明", enterprise=member_a.enterprise)
    return [services.registration_create(event=event, person=m.person, by=admin_a) for m in (member_a, other)]


def test_a_judge_scores_on_their_sheet_and_others_get_404(client, event, panel, entered, admin_a):
    judge = panel[0]
    c = criteria(event)["操作规范"]
    url = reverse("contests:score_sheet", args=[event.pk, entered[0].pk])
    login(client, judge.user)
    response = client.post(url, {"criterion": c.pk, "value": "5"})
    assert "操作规范按0–3级评判，5超出范围" in response.content.decode()
    response = client.post(url, {"criterion": c.pk, "value": "3"})
    assert response.status_code == 302 and Score.objects.get().mark == 60
    login(client, admin_a)
    assert client.get(url).status_code == 404
    assert client.get(reverse("contests:score_list", args=[event.pk])).status_code == 404


def test_sign_offs_lock_then_publish_and_the_ranking_masks_strangers(
    client, event, panel, entered, officer, admin_a, admin_b
):
    for registration in entered:
        score_all(registration, panel)
    for signer in (panel[2].user, panel[3].user):
        login(client, signer)
        assert client.post(reverse("contests:lock", args=[event.pk])).status_code == 302
    login(client, officer)
    client.post(reverse("contests:publish", args=[event.pk]))
    login(client, admin_b)
    page = client.get(reverse("contests:ranking", args=[event.pk])).content.decode()
    assert "张*" in page and "周明" not in page and "周*" in page
    rows = page.count("<tr>")
    assert rows == 3  # header and two competitors, sharing first place
    assert page.count("<td>1</td>") >= 2
    login(client, admin_a)  # the union's own members, with their results
    page = client.get(reverse("contests:registrations", args=[event.pk])).content.decode()
    assert "张三" in page and "周明" in page and page.count("一等奖") == 2


def test_the_ranking_before_publication_is_for_staff_only(client, event, entered, officer, admin_a):
    login(client, admin_a)
    assert client.get(reverse("contests:ranking", args=[event.pk])).status_code == 404
    login(client, officer)
    assert "暂定排名" in client.get(reverse("contests:ranking", args=[event.pk])).content.decode()


def test_the_audit_sheet_is_a_pdf_with_the_scores_and_the_changes(client, event, panel, entered, officer):
    score_all(entered[0], panel, levels=(3, 1))
    c = criteria(event)["操作规范"]
    services.score_record(
        registration=entered[0], criterion=c, judge=panel[1], value=2, by=panel[1].user, reason="复看录像"
    )
    score_all(entered[1], panel)
    login(client, officer)
    response = client.get(reverse("contests:audit_sheet", args=[event.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    for expected in ("评分审核表", "叉车", entered[0].person.name, "周明", "复看录像", "操作规范"):
        assert expected in text


def test_list_pages_cost_the_same_for_1_and_10_contests(client, zone, officer, panel, entered):
    login(client, officer)

    def count(url):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    list_url = reverse("contests:contest_list")
    registrations_url = reverse("contests:registrations", args=[entered[0].event_id])
    count(list_url)  # the first request also loads what the session caches
    before = count(list_url), count(registrations_url)
    for n in range(9):
        make_contest(zone, by=officer, title=f"竞赛{n}")
    make_member_and_register(entered[0].event, officer, zone)
    assert (count(list_url), count(registrations_url)) == before
    # whatever the number of rows — list: the sign-in's, the page's rows (a keyset page: nothing
    # counted), their organisers, the judging list; registrations: the sign-in's, the event, its
    # competitors in the reader's scope
    assert before == (5, 4)


def make_member_and_register(event, by, zone):
    union = zone.children.first()
    for _ in range(5):
        member = make_member(union, enterprise=Registration.objects.first().enterprise)
        services.registration_create(event=event, person=member.person, by=by)
