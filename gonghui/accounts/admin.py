from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from gonghui.accounts.models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "first_name", "role", "organisation", "is_active", "last_login")
    list_filter = ("role", "is_active")
    raw_id_fields = ("organisation", "person")
    fieldsets = BaseUserAdmin.fieldsets + ((_("角色与范围"), {"fields": ("role", "organisation", "person")}),)
