from django.utils.translation import gettext_lazy as _

from gonghui.core import registry
from gonghui.core.registry import MenuEntry, capability
from gonghui.core.roles import Role

registry.capabilities.register(
    capability("reports.read", _("查看统计报表"), [Role.PLATFORM_ADMIN, Role.FEDERATION_STAFF]),
)

registry.menu.register(
    MenuEntry("reports", _("统计"), "reports:kpis", order=60, shown=lambda scope: scope.can("reports.read")),
)
