from django.apps import AppConfig
from django.core import checks
from django.utils.module_loading import autodiscover_modules


class CoreConfig(AppConfig):
    name = "gonghui.core"
    verbose_name = "核心"

    def ready(self):
        from django.db.models.signals import post_migrate

        from gonghui.core import audit
        from gonghui.core.checks import next_year_calendar

        checks.register(next_year_calendar)
        post_migrate.connect(audit.grant_application_role, sender=self)
        # Each app registers its capabilities, menu entries, KPIs, demo data and audit actions
        # (gonghui.core.registry) from its own `registrations` module.
        autodiscover_modules("registrations")
