from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied

from gonghui.accounts.lockout import is_locked_out
from gonghui.core.audit import client_ip


class AccountLockedOut(PermissionDenied):
    pass


class LockoutModelBackend(ModelBackend):
    """The model backend, refusing even the right password while the account and address are locked."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        ip = client_ip(request) if request is not None else None
        if username and is_locked_out(username=username, ip=ip):
            raise AccountLockedOut
        return super().authenticate(request, username=username, password=password, **kwargs)

    def get_user(self, user_id):
        """The signed-in user of a request, with the organisation their scope is built from (one query)."""
        user = get_user_model()._default_manager.select_related("organisation").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
