from django.utils.translation import gettext_lazy as _

from gonghui.core import registry
from gonghui.core.registry import DemoStep, MenuEntry, Panel, actions, capability
from gonghui.core.roles import Role


def _rebuild_rollups(world) -> None:
    """The demo inserts its rows in bulk, past the services that keep the roll-ups: rebuild them once."""
    for rollup in registry.rollups:
        rollup.rebuild()


registry.capabilities.register(
    capability(
        "reports.read", _("查看统计报表"), [Role.PLATFORM_ADMIN, Role.FEDERATION_STAFF, Role.UNION_ADMIN]
    ),
)

registry.menu.register(
    MenuEntry("reports", _("统计"), "reports:kpis", order=60, shown=lambda scope: scope.can("reports.read")),
)

registry.panels.register(Panel("reports.dashboard", page="core:home", template="reports/home_panel.html"))

registry.demo.register(DemoStep("reports.rollups", order=900, build=_rebuild_rollups))

registry.audit_actions.register(
    *actions(
        {
            "report.export": _("导出年度工作报告"),
            "report.rows_export": _("导出指标明细"),
        },
        security={"report.export", "report.rows_export"},
    )
)
