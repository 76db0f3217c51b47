import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conftest import _user
from gonghui.api.models import ApiToken
from gonghui.api.throttling import PerToken
from gonghui.api.views import PersonViewSet
from gonghui.core.models import AuditLog
from gonghui.core.roles import Role
from gonghui.core.tests.plans import full_scans
from gonghui.members.models import Membership
from gonghui.members.tests.factories import few_beside_the_database, make_member, new_id_number
from gonghui.orgs.models import Organisation
from gonghui.orgs.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def zone2_staff(zone):
    zone2 = OrganisationFactory(
        code="ZONE2", name="另一园区总工会", kind=Organisation.Kind.ZONE_FEDERATION, parent=zone.parent
    )
    make_member(OrganisationFactory(code="UZ", name="另一园区工会", parent=zone2), name="王五")
    return _user("zone2", Role.FEDERATION_STAFF, zone2)


def test_a_system_lists_a_unions_members_masked(api, admin_a, member_a, member_b):
    response = api(admin_a).get("/api/v1/memberships/")
    assert response.status_code == 200
    rows = response.json()["results"]
    assert [r["person"]["name"] for r in rows] == ["张三"]
    assert rows[0]["person"]["id_masked"].startswith("*" * 14)
    assert member_a.person.reveal_id_number() not in response.content.decode()


@pytest.mark.parametrize("outsider", ["admin_b", "zone2_staff"])
def test_another_scope_gets_404_on_each_resource(request, api, member_a, outsider):
    client = api(request.getfixturevalue(outsider))
    for url in (
        f"/api/v1/memberships/{member_a.pk}/",
        f"/api/v1/people/{member_a.person_id}/",
        f"/api/v1/organisations/{member_a.union.code}/",
        f"/api/v1/enterprises/{member_a.enterprise_id}/",
    ):
        assert client.get(url).status_code == 404, url
    assert (
        client.post(
            f"/api/v1/memberships/{member_a.pk}/leave/", {"on": "2024-06-01"}, format="json"
        ).status_code
        == 404
    )
    assert client.post(f"/api/v1/people/{member_a.person_id}/reveal/").status_code == 404
    member_a.refresh_from_db()
    assert member_a.is_active


def test_join_transfer_and_leave_through_the_services(api, officer, union_a, union_b, enterprise_a):
    client = api(officer)
    number = new_id_number()
    joined = client.post(
        "/api/v1/memberships/join/",
        {
            "union": "UA",
            "id_number": number,
            "name": "赵六",
            "mobile": "13800000011",
            "started_on": "2024-03-01",
            "enterprise": enterprise_a.pk,
        },
        format="json",
    )
    assert joined.status_code == 201, joined.json()
    assert number not in joined.content.decode()
    moved = client.post(
        f"/api/v1/memberships/{joined.json()['id']}/transfer/",
        {"to_union": "UB", "on": "2024-05-01"},
        format="json",
    )
    assert moved.status_code == 201, moved.json()
    assert moved.json()["union"] == "UB"
    left = client.post(
        f"/api/v1/memberships/{moved.json()['id']}/leave/", {"on": "2024-06-01"}, format="json"
    )
    assert left.status_code == 200 and left.json()["is_active"] is False
    actions = list(AuditLog.objects.filter(actor=officer).values_list("action", flat=True))
    assert {"membership.join", "membership.transfer", "membership.leave"} <= set(actions)


def test_bad_input_is_a_problem_in_chinese_naming_the_field(api, officer, union_a):
    client = api(officer)
    wrong_type = client.post(
        "/api/v1/memberships/join/",
        {"union": "UA", "id_number": "1", "name": "赵六", "mobile": "x", "started_on": "昨天"},
        format="json",
    )
    assert wrong_type.status_code == 400
    assert wrong_type["Content-Type"] == "application/problem+json"
    assert "started_on" in wrong_type.json()["errors"]
    assert "started_on：" in wrong_type.json()["detail"]
    service_refusal = client.post(
        "/api/v1/memberships/join/",
        {
            "union": "UA",
            "id_number": "110101199003070000",
            "name": "赵六",
            "mobile": "13800000011",
            "started_on": "2024-03-01",
        },
        format="json",
    )
    assert service_refusal.status_code == 400
    assert "id_number" in service_refusal.json()["errors"]
    not_json = client.generic(
        "POST", "/api/v1/memberships/join/", "{not json", content_type="application/json"
    )
    assert not_json.status_code == 400
    assert Membership.objects.count() == 0


def test_reveal_is_its_own_audited_action(api, officer, member_a):
    response = api(officer).post(f"/api/v1/people/{member_a.person_id}/reveal/")
    assert response.status_code == 200
    assert response.json()["id_number"] == member_a.person.reveal_id_number()
    assert AuditLog.objects.filter(actor=officer, action="person.reveal_id").count() == 1


