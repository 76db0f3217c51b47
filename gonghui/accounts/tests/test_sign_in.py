from datetime import timedelta

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from gonghui.accounts.middleware import LAST_SEEN, SIGNED_IN_AT
from gonghui.accounts.models import LoginFailure
from gonghui.core.models import AuditLog

pytestmark = pytest.mark.django_db
PASSWORD = "Test-password-2025"


PROXY = "192.0.2.10"  # the load balancer in front of the app


def sign_in(client, username, password, ip="10.0.0.1", **headers):
    return client.post(
        reverse("accounts:login"), {"username": username, "password": password}, REMOTE_ADDR=ip, **headers
    )


def via_proxy(client, username, password, forwarded):
    return sign_in(client, username, password, ip=PROXY, HTTP_X_FORWARDED_FOR=forwarded)


@pytest.fixture
def behind_one_proxy(settings):
    settings.TRUSTED_PROXIES = 1


def test_sign_in_and_out_are_audited(client, admin_a):
    assert sign_in(client, "admin-a", PASSWORD).status_code == 302
    client.post(reverse("accounts:logout"))
    actions = list(AuditLog.objects.order_by("id").values_list("action", "actor_username", "ip"))
    assert actions == [("auth.login", "admin-a", "10.0.0.1"), ("auth.logout", "admin-a", "127.0.0.1")]


def test_a_failed_sign_in_is_audited(client, admin_a):
    response = sign_in(client, "admin-a", "wrong")
    assert "账号或密码错误" in response.content.decode()
    entry = AuditLog.objects.get(action="auth.login_failed")
    assert (entry.actor_username, entry.result, entry.ip) == ("admin-a", "failed", "10.0.0.1")


def test_five_failures_lock_the_account_at_that_address_even_for_the_right_password(client, admin_a):
    for _ in range(5):
        sign_in(client, "admin-a", "wrong")
    response = sign_in(client, "admin-a", PASSWORD)
    assert response.status_code == 200 and "该账号在本机已被锁定，请30分钟后再试" in response.content.decode()
    # Another address is not locked out.
    assert sign_in(client, "admin-a", PASSWORD, ip="10.0.0.2").status_code == 302


def test_the_lock_lifts_after_the_cool_off(client, admin_a):
    for _ in range(5):
        sign_in(client, "admin-a", "wrong")
    LoginFailure.objects.update(at=timezone.now() - timedelta(minutes=31))
    assert sign_in(client, "admin-a", PASSWORD).status_code == 302
    assert not LoginFailure.objects.exists()


def test_failures_spread_over_more_than_15_minutes_do_not_lock(client, admin_a):
    for minutes in (28, 24, 20, 16, 0):
        sign_in(client, "admin-a", "wrong")
        LoginFailure.objects.filter(at__gt=timezone.now() - timedelta(seconds=5)).update(
            at=timezone.now() - timedelta(minutes=minutes)
        )
    assert sign_in(client, "admin-a", PASSWORD).status_code == 302


def test_behind_a_proxy_entries_the_client_writes_do_not_escape_the_lock(client, admin_a, behind_one_proxy):
    for i in range(24):
        via_proxy(client, "admin-a", "wrong", f"203.0.113.{i}, 10.0.0.1")
    response = via_proxy(client, "admin-a", PASSWORD, "203.0.113.99, 10.0.0.1")
    assert response.status_code == 200 and "已被锁定" in response.content.decode()


def test_a_locked_account_stays_locked_when_the_client_adds_an_entry(client, admin_a, behind_one_proxy):
    for _ in range(5):
        via_proxy(client, "admin-a", "wrong", "10.0.0.1")
    response = via_proxy(client, "admin-a", PASSWORD, "10.0.0.2, 10.0.0.1")
    assert response.status_code == 200 and "已被锁定" in response.content.decode()


def test_the_audit_log_records_the_address_the_proxy_appended(client, admin_a, behind_one_proxy):
    via_proxy(client, "admin-a", "wrong", "198.51.100.7, 10.0.0.1")
    assert via_proxy(client, "admin-a", PASSWORD, "198.51.100.8, 10.0.0.1").status_code == 302
    assert list(AuditLog.objects.order_by("id").values_list("action", "ip")) == [
        ("auth.login_failed", "10.0.0.1"),
        ("auth.login", "10.0.0.1"),
    ]


@pytest.mark.parametrize("forwarded", ["not-an-ip", "10.0.0.1, 10.0.0.999", "::ffff:zz"])
def test_a_malformed_forwarded_header_counts_as_the_proxy_address(
    client, admin_a, behind_one_proxy, forwarded
):
    assert "账号或密码错误" in via_proxy(client, "admin-a", "wrong", forwarded).content.decode()
    assert AuditLog.objects.get(action="auth.login_failed").ip == PROXY
    assert LoginFailure.objects.get().ip == PROXY


def test_a_username_over_150_characters_is_refused_with_the_reason(client, db):
    response = sign_in(client, "a" * 151, "wrong")
    assert response.status_code == 200
    assert response.context["form"].errors["username"] == ["账号最多150个字符，输入的有151个。"]
    assert "账号最多150个字符，输入的有151个。" in response.content.decode()


def test_the_admin_sign_in_takes_a_username_over_150_characters_without_an_error(client, db):
    response = client.post("/admin/login/", {"username": "a" * 200, "password": "wrong"})
    assert response.status_code == 200
    assert AuditLog.objects.get(action="auth.login_failed").actor_username == "a" * 150


def _age_session(client, **ages):
    session = client.session
    for key, minutes in ages.items():
        session[key] = (timezone.now() - timedelta(minutes=minutes)).isoformat()
    session.save()


def test_an_idle_session_is_signed_out_after_30_minutes(client, admin_a):
    client.force_login(admin_a)
    _age_session(client, **{LAST_SEEN: 29})
    assert client.get(reverse("members:list")).status_code == 200
    _age_session(client, **{LAST_SEEN: 31})
    assert client.get(reverse("members:list")).status_code == 302


def test_a_session_ends_after_12_hours_however_active(client, admin_a):
    client.force_login(admin_a)
    _age_session(client, **{LAST_SEEN: 1, SIGNED_IN_AT: 12 * 60 + 1})
    assert client.get(reverse("members:list")).status_code == 302


@pytest.mark.parametrize("password", ["Short-1a", "password12", "alllowercaseletters", "ABCdefghijk"])
def test_weak_passwords_are_refused(password):
    with pytest.raises(ValidationError):
        validate_password(password)


def test_a_strong_password_is_accepted():
    validate_password("Gonghui-demo-2025")


def test_session_cookies_are_httponly_and_samesite(client, admin_a):
    response = sign_in(client, "admin-a", PASSWORD)
    cookie = response.cookies["sessionid"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"


def test_argon2_is_the_production_hasher():
    from gonghui import settings

    assert settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
