from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.utils.translation import gettext_lazy as _

from gonghui.accounts.models import User
from gonghui.accounts.passwords import password_set
from gonghui.core.roles import ADMINISTRATOR_ROLES


class PasswordResetForm(AdminPasswordChangeForm):
    """A system administrator's reset. Saved by UserAdmin.log_change, which has the request: through
    the service, which keeps the history, audits it and has the owner change it at the next sign-in."""

    def save(self, commit=True):
        self.user.reset_password_to = self.cleaned_data["password1"]
        return self.user


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    """The system administrator's users: accounts, names, organisations, enabling and disabling.

    Roles are the security administrator's (/accounts/security/), administrators are made on the
    server only: neither is edited here, and no administrator's account is listed."""

    list_display = ("username", "first_name", "role", "organisation", "is_active", "last_login")
    list_filter = ("role", "is_active")
    raw_id_fields = ("organisation", "person")
    readonly_fields = ("role", "last_login", "date_joined", "password_changed_at")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("个人信息"), {"fields": ("first_name", "last_name", "email")}),
        (_("状态"), {"fields": ("is_active", "password_must_change", "password_changed_at")}),
        (_("角色与范围"), {"fields": ("role", "organisation", "person")}),
        (_("时间"), {"fields": ("last_login", "date_joined")}),
    )
    change_password_form = PasswordResetForm

    def get_queryset(self, request):
        return super().get_queryset(request).exclude(role__in=ADMINISTRATOR_ROLES).exclude(is_superuser=True)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.password_must_change = True  # a first password: its owner chooses their own
        super().save_model(request, obj, form, change)

    def log_change(self, request, obj, message):
        password = obj.__dict__.pop("reset_password_to", None)
        if password is not None:
            password_set(user=obj, password=password, by=request.user)
        return super().log_change(request, obj, message)
