from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "gonghui.reports"
    verbose_name = "统计报表"