@pytest.mark.parametrize("state", ["expired", "revoked", "disabled", "unknown", "malformed"])
def test_a_token_that_no_longer_holds_gets_401(api, admin_a, member_a, state):
    client = api(admin_a)
    token = ApiToken.objects.get(user=admin_a)
    if state == "expired":
        ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    elif state == "revoked":
        ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())
    elif state == "disabled":
        admin_a.is_active = False
        admin_a.save(update_fields=["is_active"])
    elif state == "unknown":
        client.credentials(HTTP_AUTHORIZATION="Bearer gh_nothing")
    else:
        client.credentials(HTTP_AUTHORIZATION="Bearer two parts")
    response = client.get("/api/v1/memberships/")
    assert response.status_code == 401
    assert response.json()["detail"]


def test_cursor_pagination_is_stable_and_refuses_tampering(api, officer, union_a):
    for i in range(5):
        make_member(union_a, name="成员" + "甲乙丙丁戊"[i])
    client = api(officer)
    first = client.get("/api/v1/memberships/", {"page_size": 2}).json()
    assert len(first["results"]) == 2
    make_member(union_a, name="新来的")  # an insert between pages moves nothing already listed
    second = client.get(first["next"]).json()
    assert {r["id"] for r in second["results"]}.isdisjoint({r["id"] for r in first["results"]})
    tampered = client.get("/api/v1/memberships/", {"cursor": "bm90IGEgY3Vyc29y"})
    assert tampered.status_code == 400 and "cursor" in tampered.json()["errors"]
    forged = first["next"].replace("cursor=", "cursor=x")
    assert client.get(forged).status_code == 400
    too_big = client.get("/api/v1/memberships/", {"page_size": 1000})
    assert too_big.status_code == 400 and "page_size" in too_big.json()["errors"]


def test_the_apis_member_list_pages_and_searches_like_the_page(api, officer, union_a):
    for name, mobile in (("张三", "13800005678"), ("李四", "13800000001"), ("王五", "13800000002")):
        make_member(union_a, name=name, mobile=mobile)
    client = api(officer)
    first = client.get("/api/v1/memberships/", {"page_size": 2}).json()
    second = client.get(first["next"]).json()
    assert len(first["results"]) == 2 and len(second["results"]) == 1 and second["previous"]
    assert client.get("/api/v1/memberships/", {"q": "5678"}).json()["results"][0]["id"]
    refused = client.get("/api/v1/memberships/", {"q": "？"})
    assert refused.status_code == 400 and "q" in refused.json()["errors"]


def test_rate_limit_per_token_answers_429_with_retry_after(api, admin_a, settings):
    settings.API_TOKEN_RATE = 2
    client = api(admin_a)
    assert [client.get("/api/v1/organisations/").status_code for _ in range(2)] == [200, 200]
    limited = client.get("/api/v1/organisations/")
    assert limited.status_code == 429
    assert 1 <= int(limited["Retry-After"]) <= 60
    assert api(admin_a).get("/api/v1/organisations/").status_code == 200  # another token has its own


def test_kpis_are_the_report_commands_object(api, officer, member_a, capsys):
    response = api(officer).get("/api/v1/kpis", {"org": "ZONE", "year": 2024})
    assert response.status_code == 200
    call_command("report", org="ZONE", year=2024)
    assert response.json() == json.loads(capsys.readouterr().out)
    assert api(officer).get("/api/v1/kpis", {"org": "ZONE", "year": "x"}).status_code == 400


def test_kpis_of_another_zone_are_404(api, zone2_staff, member_a):
    assert api(zone2_staff).get("/api/v1/kpis", {"org": "ZONE", "year": 2024}).status_code == 404


@pytest.mark.parametrize(
    "url", ["/api/v1/memberships/", "/api/v1/people/", "/api/v1/enterprises/", "/api/v1/organisations/"]
)
def test_list_queries_do_not_grow_with_the_rows(api, officer, union_a, enterprise_a, url, monkeypatch):
    monkeypatch.setattr(
        PerToken, "allow_request", lambda self, request, view: True
    )  # nor a new minute's window
    client = api(officer)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    make_member(union_a, name="一号", enterprise=enterprise_a)
    queries()  # the token's first request notes when it was last used
    few = queries()
    for i in range(20):
        make_member(union_a, name="多" + chr(0x4E00 + 100 + i), enterprise=enterprise_a)
        OrganisationFactory(code=f"UX{i}", name=f"新工会{i}", parent=union_a.parent)
    assert queries() == few


