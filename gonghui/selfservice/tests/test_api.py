from datetime import timedelta

import pytest
from django.utils import timezone

from gonghui.accounts.models import LoginFailure
from gonghui.homes import services as homes
from gonghui.homes.models import CheckIn
from gonghui.homes.tests.factories import make_event
from gonghui.selfservice import cards, services
from gonghui.selfservice.models import ActivationCode

pytestmark = pytest.mark.django_db

PASSWORD = "Neue-Passwort-2026"


def test_a_union_admin_issues_a_code_and_the_member_activates_through_the_api(
    api, admin_a, admin_b, member_a
):
    assert api(admin_b).post(f"/api/v1/people/{member_a.person_id}/activation-code/").status_code == 404
    issued = api(admin_a).post(f"/api/v1/people/{member_a.person_id}/activation-code/")
    assert issued.status_code == 201
    code = issued.json()["code"]
    body = {"mobile": member_a.person.mobile, "code": code, "password": PASSWORD}
    activated = api().post("/api/v1/activation", body, format="json")
    assert activated.status_code == 201 and activated.json() == {"username": member_a.person.mobile}
    again = api().post("/api/v1/activation", body, format="json")
    assert again.status_code == 400
    assert "激活码" in again.json()["detail"] and "已经使用过" in again.json()["errors"]["code"][0]
    assert LoginFailure.objects.count() == 1


def test_activation_errors_are_problem_details(api, admin_a, member_a):
    row, code = services.activation_code_issue(person=member_a.person, by=admin_a)
    ActivationCode.objects.filter(pk=row.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    client = api()
    expired = client.post(
        "/api/v1/activation",
        {"mobile": member_a.person.mobile, "code": code, "password": PASSWORD},
        format="json",
    )
    assert expired.status_code == 400 and "过期" in expired.json()["detail"]
    missing = client.post("/api/v1/activation", {"mobile": member_a.person.mobile}, format="json")
    assert missing.status_code == 400 and set(missing.json()["errors"]) == {"code", "password"}
    not_json = client.post("/api/v1/activation", "mobile=1", content_type="application/x-www-form-urlencoded")
    assert not_json.status_code == 415


def test_me_and_my_card(api, worker, member_a, admin_a, zone, officer):
    me = api(worker).get("/api/v1/me")
    assert me.status_code == 200
    data = me.json()
    assert data["name"] == "张三" and data["id_masked"].startswith("*" * 14)
    assert member_a.person.reveal_id_number() not in me.content.decode()
    assert [m["union"] for m in data["memberships"]] == ["UA"]
    assert api(admin_a).get("/api/v1/me").status_code == 404
    card = api(worker).get("/api/v1/me/card")
    assert card.status_code == 200 and card.json()["event"] is None
    assert cards.decode(card.json()["token"], event_id=0).person_id == member_a.person_id
    event = make_event(zone, by=officer)
    assert api(worker).get(f"/api/v1/me/card?event={event.pk}").status_code == 404
    homes.registration_create(event=event, person=member_a.person, by=worker)
    passed = api(worker).get(f"/api/v1/me/card?event={event.pk}")
    assert passed.status_code == 200 and passed.json()["event"] == event.pk
    assert api(worker).get("/api/v1/me/card?event=x").status_code == 400


def test_the_server_verifies_a_card_at_the_door(api, worker, member_a, zone, officer, admin_b):
    event = make_event(zone, by=officer)
    other = make_event(zone, by=officer, title="另一场")
    homes.registration_create(event=event, person=member_a.person, by=worker)
    _card, token = services.member_card(user=worker, event=event)
    client = api(officer)
    ok = client.post("/api/v1/cards/verify", {"event": event.pk, "token": token}, format="json")
    assert ok.status_code == 200, ok.json()
    assert ok.json() | {"expires_at": None} == {
        "name": "张*",
        "union": "甲公司工会",
        "expires_at": None,
        "registration": "confirmed",
        "checked_in": False,
        "admits": True,
    }
    assert not CheckIn.objects.exists()
    elsewhere = client.post("/api/v1/cards/verify", {"event": other.pk, "token": token}, format="json")
    assert elsewhere.status_code == 400 and "不是本次活动" in elsewhere.json()["detail"]
    forged = client.post(
        "/api/v1/cards/verify", {"event": event.pk, "token": token[:-3] + "abc"}, format="json"
    )
    assert forged.status_code == 400 and "不是本平台签发" in forged.json()["errors"]["token"][0]
    # another union's admin reaches the zone's event but checks in only their own members
    seen = api(admin_b).post("/api/v1/cards/verify", {"event": event.pk, "token": token}, format="json")
    assert seen.status_code == 200 and seen.json()["registration"] == "none" and not seen.json()["admits"]
    assert (
        api(worker)
        .post("/api/v1/cards/verify", {"event": event.pk, "token": token}, format="json")
        .status_code
        == 404
    )
    key = client.get("/api/v1/cards/public-key")
    assert key.status_code == 200 and key.json()["public_key"] == cards.public_key_b64()
    assert api(worker).get("/api/v1/cards/public-key").status_code == 404
