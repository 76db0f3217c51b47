from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoverageConfig(AppConfig):
    name = "gonghui.coverage"
    verbose_name = _("建会入会")
