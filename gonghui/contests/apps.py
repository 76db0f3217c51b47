from django.apps import AppConfig


class ContestsConfig(AppConfig):
    name = "gonghui.contests"
    verbose_name = "劳动和技能竞赛"
