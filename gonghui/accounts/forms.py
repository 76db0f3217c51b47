from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class SignInForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("账号或密码错误。连续失败5次后，该账号在本机将被锁定30分钟。"),
    }

    def get_invalid_login_error(self):
        refusal = getattr(self.request, "sign_in_refusal", None)
        if refusal is not None:
            return forms.ValidationError(refusal.message, code=refusal.code)
        return super().get_invalid_login_error()
