from django.apps import AppConfig


class HomesConfig(AppConfig):
    name = "gonghui.homes"
    verbose_name = "职工之家与文体活动"
