from django.apps import AppConfig


class HonoursConfig(AppConfig):
    name = "gonghui.honours"
    verbose_name = "荣誉"
