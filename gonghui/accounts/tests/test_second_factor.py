"""The second factor of a staff sign-in, through the real pages (force_login skips it)."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from gonghui.accounts import second_factor as sf
from gonghui.accounts.models import LoginFailure, RecoveryCode
from gonghui.accounts.tests.test_sign_in import PASSWORD, sign_in
from gonghui.core.models import AuditLog

pytestmark = pytest.mark.django_db
KEY = "3132333435363738393031323334353637383930"
SECOND_FACTOR = reverse("accounts:second_factor")


def code_at(key: str, offset: int = 0) -> str:
    totp = TOTP(bytes.fromhex(key))
    totp.drift = offset
    return f"{totp.token():06d}"


@pytest.fixture
def enrolled(admin_a):
    return TOTPDevice.objects.create(user=admin_a, name="phone", key=KEY, confirmed=True)


def submit(client, code, ip="10.0.0.1", url=SECOND_FACTOR):
    return client.post(url, {"code": code, "next": "/members/"}, REMOTE_ADDR=ip)


def errors(response) -> list[str]:
    return response.context["form"].errors["code"]


def test_staff_are_asked_for_the_second_factor_before_any_page(client, admin_a, enrolled):
    assert sign_in(client, "admin-a", PASSWORD).status_code == 302
    response = client.get(reverse("members:list"))
    assert response.status_code == 302 and response["Location"] == f"{SECOND_FACTOR}?next=%2Fmembers%2F"
    assert client.get(reverse("core:home"))["Location"].startswith(SECOND_FACTOR)
    assert client.get("/api/v1/people/").status_code == 302  # the pages' own API calls wait too
    half_signed_in = client.session.session_key
    response = submit(client, code_at(KEY))
    assert response.status_code == 302 and response["Location"] == "/members/"
    assert client.session.session_key != half_signed_in
    assert client.get(reverse("members:list")).status_code == 200
    assert AuditLog.objects.filter(action="auth.second_factor", actor=admin_a).exists()


def test_workers_are_not_asked(client, worker):
    sign_in(client, "worker-a", PASSWORD)
    assert client.get(reverse("members:me")).status_code == 200


def test_a_wrong_code_is_refused_audited_and_counted_toward_the_lockout(client, admin_a, enrolled):
    sign_in(client, "admin-a", PASSWORD)
    response = submit(client, f"{(int(code_at(KEY)) + 1) % 1_000_000:06d}")
    assert errors(response) == ["动态验证码不正确或已过期，请核对手机时间后重新输入。"]
    assert LoginFailure.objects.filter(username="admin-a", ip="10.0.0.1").count() == 1
    failed = AuditLog.objects.get(action="auth.second_factor_failed")
    assert (failed.result, failed.detail) == ("failed", {"reason": "wrong"})
    assert client.get(reverse("members:list")).status_code == 302


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("12345", "动态验证码应为6位数字。"),
        ("abcdef", "动态验证码应为6位数字。"),
        ("", "请输入验证器上的6位动态验证码，或一个恢复码。"),
        ("x" * 21, "动态验证码或恢复码最多20个字符，输入的有21个。"),
    ],
)
def test_malformed_codes_are_refused_with_the_reason(client, admin_a, enrolled, code, message):
    sign_in(client, "admin-a", PASSWORD)
    assert errors(submit(client, code)) == [message]


def test_a_code_used_once_is_refused_the_second_time(client, admin_a, enrolled):
    code = code_at(KEY)
    sign_in(client, "admin-a", PASSWORD)
    assert submit(client, code).status_code == 302
    client.post(reverse("accounts:logout"))
    sign_in(client, "admin-a", PASSWORD)
    response = submit(client, code)
    assert errors(response) == ["该动态验证码已经用过，请等待验证器显示下一个验证码后再输入。"]
    assert AuditLog.objects.get(action="auth.second_factor_failed").detail == {"reason": "replayed"}


def test_five_wrong_codes_lock_the_account_even_for_the_right_code(client, admin_a, enrolled):
    sign_in(client, "admin-a", PASSWORD)
    wrong = f"{(int(code_at(KEY)) + 7) % 1_000_000:06d}"
    for _ in range(5):
        submit(client, wrong)
    response = submit(client, code_at(KEY))
    assert errors(response) == ["失败次数过多，该账号在本机已被锁定，请30分钟后再试或联系平台管理员解锁。"]
    assert client.get(reverse("members:list")).status_code == 302
    # the password is locked at that address too
    client.post(reverse("accounts:logout"))
    assert "该账号在本机已被锁定" in sign_in(client, "admin-a", PASSWORD).content.decode()


def enrol(client, ip="10.0.0.1"):
    """First sign-in of a member of staff: the enrolment page, then its QR code's key confirmed."""
    response = client.get(SECOND_FACTOR, REMOTE_ADDR=ip)
    secret = response.context["secret"]
    return response, secret


def test_first_sign_in_enrols_with_a_qr_code_and_shows_ten_recovery_codes_once(client, admin_a):
    sign_in(client, "admin-a", PASSWORD)
    response, secret = enrol(client)
    page = response.content.decode()
    assert "<svg" in page and secret in page and "绑定动态验证码" in page
    device = TOTPDevice.objects.get(user=admin_a)
    assert not device.confirmed and f"secret={secret}" in device.config_url
    wrong = submit(client, f"{(int(code_at(device.key)) + 3) % 1_000_000:06d}")
    assert errors(wrong) == ["动态验证码不正确或已过期，请核对手机时间后重新输入。"]
    done = submit(client, code_at(device.key))
    codes = done.context["codes"]
    assert len(codes) == len(set(codes)) == 10 and all(re.fullmatch(r"\w{4}-\w{4}-\w{4}", c) for c in codes)
    # kept only as keyed hashes
    stored = set(RecoveryCode.objects.filter(user=admin_a).values_list("digest", flat=True))
    assert len(stored) == 10 and not stored & set(codes)
    assert TOTPDevice.objects.get(user=admin_a).confirmed
    assert client.get(reverse("members:list")).status_code == 200
    # shown once: the page now passes through
    assert client.get(SECOND_FACTOR).status_code == 302
    assert AuditLog.objects.filter(action="auth.second_factor_enrol", actor=admin_a).exists()


