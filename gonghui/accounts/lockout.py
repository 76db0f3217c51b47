"""Sign-in lockout and slowing (settings LOCKOUT_* and THROTTLE_*).

Too many failures for one account from one address lock that pair for a while. Failures for one
account from many addresses, or from one address for many accounts, only slow each further attempt
by a growing wait with a cap: whoever fails in a colleague's name can delay them, never lock them out
for good. An attempt refused is not a failure: its password is not checked and it extends no wait.
"""

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from gonghui.accounts.models import LoginFailure


@dataclass(frozen=True)
class Refusal:
    code: str  # locked_out, account_slowed or address_slowed
    wait: timedelta

    @property
    def message(self) -> str:
        messages = {
            "locked_out": _("失败次数过多，该账号在本机已被锁定，请%(wait)s后再试或联系平台管理员解锁。"),
            "account_slowed": _(
                "该账号近期登录失败次数过多，为防止猜测密码，请%(wait)s后再试；平台管理员可以解除限制。"
            ),
            "address_slowed": _("本机近期登录失败次数过多，请%(wait)s后再试。"),
        }
        return messages[self.code] % {"wait": wait_text(self.wait)}


def wait_text(wait: timedelta) -> str:
    seconds = math.ceil(wait.total_seconds())
    if seconds < 60:
        return ngettext("%(n)d秒", "%(n)d秒", seconds) % {"n": seconds}
    minutes = math.ceil(seconds / 60)
    return ngettext("%(n)d分钟", "%(n)d分钟", minutes) % {"n": minutes}


def _kept() -> timedelta:
    """How long a failure matters to any rule."""
    return max(settings.LOCKOUT_WINDOW + settings.LOCKOUT_COOLOFF, settings.THROTTLE_WINDOW)


def sign_in_refusal(*, username: str, ip: str | None) -> Refusal | None:
    """Why an attempt for username from ip is refused now, with the longest wait; None when it may go on.

    One query: the recent failures of the account from anywhere and of the address for any account.
    Refused attempts are never recorded, so there are few: with the default settings about 20 an
    hour per account and 40 per address at the most.
    """
    now = timezone.now()
    ours = Q(username=username) | Q(ip=ip) if ip else Q(username=username)
    rows = LoginFailure.objects.filter(ours, at__gte=now - _kept()).values_list("username", "ip", "at")
    pair, account, address = [], [], []
    for row_username, row_ip, at in rows:
        if row_username == username and row_ip == ip:
            pair.append(at)
        if at >= now - settings.THROTTLE_WINDOW:
            if row_username == username:
                account.append(at)
            if ip and row_ip == ip:
                address.append(at)
    ends = {
        "locked_out": _locked_until(sorted(pair)),
        "account_slowed": _slowed_until(sorted(account), settings.THROTTLE_ACCOUNT_FAILURES),
        "address_slowed": _slowed_until(sorted(address), settings.THROTTLE_ADDRESS_FAILURES),
    }
    refusals = [Refusal(code, until - now) for code, until in ends.items() if until and until > now]
    return max(refusals, key=lambda refusal: refusal.wait, default=None)


def _locked_until(times: list[datetime]) -> datetime | None:
    """LOCKOUT_COOLOFF after the last run of LOCKOUT_FAILURES failures inside LOCKOUT_WINDOW."""
    n = settings.LOCKOUT_FAILURES
    ends = [
        times[i + n - 1]
        for i in range(len(times) - n + 1)
        if times[i + n - 1] - times[i] <= settings.LOCKOUT_WINDOW
    ]
    return max(ends) + settings.LOCKOUT_COOLOFF if ends else None


def _slowed_until(times: list[datetime], limit: int) -> datetime | None:
    if len(times) < limit:
        return None
    # The exponent is bounded: far past the cap, 2**n would only grow the number.
    delay = settings.THROTTLE_DELAY * 2 ** min(len(times) - limit, 32)
    return times[-1] + min(delay, settings.THROTTLE_MAX_DELAY)


def record_failure(*, username: str, ip: str | None) -> None:
    now = timezone.now()
    LoginFailure.objects.create(username=username, ip=ip, at=now)
    LoginFailure.objects.filter(at__lt=now - _kept()).delete()


def clear_failures(*, username: str, ip: str | None) -> None:
    LoginFailure.objects.filter(username=username, ip=ip).delete()


def unlock(*, username: str) -> int:
    """Lifts the lock and the slowing of an account: its failures from every address. Returns how many."""
    deleted, _by_model = LoginFailure.objects.filter(username=username).delete()
    return deleted
