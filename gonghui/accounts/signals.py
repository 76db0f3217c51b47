from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db import transaction
from django.dispatch import receiver
from django.utils import timezone

from gonghui.accounts.lockout import clear_failures, record_failure
from gonghui.accounts.middleware import SIGNED_IN_AT
from gonghui.accounts.models import LoginFailure
from gonghui.core.audit import audit_record, client_ip
from gonghui.core.models import AuditLog


@receiver(user_logged_in)
def on_login(sender, request, user, **kwargs):
    ip = client_ip(request)
    request.session[SIGNED_IN_AT] = timezone.now().isoformat()
    with transaction.atomic():
        clear_failures(username=user.get_username(), ip=ip)
        audit_record(actor=user, action="auth.login", obj=user, ip=ip)


@receiver(user_logged_out)
def on_logout(sender, request, user, **kwargs):
    if user is not None:
        audit_record(actor=user, action="auth.logout", obj=user, ip=client_ip(request))


@receiver(user_login_failed)
def on_login_failed(sender, credentials, request=None, **kwargs):
    if getattr(request, "sign_in_refusal", None) is not None:
        return  # refused unchecked: no failure, or hammering a locked account would keep it locked
    # Cut to the column: Django's admin sign-in lets any length through.
    username = credentials.get("username", "")[: LoginFailure._meta.get_field("username").max_length]
    ip = client_ip(request) if request is not None else None
    with transaction.atomic():
        record_failure(username=username, ip=ip)
        audit_record(
            actor=None, username=username, action="auth.login_failed", ip=ip, result=AuditLog.Result.FAILED
        )
