from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from gonghui.honours import services
from gonghui.honours.models import HonourTitle, Nomination, Objection, Status
from gonghui.honours.tests.factories import (
    city_medal_rule,
    contest_result,
    fake_sources,
    make_round,
    nominate,
)
from gonghui.members.tests.factories import make_member

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def round(zone, officer):
    today = timezone.localdate()
    return make_round(
        zone,
        by=officer,
        year=today.year,
        closes_on=date(today.year + 1, 12, 31),
        quotas={"industrial_worker": 35, "frontline": 20},
    )


def publicised(round, person, *, by, officer):
    today = timezone.localdate()
    nomination = nominate(round, person, by=by, on=today, attributes=["industrial_worker"])
    for to in (Status.MATERIAL_REVIEW, Status.EVALUATION, Status.PUBLICITY):
        nomination = services.nomination_advance(nomination=nomination, to=to, by=officer, on=today)
    return nomination


def test_the_round_page_shows_the_quotas_live(client, admin_a, round, member_a, union_a):
    nominate(round, member_a.person, by=admin_a, on=timezone.localdate(), attributes=["industrial_worker"])
    client.force_login(admin_a)
    page = client.get(reverse("honours:round_detail", args=[round.pk])).content.decode()
    assert "产业工人" in page and "100.0%" in page and member_a.person.name in page
    assert member_a.person.id_masked not in page


def test_nominating_by_id_number_or_card_and_a_clear_refusal(client, admin_a, round, union_a):
    client.force_login(admin_a)
    people = [make_member(union_a, card_number=f"C{i}") for i in range(8)]
    url = reverse("honours:nominate", args=[round.pk])
    deeds = "长期坚守生产一线，多次获得岗位能手称号。"
    for membership in people[:6]:
        response = client.post(url, {"person": membership.card_number, "deeds": deeds})
        assert response.status_code == 302, response.content.decode()
    # 10 places, ≥ 35% 产业工人 (4): six without leaves 4 places for 4; a seventh without breaks it
    response = client.post(
        url, {"person": people[6].card_number, "deeds": deeds, "attributes": ["frontline"]}
    )
    assert response.status_code == 200
    assert "产业工人比例须不低于35%" in response.content.decode()
    response = client.post(url, {"person": "NOPE", "deeds": deeds})
    assert "找不到该会员" in response.content.decode()
    assert Nomination.objects.count() == 6


def test_the_outsider_gets_404(client, admin_b, officer, round, member_a, admin_a):
    nomination = nominate(round, member_a.person, by=admin_a, on=timezone.localdate())
    client.force_login(admin_b)
    assert client.get(reverse("honours:nomination_detail", args=[nomination.pk])).status_code == 404
    assert client.get(reverse("honours:talent", args=[member_a.person.pk])).status_code == 404
    response = client.post(
        reverse("honours:nomination_advance", args=[nomination.pk]), {"to": "material_review"}
    )
    assert response.status_code == 404


def test_the_public_notice_lists_candidates_without_ids_and_takes_objections(
    client, round, member_a, admin_a, officer
):
    nomination = publicised(round, member_a.person, by=admin_a, officer=officer)
    url = reverse("honours:notice", args=[round.pk])
    page = client.get(url).content.decode()
    assert member_a.person.name in page and nomination.workplace in page
    assert member_a.person.id_masked not in page and member_a.person.mobile not in page
    # a unit without its seal: refused in Chinese, nothing saved
    data = {
        "nomination": nomination.pk,
        "kind": "unit",
        "name": "明月市某某机械有限公司",
        "contact": "0795-1234567",
        "content": "该候选人的事迹材料与实际不符，请核实。",
    }
    response = client.post(url, data)
    assert response.status_code == 200 and "加盖公章" in response.content.decode()
    response = client.post(url, data | {"seal": SimpleUploadedFile("seal.pdf", PDF)})
    assert response.status_code == 302
    for garbage in ({}, {"nomination": "x"}, {"nomination": 999999, "kind": "person"}):
        assert client.post(url, garbage).status_code == 200
    assert Objection.objects.count() == 1
    # staff read it with the contact and answer it
    client.force_login(officer)
    (objection,) = Objection.objects.all()
    page = client.get(reverse("honours:nomination_detail", args=[nomination.pk])).content.decode()
    assert "0795-1234567" in page
    assert client.get(reverse("honours:objection_seal", args=[objection.pk])).status_code == 200
    response = client.post(
        reverse("honours:objection_answer", args=[objection.pk]), {"answer": "经核实异议不成立。"}
    )
    assert response.status_code == 302
    objection.refresh_from_db()
    assert objection.is_answered


def test_the_union_admin_does_not_see_objections(client, round, member_a, admin_a, officer):
    nomination = publicised(round, member_a.person, by=admin_a, officer=officer)
    services.objection_submit(
        nomination=nomination,
        kind="person",
        name="钱思远",
        contact="13900002222",
        content="请核实该候选人的事迹。",
    )
    client.force_login(admin_a)
    page = client.get(reverse("honours:nomination_detail", args=[nomination.pk])).content.decode()
    assert "13900002222" not in page and "钱思远" not in page


