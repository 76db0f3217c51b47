from django.apps import AppConfig


class LegalConfig(AppConfig):
    name = "gonghui.legal"
    verbose_name = "法律服务"
