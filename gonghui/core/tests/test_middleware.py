import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def kept_by_no_cache(response) -> bool:
    directives = {d.strip() for d in response.get("Cache-Control", "").split(",")}
    return {"no-store", "private"} <= directives


def test_the_revealed_id_number_is_kept_by_no_cache(client, admin_a, member_a):
    client.force_login(admin_a)
    response = client.post(reverse("members:reveal_id", args=[member_a.person_id]), HTTP_HX_REQUEST="true")
    assert member_a.person.reveal_id_number() in response.content.decode()
    assert kept_by_no_cache(response)


def test_an_exported_roster_is_kept_by_no_cache(client, admin_a, member_a):
    client.force_login(admin_a)
    response = client.get(reverse("rosters:export") + "?org=UA")
    assert response.status_code == 200 and kept_by_no_cache(response)


@pytest.mark.parametrize("name", ["core:home", "members:list", "orgs:tree", "core:audit_log"])
def test_every_signed_in_page_is_kept_by_no_cache(client, officer, name):
    client.force_login(officer)
    assert kept_by_no_cache(client.get(reverse(name)))


def test_the_sign_in_page_and_a_missing_page_are_kept_by_no_cache(client):
    assert kept_by_no_cache(client.get(reverse("accounts:login")))
    assert kept_by_no_cache(client.get("/no-such-page/"))


def test_a_static_asset_may_be_cached(client):
    response = client.get("/static/gonghui/app.css")
    assert response.status_code == 200 and "no-store" not in response.get("Cache-Control", "")
