from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class ActivateForm(forms.Form):
    mobile = forms.CharField(
        label=_("手机号码"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "username"}),
    )
    code = forms.CharField(
        label=_("激活码"),
        max_length=20,
        help_text=_("工会管理员发给您的10位激活码，如 ABCDE-FGHJK"),
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "autocomplete": "one-time-code"}),
    )
    password = forms.CharField(
        label=_("设置密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("至少10个字符，包含小写字母、大写字母、数字、符号中的3类"),
    )
    password_again = forms.CharField(
        label=_("再次输入密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password_again") and data["password"] != data["password_again"]:
            raise ValidationError({"password_again": _("两次输入的密码不一致")})
        return data


class TokenForm(forms.Form):
    token = forms.CharField(label=_("会员卡二维码内容"), max_length=600)
