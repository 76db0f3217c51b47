"""The second factor of staff sign-ins: TOTP (django-otp's device) and ten single-use recovery codes.

A staff session is fully signed in once its second factor is verified: the session then holds when
(VERIFIED_AT), which the middleware reads without a query and a step-up asks to be recent. Wrong
codes count as sign-in failures toward the lockout (gonghui.accounts.lockout), as wrong passwords do.
"""

import secrets
import time
from base64 import b32encode
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from gonghui.accounts.lockout import clear_failures, record_failure, sign_in_refusal
from gonghui.accounts.models import RecoveryCode, User, new_session_stamp
from gonghui.core.audit import audit_record
from gonghui.core.models import AuditLog
from gonghui.core.scope import scope_of

VERIFIED_AT = "gonghui_second_factor_at"
RECOVERY_CODES = 10
# No 0/O or 1/I/L: codes are read off paper.
RECOVERY_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


class SecondFactorRefused(Exception):
    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.message = message
        self.code = code


def is_verified(session) -> bool:
    return VERIFIED_AT in session


def mark_verified(session) -> None:
    session[VERIFIED_AT] = timezone.now().isoformat()


def _signed_in_fully(session) -> None:
    session.cycle_key()  # the fully signed-in session gets a key the half-signed-in one never had
    mark_verified(session)


def is_fresh(session) -> bool:
    """Verified within STEP_UP_WINDOW: enough for a step-up action."""
    at = session.get(VERIFIED_AT)
    return at is not None and timezone.now() - datetime.fromisoformat(at) <= settings.STEP_UP_WINDOW


