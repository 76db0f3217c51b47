from django.utils.translation import gettext_lazy as _

from gonghui.core import registry
from gonghui.core.registry import MenuEntry, actions, capability
from gonghui.core.roles import Role

registry.capabilities.register(
    capability("audit.read", _("查阅审计日志"), [Role.AUDIT_ADMIN, Role.FEDERATION_STAFF]),
    capability("audit.export", _("导出审计日志"), [Role.AUDIT_ADMIN]),
    capability("calendar.correct", _("更正工作日历"), [Role.PLATFORM_ADMIN, Role.FEDERATION_STAFF]),
)

registry.menu.register(
    MenuEntry("home", _("首页"), "core:home", order=0, shown=lambda scope: True),
    MenuEntry(
        "calendar", _("工作日历"), "core:calendar", order=85, shown=lambda s: s.can("calendar.correct")
    ),
    MenuEntry("audit", _("审计日志"), "core:audit_log", order=90, shown=lambda s: s.can("audit.read")),
    MenuEntry("admin", _("平台管理"), "admin:index", order=99, shown=lambda s: s.everything),
)

registry.audit_actions.register(
    *actions(
        {
            "admin.access": _("访问平台管理"),
            "audit.export": _("导出审计日志"),
            "access.denied": _("拒绝访问"),
            "demo.load": _("载入演示数据"),
            "calendar.correct": _("更正工作日历"),
            "calendar.remove": _("撤销工作日历更正"),
            "calendar.year_confirm": _("确认年度节假日已录入"),
            "calendar.year_withdraw": _("撤回年度节假日确认"),
            "audit.prune": _("清理审计日志"),
            "crypto.rotate_field_key": _("轮换字段加密密钥"),
        },
        security={"admin.access", "access.denied", "audit.prune", "audit.export", "crypto.rotate_field_key"},
    )
)