def test_the_talent_record_applies_the_rule_and_starts_a_nomination(
    client, zone, officer, admin_a, round, member_a, worker
):
    person = member_a.person
    city_medal_rule(zone, by=officer)
    result = contest_result(person, pk=7, place=3)
    with fake_sources({"tests.contests": {person.pk: [result]}}):
        client.force_login(worker)
        page = client.get(reverse("honours:talent_me"), follow=True).content.decode()
        assert result.title in page and "符合" in page
        assert "talent-nominate" not in page  # a worker does not nominate
        client.force_login(admin_a)
        page = client.get(reverse("honours:talent", args=[person.pk])).content.decode()
        assert "可推荐市级五一劳动奖章" in page and round.name in page
        rule_pk = page.split('name="rule" value="')[1].split('"')[0]
        response = client.post(
            reverse("honours:talent_nominate", args=[person.pk]),
            {
                "rule": rule_pk,
                "round": round.pk,
                "attributes": ["industrial_worker", "frontline"],
                "deeds": "获市职工技能大赛叉车项目第三名，带徒十余人。",
                "evidence": [result.ref],
            },
        )
    assert response.status_code == 302
    nomination = Nomination.objects.get()
    assert list(nomination.evidence.values_list("ref", "place")) == [(result.ref, 3)]


def test_lists_cost_the_same_for_many_rows(client, officer, round, union_a, admin_a):
    def add(n):
        for _ in range(n):
            person = make_member(union_a).person
            nominate(round, person, by=admin_a, on=timezone.localdate(), attributes=["industrial_worker"])

    def queries(url):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx)

    client.force_login(officer)
    urls = [reverse("honours:round_detail", args=[round.pk]), reverse("honours:round_list")]
    add(1)
    queries(urls[0])  # the first request after signing in also stamps the session
    few = [queries(url) for url in urls]
    add(4)
    assert [queries(url) for url in urls] == few
    # the round page: session, user (with the organisation of the scope), the round, the candidates'
    # attributes for the quotas, the quotas, the candidates with their unanswered objections
    # the list: session, user, the rounds with their counts
    assert few == [6, 3]


def test_the_tally_and_the_report_show_the_five_years(client, officer, zone, union_a, member_a):
    from gonghui.honours.tests.factories import title

    services.award_record(
        title=title("labour_model"),
        level="national",
        year=2021,
        awarding_body="中华全国总工会",
        organisation=union_a,
        person=member_a.person,
        by=officer,
    )
    client.force_login(officer)
    page = client.get(reverse("honours:tally"), {"org": "ZONE", "year": 2024}).content.decode()
    assert "2020—2024年" in page
    report = client.get(reverse("reports:kpis"), {"org": "ZONE", "year": 2024}).content.decode()
    assert "<th>全国</th><td>劳动模范 1</td><td>五一劳动奖章 0</td>" in report


@pytest.mark.parametrize("who", ["worker", "academy_staff", "lawyer"])
def test_pages_for_officers_only(client, request, who, round):
    client.force_login(request.getfixturevalue(who))
    for name in ("honours:round_list", "honours:tally", "honours:rule_list"):
        assert client.get(reverse(name)).status_code == 404
    assert client.get(reverse("honours:round_detail", args=[round.pk])).status_code == 404


def test_the_public_notice_in_english(client, round, member_a, admin_a, officer):
    publicised(round, member_a.person, by=admin_a, officer=officer)
    page = client.get(reverse("honours:notice", args=[round.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Public notice of the candidates" in page and "Raise an objection" in page


def test_staff_record_an_award_and_the_union_reads_it(client, officer, admin_a, admin_b, union_a, member_a):
    client.force_login(officer)
    data = {
        "title": HonourTitle.objects.get(code="labour_model").pk,
        "level": "provincial",
        "year": 2021,
        "awarding_body": "江西省人民政府",
        "organisation": union_a.pk,
    }
    response = client.post(reverse("honours:award_list"), data)
    assert "授予个人" in response.content.decode()
    response = client.post(
        reverse("honours:award_list"), data | {"person": member_a.person.reveal_id_number()}
    )
    assert response.status_code == 302
    client.force_login(admin_a)
    page = client.get(reverse("honours:award_list")).content.decode()
    assert member_a.person.name in page and "award-form" not in page
    client.force_login(admin_b)
    assert member_a.person.name not in client.get(reverse("honours:award_list")).content.decode()


def test_the_todos_count_what_waits_for_the_officer(round, member_a, admin_a, officer):
    from gonghui.core import registry

    nomination = publicised(round, member_a.person, by=admin_a, officer=officer)
    services.objection_submit(
        nomination=nomination,
        kind="person",
        name="钱思远",
        contact="13900002222",
        content="请核实该候选人的事迹。",
    )
    nominate(round, make_member(member_a.union).person, by=admin_a, on=timezone.localdate())
    assert registry.todos["honours.nominations"].count(officer) == 1  # the new one; 公示 runs on
    assert registry.todos["honours.objections"].count(officer) == 1
    assert registry.todos["honours.objections"].count(admin_a) is None


def test_the_notice_closes_with_its_period(client, round, member_a, admin_a, officer):
    nomination = publicised(round, member_a.person, by=admin_a, officer=officer)
    Nomination.objects.filter(pk=nomination.pk).update(
        publicity_starts_on=date(2024, 6, 3), publicity_ends_on=date(2024, 6, 11)
    )
    page = client.get(reverse("honours:notice", args=[round.pk])).content.decode()
    assert "目前没有公示中的候选人" in page and "objection-form" not in page