def test_the_command_prints_the_token_last_and_keeps_only_its_hash(admin_a, capsys):
    call_command("api_token", "create", "--user", admin_a.username, "--days", "7")
    token = capsys.readouterr().out.strip().splitlines()[-1]
    row = ApiToken.objects.get(user=admin_a)
    assert token.startswith("gh_") and token not in {row.key_hash, row.prefix}
    assert row.expires_at.date() == (timezone.now() + timedelta(days=7)).date()
    call_command("api_token", "revoke", str(row.pk))
    row.refresh_from_db()
    assert row.revoked_at is not None
    assert AuditLog.objects.filter(action__in=["api.token_create", "api.token_revoke"]).count() == 2


def test_a_user_makes_and_revokes_their_own_tokens_on_the_page(client, admin_a, admin_b):
    client.force_login(admin_a)
    page = client.post("/api/tokens/", {"name": "人社局数据交换", "days": 30})
    assert page.status_code == 200
    token = page.context["created"]
    assert token and ApiToken.objects.get(user=admin_a).prefix == token[:10]
    client.force_login(admin_b)
    assert client.post(f"/api/tokens/{ApiToken.objects.get(user=admin_a).pk}/revoke/").status_code == 404
    client.force_login(admin_a)
    client.post(f"/api/tokens/{ApiToken.objects.get(user=admin_a).pk}/revoke/")
    assert ApiToken.objects.get(user=admin_a).revoked_at is not None


def test_the_schema_and_its_documentation_are_served_by_the_app(client, officer, worker):
    client.force_login(officer)
    schema = client.get("/api/v1/openapi.json")
    assert schema.status_code == 200 and schema.json()["openapi"].startswith("3.1")
    docs = client.get("/api/v1/docs/")
    assert docs.status_code == 200 and b"//" not in docs.content.split(b"<body")[0].replace(
        b"http://www.w3.org", b""
    )
    client.force_login(worker)
    assert client.get("/api/v1/docs/").status_code == 404


def test_the_session_calls_of_the_pages_need_csrf(officer, member_a):
    from rest_framework.test import APIClient

    client = APIClient(enforce_csrf_checks=True)
    client.force_login(officer)
    assert client.get("/api/v1/memberships/").status_code == 200
    assert (
        client.post(
            f"/api/v1/memberships/{member_a.pk}/leave/", {"on": "2024-06-01"}, format="json"
        ).status_code
        == 403
    )


def test_an_address_under_the_api_that_does_not_exist_is_a_problem_not_a_page(api, officer):
    response = api().get("/api/v1/memberships/0.5/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["detail"] == "没有这个接口地址"
    assert api(officer).post("/api/v1/memberships/0.5/leave/", {}, format="json").status_code == 404


def test_a_unions_people_page_through_the_union_in_pinyin_order(api, admin_a, union_a, union_b):
    for name in ("赵六", "王五", "张三", "李四"):
        make_member(union_a, name=name)
    make_member(union_b, name="陈七")
    client = api(admin_a)
    first = client.get("/api/v1/people/", {"page_size": 3}).json()
    rest = client.get(first["next"]).json()
    assert [p["name"] for p in first["results"] + rest["results"]] == ["李四", "王五", "张三", "赵六"]
    people = PersonViewSet(request=type("R", (), {"user": admin_a})()).get_queryset()
    rows = people.order_by("sorted_name_pinyin", "id")[:51]
    assert not full_scans(rows, ["members_person", "members_membership"]), full_scans(
        rows, ["members_person"]
    )


@pytest.mark.parametrize("params", [{"union": "U\x00A"}, {"q": "张\x00"}, {"status": "gone"}])
def test_a_list_filter_the_page_would_refuse_is_a_400_naming_the_field(api, admin_a, params):
    response = api(admin_a).get("/api/v1/memberships/", params)
    assert response.status_code == 400
    assert set(response.json()["errors"]) == set(params)


def test_a_federations_people_few_beside_the_database_page_through_its_unions(
    api, officer, city_officer, zone, union_a, monkeypatch
):
    few_beside_the_database(zone, union_a, monkeypatch)
    client = api(officer)
    first = client.get("/api/v1/people/", {"page_size": 2}).json()
    rest = client.get(first["next"]).json()
    assert [p["name"] for p in first["results"] + rest["results"]] == ["王五", "张三", "赵六"]
    people = PersonViewSet(request=type("R", (), {"user": officer})()).get_queryset()
    rows = people.order_by("sorted_name_pinyin", "id")[:51]
    assert not full_scans(rows, ["members_person", "members_membership"]), full_scans(
        rows, ["members_person", "members_membership"]
    )
    walked = PersonViewSet(request=type("R", (), {"user": city_officer})()).get_queryset()
    assert "sorted_name_pinyin" not in walked.query.annotations  # all 12: walked in pinyin order
