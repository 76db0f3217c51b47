from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RostersConfig(AppConfig):
    name = "gonghui.rosters"
    verbose_name = _("会员名册")
