"""Passwords over time: the change page, a first or reset password changed at the next sign-in, the
last five never again, an optional maximum age, and every other session ended by a change."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from gonghui.accounts.models import User
from gonghui.accounts.passwords import password_set
from gonghui.accounts.tests.test_sign_in import PASSWORD, sign_in
from gonghui.core.models import AuditLog

pytestmark = pytest.mark.django_db
CHANGE = reverse("accounts:password_change")


def change(client, old, new, again=None):
    return client.post(
        CHANGE, {"old_password": old, "new_password1": new, "new_password2": again or new, "next": "/"}
    )


def test_a_user_changes_their_password_and_every_other_session_ends(client, worker):
    other = Client()
    other.force_login(worker)
    assert other.get(reverse("members:me")).status_code == 200
    client.force_login(worker)
    response = change(client, PASSWORD, "Another-password-2026")
    assert response.status_code == 302
    assert client.get(reverse("members:me")).status_code == 200  # this session goes on
    assert other.get(reverse("members:me")).status_code == 302  # the other one has ended
    worker.refresh_from_db()
    assert worker.check_password("Another-password-2026") and worker.password_changed_at is not None
    assert AuditLog.objects.filter(action="auth.password_change", actor=worker).exists()


@pytest.mark.parametrize(
    ("old", "new", "again", "field", "message"),
    [
        ("wrong", "Another-password-2026", None, "old_password", "你的旧密码不正确。请重新输入。"),
        (PASSWORD, "Another-password-2026", "Different-2026-x", "new_password2", "输入的两个密码不一致。"),
        (
            PASSWORD,
            "alllowercaseletters",
            None,
            "new_password2",
            "密码须至少包含小写字母、大写字母、数字、符号中的3类",
        ),
        (PASSWORD, PASSWORD, None, "new_password2", "不能使用最近5次用过的密码"),
    ],
)
def test_bad_input_is_refused_with_the_field_and_reason(client, worker, old, new, again, field, message):
    client.force_login(worker)
    response = change(client, old, new, again)
    assert response.status_code == 200
    assert message in response.context["form"].errors[field]
    worker.refresh_from_db()
    assert worker.check_password(PASSWORD)


def test_the_last_five_passwords_cannot_be_chosen_again(worker):
    passwords = [f"Rotation-{n}-Password" for n in range(6)]
    for password in passwords:
        password_set(user=worker, password=password, by=worker)
    for reused in passwords[-5:]:
        with pytest.raises(ValidationError, match="不能使用最近5次用过的密码"):
            password_set(user=worker, password=reused, by=worker)
    password_set(user=worker, password=passwords[0], by=worker)  # six back: allowed again
    assert worker.password_history.count() == 4


def test_a_reset_password_must_be_changed_at_the_next_sign_in(client, worker, platform_admin):
    password_set(user=worker, password="Reset-by-admin-2026", by=platform_admin)
    worker.refresh_from_db()
    assert worker.password_must_change
    assert AuditLog.objects.filter(action="auth.password_reset", actor=platform_admin).exists()
    sign_in(client, "worker-a", "Reset-by-admin-2026")
    response = client.get(reverse("members:me"))
    assert response.status_code == 302 and response["Location"] == f"{CHANGE}?next=%2Fmembers%2Fme%2F"
    assert "您的密码是初始密码、已被重置或已过期" in client.get(CHANGE).content.decode()
    change(client, "Reset-by-admin-2026", "Own-choice-password-2026")
    assert client.get(reverse("members:me")).status_code == 200


def test_only_a_system_administrator_resets_and_never_an_administrators(worker, admin_a, platform_admin):
    with pytest.raises(ValidationError, match="只有系统管理员可以重置他人的密码"):
        password_set(user=worker, password="Reset-by-admin-2026", by=admin_a)
    other_admin = User.objects.create(username="platform-2", role="platform_admin")
    with pytest.raises(ValidationError, match="不能重置管理员的密码"):
        password_set(user=other_admin, password="Reset-by-admin-2026", by=platform_admin)


def test_a_first_password_set_in_the_admin_must_be_changed(client, platform_admin):
    client.force_login(platform_admin)
    response = client.post(
        "/admin/accounts/user/add/",
        {
            "username": "new-worker",
            "password1": "First-password-2026",
            "password2": "First-password-2026",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302
    assert User.objects.get(username="new-worker").password_must_change


def test_a_reset_in_the_admin_goes_through_the_history_and_must_be_changed(client, platform_admin, worker):
    client.force_login(platform_admin)
    url = f"/admin/accounts/user/{worker.pk}/password/"
    refused = client.post(url, {"password1": PASSWORD, "password2": PASSWORD, "usable_password": "true"})
    assert "不能使用最近5次用过的密码" in refused.content.decode()
    client.post(
        url,
        {"password1": "Reset-in-admin-2026", "password2": "Reset-in-admin-2026", "usable_password": "true"},
    )
    worker.refresh_from_db()
    assert worker.check_password("Reset-in-admin-2026") and worker.password_must_change
    assert worker.password_history.count() == 1


def test_the_admin_lists_no_administrator_and_edits_no_role(client, platform_admin, admin_a):
    security = User.objects.create(username="sec", role="security_admin")
    client.force_login(platform_admin)
    assert client.get(f"/admin/accounts/user/{security.pk}/change/").status_code == 302  # not there
    page = client.get(f"/admin/accounts/user/{admin_a.pk}/change/").content.decode()
    assert 'name="role"' not in page and 'name="is_superuser"' not in page


def test_a_password_older_than_the_maximum_age_must_be_changed(client, worker, settings):
    settings.PASSWORD_MAX_AGE = timedelta(days=90)
    User.objects.filter(pk=worker.pk).update(password_changed_at=timezone.now() - timedelta(days=91))
    client.force_login(worker)
    assert client.get(reverse("members:me"))["Location"].startswith(CHANGE)
    User.objects.filter(pk=worker.pk).update(password_changed_at=timezone.now() - timedelta(days=89))
    assert client.get(reverse("members:me")).status_code == 200


def test_no_maximum_age_by_default(client, worker):
    User.objects.filter(pk=worker.pk).update(password_changed_at=timezone.now() - timedelta(days=3650))
    client.force_login(worker)
    assert client.get(reverse("members:me")).status_code == 200


def test_disabling_a_user_ends_their_sessions(client, worker):
    client.force_login(worker)
    User.objects.filter(pk=worker.pk).update(is_active=False)
    assert client.get(reverse("members:me"))["Location"].startswith(reverse("accounts:login"))