def device_of(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def secret_of(device: TOTPDevice) -> str:
    """The key as the base32 text an authenticator app takes by hand."""
    return b32encode(device.bin_key).decode()


def enrolment_device(user) -> TOTPDevice:
    """The unconfirmed device a user is enrolling (made on first sight of the enrolment page)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="totp", confirmed=False)


def _digest(code: str) -> str:
    return salted_hmac("gonghui.accounts.recovery_code", code, algorithm="sha256").hexdigest()


def _normalise(code: str) -> str:
    return "".join(code.split()).replace("-", "").upper()


def _new_recovery_codes(user) -> list[str]:
    codes = [
        "-".join("".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(4)) for _ in range(3))
        for _ in range(RECOVERY_CODES)
    ]
    RecoveryCode.objects.filter(user=user).delete()
    RecoveryCode.objects.bulk_create(RecoveryCode(user=user, digest=_digest(_normalise(c))) for c in codes)
    return codes


class StepUpRequired(Exception):
    """The action needs a fresh second factor: the step-up page, then the action again."""


class _Wrong(Exception):
    def __init__(self, message: str, code: str):
        self.message, self.code = message, code


def _refuse(user, ip, wrong: _Wrong):
    """A failed second factor: counted toward the lockout, audited, and refused with its message.
    Written after the check's transaction, which a wrong code rolls back."""
    message, code = wrong.message, wrong.code
    with transaction.atomic():
        record_failure(username=user.get_username(), ip=ip)
        audit_record(
            actor=user,
            action="auth.second_factor_failed",
            obj=user,
            ip=ip,
            result=AuditLog.Result.FAILED,
            detail={"reason": code},
        )
    raise SecondFactorRefused(message, code)


def _check_lockout(user, ip) -> None:
    refusal = sign_in_refusal(username=user.get_username(), ip=ip)
    if refusal is not None:
        raise SecondFactorRefused(refusal.message, refusal.code)


def _totp_matches_any_time(device: TOTPDevice, token: int) -> bool:
    """Whether the token was right within the tolerance, ignoring which steps were already used."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return totp.verify(token, device.tolerance)


def _verify_totp(device: TOTPDevice, code: str) -> None:
    if not (code.isdigit() and len(code) == device.digits):
        raise _Wrong(_("动态验证码应为%(n)d位数字。") % {"n": device.digits}, "malformed")
    # A row lock: two requests with the same code cannot both pass the replay check.
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
    if device.verify_token(code):
        return
    if _totp_matches_any_time(device, int(code)):
        raise _Wrong(_("该动态验证码已经用过，请等待验证器显示下一个验证码后再输入。"), "replayed")
    raise _Wrong(_("动态验证码不正确或已过期，请核对手机时间后重新输入。"), "wrong")


def _use_recovery_code(user, code: str) -> None:
    digest = _digest(_normalise(code))
    row = RecoveryCode.objects.filter(user=user, digest=digest).first()
    if row is None:
        raise _Wrong(_("恢复码不正确。"), "wrong_recovery_code")
    # Conditional: of two requests with the same code, one marks it used, the other finds it used.
    used = RecoveryCode.objects.filter(pk=row.pk, used_at__isnull=True).update(used_at=timezone.now())
    if not used:
        raise _Wrong(_("该恢复码已经用过，每个恢复码只能使用一次。"), "recovery_code_used")


def looks_like_recovery_code(code: str) -> bool:
    return len(_normalise(code)) == 12 and not code.strip().isdigit()


def second_factor_verify(*, user, code: str, ip: str | None, session) -> None:
    """Checks a TOTP code or a recovery code of the user's confirmed device; marks the session verified.

    Raises SecondFactorRefused with a message in Chinese; a wrong, replayed or used code is a failure."""
    _check_lockout(user, ip)
    code = code.strip()
    device = device_of(user)
    if device is None:
        raise SecondFactorRefused(_("该账号尚未绑定动态验证码，请先完成绑定。"), "not_enrolled")
    method = "recovery_code" if looks_like_recovery_code(code) else "totp"
    try:
        with transaction.atomic():
            if method == "recovery_code":
                _use_recovery_code(user, code)
            else:
                _verify_totp(device, code)
            clear_failures(username=user.get_username(), ip=ip)
            audit_record(actor=user, action="auth.second_factor", obj=user, ip=ip, detail={"method": method})
    except _Wrong as wrong:
        _refuse(user, ip, wrong)
    _signed_in_fully(session)


def enrolment_confirm(*, user, code: str, ip: str | None, session) -> list[str]:
    """Confirms the device being enrolled with a code from it; returns the ten recovery codes (shown once)."""
    _check_lockout(user, ip)
    device = enrolment_device(user)
    code = code.strip()
    try:
        with transaction.atomic():
            _verify_totp(device, code)
            TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
            TOTPDevice.objects.filter(pk=device.pk).update(confirmed=True)
            codes = _new_recovery_codes(user)
            clear_failures(username=user.get_username(), ip=ip)
            audit_record(actor=user, action="auth.second_factor_enrol", obj=user, ip=ip)
    except _Wrong as wrong:
        _refuse(user, ip, wrong)
    _signed_in_fully(session)
    return codes


def second_factor_reset(*, user: User, by) -> None:
    """A security administrator clears a user's second factor: they enrol again at their next sign-in,
    and their sessions end everywhere. Nobody resets their own."""
    scope_of(by).require("security.manage")
    if user.pk == getattr(by, "pk", None):
        raise SecondFactorRefused(_("不能重置自己的动态验证码，请由另一位安全管理员操作。"), "own")
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        RecoveryCode.objects.filter(user=user).delete()
        user.session_stamp = new_session_stamp()
        user.save(update_fields=["session_stamp"])
        audit_record(actor=by, action="security.second_factor_reset", obj=user)


def recovery_codes_left(user) -> int:
    return RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()


def recovery_codes_regenerate(*, user, session, ip: str | None) -> list[str]:
    """Ten new recovery codes for a user's own confirmed device, the old ones (used or not) void;
    returns them (shown once). Needs a second factor verified within STEP_UP_WINDOW in this session:
    a session left open is not enough to get codes that sign in without the phone."""
    if device_of(user) is None:
        raise SecondFactorRefused(_("该账号尚未绑定动态验证码，请先完成绑定。"), "not_enrolled")
    if not is_fresh(session):
        raise StepUpRequired
    with transaction.atomic():
        codes = _new_recovery_codes(user)
        audit_record(actor=user, action="auth.recovery_codes_regenerate", obj=user, ip=ip)
    return codes
