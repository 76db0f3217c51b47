from django.contrib import admin

from gonghui.orgs.models import Enterprise, Organisation


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "parent", "established_on", "dissolved_on")
    list_filter = ("kind",)
    search_fields = ("code", "name")
    readonly_fields = ("code", "parent", "kind")

    def has_add_permission(self, request):
        return False  # organisations are created through organisation_create, which keeps the tree's paths

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Enterprise)
class EnterpriseAdmin(admin.ModelAdmin):
    list_display = ("name", "credit_code", "industry", "headcount", "union")
    list_filter = ("is_key", "is_new_employment_form")
    search_fields = ("name", "credit_code")
    raw_id_fields = ("federation", "union")

    def has_delete_permission(self, request, obj=None):
        return False
