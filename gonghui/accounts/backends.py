from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied

from gonghui.accounts.lockout import sign_in_refusal
from gonghui.core.audit import client_ip


class SignInRefused(PermissionDenied):
    pass


class LockoutModelBackend(ModelBackend):
    """The model backend, refusing even the right password while the account is locked or slowed.

    The refusal is left on the request as `sign_in_refusal`: the sign-in form shows its message and
    the failed-sign-in signal does not count the attempt as a failure.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username:
            refusal = sign_in_refusal(
                username=username, ip=client_ip(request) if request is not None else None
            )
            if refusal is not None:
                if request is not None:
                    request.sign_in_refusal = refusal
                raise SignInRefused
        return super().authenticate(request, username=username, password=password, **kwargs)

    def get_user(self, user_id):
        """The signed-in user of a request, with the organisation their scope is built from (one query)."""
        user = get_user_model()._default_manager.select_related("organisation").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
