from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "gonghui.orgs"
    verbose_name = "组织"
