from django.apps import AppConfig
from django.core import checks


class CoreConfig(AppConfig):
    name = "gonghui.core"
    verbose_name = "核心"

    def ready(self):
        from gonghui.core.checks import next_year_calendar

        checks.register(next_year_calendar)
