from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class SignInForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("账号或密码错误。连续失败5次后，该账号在本机将被锁定30分钟。"),
        "username_too_long": _("账号最多%(limit)d个字符，输入的有%(length)d个。"),
    }

    def clean_username(self):
        # Django sets the field's max_length after the field is built, so it checks no length itself.
        username = self.cleaned_data["username"]
        limit = self.username_field.max_length
        if len(username) > limit:
            raise forms.ValidationError(
                self.error_messages["username_too_long"],
                code="username_too_long",
                params={"limit": limit, "length": len(username)},
            )
        return username

    def get_invalid_login_error(self):
        refusal = getattr(self.request, "sign_in_refusal", None)
        if refusal is not None:
            return forms.ValidationError(refusal.message, code=refusal.code)
        return super().get_invalid_login_error()
