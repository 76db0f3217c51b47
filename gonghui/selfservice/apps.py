from django.apps import AppConfig


class SelfServiceConfig(AppConfig):
    name = "gonghui.selfservice"
    verbose_name = "职工自助服务"
