from django.apps import AppConfig
from django.db.models.signals import post_migrate


class HonoursConfig(AppConfig):
    name = "gonghui.honours"
    verbose_name = "荣誉"

    def ready(self):
        from gonghui.honours.titles import ensure_titles

        post_migrate.connect(ensure_titles, sender=self)
