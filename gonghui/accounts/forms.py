from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from gonghui.accounts.lockout import is_locked_out
from gonghui.core.audit import client_ip


class SignInForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("账号或密码错误。连续失败5次后，该账号在本机将被锁定30分钟。"),
        "locked_out": _("失败次数过多，该账号在本机已被锁定，请30分钟后再试或联系平台管理员。"),
    }

    def clean(self):
        username = self.cleaned_data.get("username")
        if username and is_locked_out(username=username, ip=client_ip(self.request)):
            raise forms.ValidationError(self.error_messages["locked_out"], code="locked_out")
        return super().clean()
