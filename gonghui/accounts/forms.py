from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from gonghui.core.roles import ADMINISTRATOR_ROLES, Role
from gonghui.orgs.models import Organisation


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


class SecondFactorForm(forms.Form):
    code = forms.CharField(
        label=_("动态验证码或恢复码"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
        error_messages={
            "required": _("请输入验证器上的6位动态验证码，或一个恢复码。"),
            "max_length": _("动态验证码或恢复码最多%(limit_value)d个字符，输入的有%(show_value)d个。"),
        },
    )


class EnrolmentForm(SecondFactorForm):
    """The first code of a device being set up: a TOTP code only."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        code = self.fields["code"]
        code.label = _("验证器显示的6位动态验证码")
        code.error_messages["required"] = _("请输入验证器上显示的6位动态验证码，以确认绑定。")


class RoleForm(forms.Form):
    role = forms.ChoiceField(
        label=_("角色"),
        choices=[(role.value, role.label) for role in Role if role not in ADMINISTRATOR_ROLES],
        error_messages={"invalid_choice": _("角色：管理员角色（系统、安全、审计）只能在服务器上授予。")},
    )
    organisation = forms.CharField(label=_("所属组织代码"), max_length=32, required=False)

    def clean_organisation(self):
        code = self.cleaned_data["organisation"].strip()
        if not code:
            return None
        organisation = Organisation.objects.filter(code=code).first()
        if organisation is None:
            raise forms.ValidationError(_("所属组织代码：没有代码为%(code)s的组织。"), params={"code": code})
        return organisation


class UserSearchForm(forms.Form):
    q = forms.CharField(label=_("账号或姓名"), max_length=150, required=False)
