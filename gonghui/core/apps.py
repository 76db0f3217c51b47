from django.apps import AppConfig
from django.core import checks
from django.core.management import call_command
from django.db.models.signals import post_migrate
from django.utils.module_loading import autodiscover_modules


class CoreConfig(AppConfig):
    name = "gonghui.core"
    verbose_name = "核心"

    def ready(self):
        from gonghui.core import audit
        from gonghui.core.checks import next_year_calendar

        checks.register(next_year_calendar)
        # The cache's table first: the application role's grants cover every table.
        post_migrate.connect(create_cache_table, sender=self)
        post_migrate.connect(audit.grant_application_role, sender=self)
        # Each app registers its capabilities, menu entries, KPIs, demo data and audit actions
        # (gonghui.core.registry) from its own `registrations` module.
        autodiscover_modules("registrations")


def create_cache_table(*, using, **kwargs):
    """The database cache's table (settings.CACHES) is not a model's: every migrate makes sure it exists."""
    call_command("createcachetable", database=using, verbosity=0)
