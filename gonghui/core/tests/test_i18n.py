import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_pages_are_in_chinese_by_default(client, admin_a, member_a):
    client.force_login(admin_a)
    body = client.get(reverse("members:list")).content.decode()
    assert '<html lang="zh-hans">' in body and "登记入会" in body and "Register a member" not in body


def test_english_is_available(client, admin_a, member_a):
    client.force_login(admin_a)
    body = client.get(reverse("members:list"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="en">' in body and "Register a member" in body and "登记入会" not in body


def test_the_language_switch_remembers_the_choice(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "Sign in" in client.get(reverse("accounts:login")).content.decode()


def test_a_validation_message_in_english(client, admin_a, union_a):
    client.force_login(admin_a)
    response = client.post(
        reverse("members:join"),
        {
            "union": union_a.pk,
            "name": "Wang",
            "id_number": "360902199001011234",
            "mobile": "13700000001",
            "started_on": "2024-05-01",
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.context["form"].errors["id_number"] == ["Resident ID number: wrong check digit"]
