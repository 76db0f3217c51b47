"""Sign-in lockout: too many failures for one account from one address lock that pair for a while."""

from django.conf import settings
from django.utils import timezone

from gonghui.accounts.models import LoginFailure


def is_locked_out(*, username: str, ip: str | None) -> bool:
    now = timezone.now()
    recent = LoginFailure.objects.filter(username=username, ip=ip, at__gte=now - settings.LOCKOUT_COOLOFF)
    times = sorted(recent.values_list("at", flat=True))
    # Locked while some run of LOCKOUT_FAILURES failures inside LOCKOUT_WINDOW ended less than
    # LOCKOUT_COOLOFF ago.
    n = settings.LOCKOUT_FAILURES
    return any(times[i + n - 1] - times[i] <= settings.LOCKOUT_WINDOW for i in range(len(times) - n + 1))


def record_failure(*, username: str, ip: str | None) -> None:
    LoginFailure.objects.create(username=username, ip=ip, at=timezone.now())
    LoginFailure.objects.filter(
        at__lt=timezone.now() - settings.LOCKOUT_WINDOW - settings.LOCKOUT_COOLOFF
    ).delete()


def clear_failures(*, username: str, ip: str | None) -> None:
    LoginFailure.objects.filter(username=username, ip=ip).delete()
