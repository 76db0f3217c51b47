from django.contrib import admin
from django.db import transaction

from gonghui.orgs.models import Enterprise, Organisation
from gonghui.orgs.rollups import enterprises_changing, union_changing


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "parent", "established_on", "dissolved_on")
    list_filter = ("kind",)
    search_fields = ("code", "name")
    readonly_fields = ("code", "parent", "kind")

    def has_add_permission(self, request):
        return False  # organisations are created through organisation_create, which keeps the tree's paths

    @transaction.atomic
    def save_model(self, request, obj, form, change):
        """A founding or dissolution date edited here moves the roll-ups' rows, as the services do."""
        with union_changing(obj), enterprises_changing(Enterprise.objects.filter(union_id=obj.pk)):
            super().save_model(request, obj, form, change)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Enterprise)
class EnterpriseAdmin(admin.ModelAdmin):
    list_display = ("name", "credit_code", "industry", "headcount", "union")
    list_filter = ("is_key", "is_new_employment_form")
    search_fields = ("name", "credit_code")
    raw_id_fields = ("federation", "union")

    @transaction.atomic
    def save_model(self, request, obj, form, change):
        """The coverage roll-up follows an enterprise added or edited here, as it does in the services."""
        with enterprises_changing(Enterprise.objects.filter(pk=obj.pk)) as created:
            super().save_model(request, obj, form, change)
            created.append(obj.pk)

    def has_delete_permission(self, request, obj=None):
        return False
