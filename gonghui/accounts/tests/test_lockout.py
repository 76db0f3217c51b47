"""Slowing what the lock per account and address misses: guesses spread over addresses, and one
address trying many accounts. Every wait is measured on a fixed clock."""

import getpass
from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from gonghui.accounts.lockout import sign_in_refusal
from gonghui.accounts.models import LoginFailure
from gonghui.accounts.tests.test_sign_in import PASSWORD, sign_in
from gonghui.core.models import AuditLog

pytestmark = pytest.mark.django_db


class Clock:
    def __init__(self):
        self.now = datetime(2025, 3, 3, 1, 0, tzinfo=UTC)

    def advance(self, **delta):
        self.now += timedelta(**delta)


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(timezone, "now", lambda: clock.now)
    return clock


def fail_from_ten_addresses(client, username="admin-a"):
    for i in range(10):
        sign_in(client, username, "wrong", ip=f"10.0.1.{i}")


def test_guesses_spread_over_addresses_slow_the_account(client, admin_a, clock):
    fail_from_ten_addresses(client)
    response = sign_in(client, "admin-a", PASSWORD, ip="10.0.2.1")
    assert response.status_code == 200
    assert "该账号近期登录失败次数过多，为防止猜测密码，请30秒后再试" in response.content.decode()
    clock.advance(seconds=30)
    assert sign_in(client, "admin-a", PASSWORD, ip="10.0.2.1").status_code == 302


def test_the_wait_doubles_with_each_further_failure_and_never_passes_15_minutes(client, admin_a, clock):
    fail_from_ten_addresses(client)
    waits = []
    for i in range(7):
        wait = sign_in_refusal(username="admin-a", ip="10.0.3.1").wait
        waits.append(int(wait.total_seconds()))
        clock.advance(seconds=waits[-1])
        assert sign_in_refusal(username="admin-a", ip="10.0.3.1") is None
        sign_in(client, "admin-a", "wrong", ip=f"10.0.3.{i}")
    assert waits == [30, 60, 120, 240, 480, 900, 900]
    response = sign_in(client, "admin-a", PASSWORD, ip="10.0.4.1")
    assert "请15分钟后再试" in response.content.decode()


def test_an_attempt_refused_is_no_failure_and_does_not_extend_the_wait(client, admin_a, clock):
    fail_from_ten_addresses(client)
    for i in range(20):
        sign_in(client, "admin-a", "wrong", ip=f"10.0.5.{i}")
    assert LoginFailure.objects.count() == 10
    assert AuditLog.objects.filter(action="auth.login_failed").count() == 10
    clock.advance(seconds=30)
    assert sign_in(client, "admin-a", PASSWORD, ip="10.0.5.1").status_code == 302


def test_the_slowing_ends_when_the_failures_are_an_hour_old(client, admin_a, clock):
    fail_from_ten_addresses(client)
    for _ in range(6):
        clock.advance(minutes=15)
        sign_in(client, "admin-a", "wrong", ip="10.0.6.1")
    clock.advance(minutes=15)
    assert sign_in_refusal(username="admin-a", ip="10.0.6.2") is None


def test_one_address_trying_many_accounts_is_slowed(client, admin_a, clock):
    for i in range(30):
        sign_in(client, f"guess-{i}", "Spring-2025!", ip="10.0.0.66")
    response = sign_in(client, "admin-a", PASSWORD, ip="10.0.0.66")
    assert response.status_code == 200
    assert "本机近期登录失败次数过多，请30秒后再试" in response.content.decode()
    assert sign_in(client, "admin-a", PASSWORD, ip="10.0.0.67").status_code == 302
    client.logout()
    clock.advance(seconds=30)
    assert sign_in(client, "admin-a", PASSWORD, ip="10.0.0.66").status_code == 302


def test_the_wait_is_said_in_english_too(client, admin_a, clock):
    fail_from_ten_addresses(client)
    clock.advance(seconds=1)
    response = sign_in(client, "admin-a", PASSWORD, ip="10.0.2.1", HTTP_ACCEPT_LANGUAGE="en")
    assert "try again in 29 seconds" in response.content.decode()


def test_checking_an_attempt_costs_one_query(client, admin_a, clock, django_assert_num_queries):
    fail_from_ten_addresses(client)
    for i in range(5):
        sign_in(client, f"guess-{i}", "wrong", ip="10.0.1.1")
    # the failures of the account from anywhere and of the address for any account, recent enough
    with django_assert_num_queries(1):
        assert sign_in_refusal(username="admin-a", ip="10.0.1.1").code == "account_slowed"


def test_unlock_clears_the_accounts_failures_on_every_address_and_is_audited(client, admin_a, admin_b, clock):
    for _ in range(5):
        sign_in(client, "admin-a", "wrong", ip="10.0.0.1")
    for i in range(5):
        sign_in(client, "admin-a", "wrong", ip=f"10.0.1.{i}")
    sign_in(client, "admin-b", "wrong", ip="10.0.0.1")
    assert sign_in_refusal(username="admin-a", ip="10.0.0.1").code == "locked_out"
    out = StringIO()
    call_command("unlock", "admin-a", stdout=out)
    assert "已解除账号 admin-a 的登录锁定和限速（清除10次失败记录）" in out.getvalue()
    assert list(LoginFailure.objects.values_list("username", flat=True)) == ["admin-b"]
    entry = AuditLog.objects.get(action="auth.unlock")
    assert (entry.actor_username, entry.object_id, entry.detail) == (
        f"system:{getpass.getuser()}",
        str(admin_a.pk),
        {"failures": 10},
    )
    assert sign_in(client, "admin-a", PASSWORD, ip="10.0.0.1").status_code == 302


def test_unlock_names_an_account_that_does_not_exist(db):
    with pytest.raises(CommandError, match="没有账号 nobody"):
        call_command("unlock", "nobody")
    assert not AuditLog.objects.exists()


def test_an_ipv6_address_is_locked_and_slowed_like_any(client, admin_a, clock):
    for _ in range(5):
        sign_in(client, "admin-a", "wrong", ip="2001:db8::1")
    for i in range(25):
        sign_in(client, f"guess-{i}", "wrong", ip="2001:db8::1")
    assert sign_in_refusal(username="admin-a", ip="2001:db8::1").code == "locked_out"
    assert sign_in_refusal(username="admin-b", ip="2001:db8::1").code == "address_slowed"