def test_a_recovery_code_signs_in_once_and_is_refused_the_second_time(client, admin_a, enrolled):
    (code, *_rest) = sf._new_recovery_codes(admin_a)
    sign_in(client, "admin-a", PASSWORD)
    assert submit(client, code.lower().replace("-", " ")).status_code == 302
    client.post(reverse("accounts:logout"))
    sign_in(client, "admin-a", PASSWORD)
    assert errors(submit(client, code)) == ["该恢复码已经用过，每个恢复码只能使用一次。"]
    assert errors(submit(client, "AAAA-BBBB-CCCC")) == ["恢复码不正确。"]
    assert sf.recovery_codes_left(admin_a) == 9


def test_the_admin_site_requires_the_second_factor(client, platform_admin):
    TOTPDevice.objects.create(user=platform_admin, name="phone", key=KEY, confirmed=True)
    sign_in(client, "platform", PASSWORD)
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith(SECOND_FACTOR)
    submit(client, code_at(KEY))
    assert client.get("/admin/").status_code == 200


def test_the_admin_refuses_a_session_without_the_second_factor(rf, platform_admin):
    from django.contrib import admin
    from django.contrib.sessions.backends.db import SessionStore

    request = rf.get("/admin/")
    request.user, request.session = platform_admin, SessionStore()
    assert not admin.site.has_permission(request)
    sf.mark_verified(request.session)
    assert admin.site.has_permission(request)


def test_force_login_gives_a_verified_session(client, admin_a):
    client.force_login(admin_a)
    assert client.get(reverse("members:list")).status_code == 200


RECOVERY_CODES = reverse("accounts:recovery_codes")
STEP_UP = reverse("accounts:step_up")


def age_second_factor(client, minutes):
    session = client.session
    session[sf.VERIFIED_AT] = (timezone.now() - timedelta(minutes=minutes)).isoformat()
    session.save()


def test_new_recovery_codes_void_the_old_ones_and_each_signs_in_once(client, admin_a, enrolled):
    old = sf._new_recovery_codes(admin_a)
    client.force_login(admin_a)
    page = client.get(RECOVERY_CODES)
    assert page.status_code == 200 and "您还有10个未用的恢复码。" in page.content.decode()
    done = client.post(RECOVERY_CODES)
    assert "no-store" in done["Cache-Control"]
    new = done.context["codes"]
    assert len(set(new)) == 10 and not set(new) & set(old)
    assert "原有的恢复码已全部作废" in done.content.decode()
    record = AuditLog.objects.get(action="auth.recovery_codes_regenerate")
    assert (record.actor, record.object_id) == (admin_a, str(admin_a.pk))
    client.post(reverse("accounts:logout"))
    sign_in(client, "admin-a", PASSWORD)
    assert errors(submit(client, old[0])) == ["恢复码不正确。"]
    assert submit(client, new[0]).status_code == 302
    client.post(reverse("accounts:logout"))
    sign_in(client, "admin-a", PASSWORD)
    assert errors(submit(client, new[0])) == ["该恢复码已经用过，每个恢复码只能使用一次。"]
    assert sf.recovery_codes_left(admin_a) == 9


def test_new_recovery_codes_need_a_fresh_second_factor(client, admin_a, enrolled):
    sf._new_recovery_codes(admin_a)
    old = set(RecoveryCode.objects.filter(user=admin_a).values_list("digest", flat=True))
    client.force_login(admin_a)
    age_second_factor(client, 6)
    to_step_up = f"{STEP_UP}?next=%2Faccounts%2Frecovery-codes%2F"
    assert client.get(RECOVERY_CODES)["Location"] == to_step_up
    assert client.post(RECOVERY_CODES)["Location"] == to_step_up
    assert set(RecoveryCode.objects.filter(user=admin_a).values_list("digest", flat=True)) == old
    assert not AuditLog.objects.filter(action="auth.recovery_codes_regenerate").exists()
    done = client.post(STEP_UP, {"code": code_at(KEY), "next": RECOVERY_CODES})
    assert done["Location"] == RECOVERY_CODES
    assert len(client.post(RECOVERY_CODES).context["codes"]) == 10
    assert not set(RecoveryCode.objects.filter(user=admin_a).values_list("digest", flat=True)) & old


def test_a_worker_has_no_recovery_codes_to_renew(client, worker):
    client.force_login(worker)
    assert client.get(RECOVERY_CODES).status_code == 404
    assert client.post(RECOVERY_CODES).status_code == 404
    assert not RecoveryCode.objects.filter(user=worker).exists()


def test_new_recovery_codes_leave_another_users_alone(client, admin_a, admin_b, enrolled):
    TOTPDevice.objects.create(user=admin_b, name="phone", key=KEY, confirmed=True)
    theirs = sf._new_recovery_codes(admin_b)
    client.force_login(admin_a)
    assert len(client.post(RECOVERY_CODES).context["codes"]) == 10
    assert sf.recovery_codes_left(admin_b) == 10
    client.post(reverse("accounts:logout"))
    sign_in(client, "admin-b", PASSWORD)
    assert submit(client, theirs[0]).status_code == 302
