from django.contrib import admin

from gonghui.core.models import AuditLog


@admin.register(AuditLog)
class AuditLogAdmin(admin.ModelAdmin):
    """Read-only: nobody, not even a platform admin, edits or deletes the audit log."""

    list_display = ("at", "actor_username", "action", "object_repr", "ip", "result")
    list_filter = ("result", "action")
    search_fields = ("actor_username", "object_repr", "action")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
