from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "gonghui.ops"
    verbose_name = "运维"

    def ready(self):
        from gonghui.ops import production  # noqa: F401  (registers the deploy checks)
