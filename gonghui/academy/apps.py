from django.apps import AppConfig


class AcademyConfig(AppConfig):
    name = "gonghui.academy"
    verbose_name = "工匠学院"
