from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gonghui.activities import demo, kpis, rollups
from gonghui.activities.models import ActivityMonth, WelfareDistribution
from gonghui.core import registry
from gonghui.core.registry import DemoStep, MenuEntry, Rollup, Todo, actions, capability
from gonghui.core.roles import Role
from gonghui.core.scope import scope_of

registry.capabilities.register(
    capability(
        "activities.manage",
        _("组织工会活动和福利发放"),
        [Role.PLATFORM_ADMIN, Role.FEDERATION_STAFF, Role.UNION_ADMIN],
    ),
)


def _manages(scope) -> bool:
    return scope.can("activities.manage")


registry.menu.register(
    MenuEntry(
        "activities.list", pgettext_lazy("menu", "活动"), "activities:activity_list", order=40, shown=_manages
    ),
    MenuEntry("activities.welfare", _("福利"), "activities:welfare_list", order=50, shown=_manages),
)


def _welfare_to_sign(user) -> int | None:
    """Distributions waiting for a second officer's sign-off that this officer may give."""
    if not scope_of(user).can("activities.manage"):
        return None
    drafts = WelfareDistribution.objects.writable_by(user).filter(status=WelfareDistribution.Status.DRAFT)
    return drafts.exclude(created_by_id=user.pk).count()


registry.todos.register(
    Todo(
        "activities.welfare", _("福利发放待签批"), "activities:welfare_list", order=40, count=_welfare_to_sign
    ),
)

registry.kpis.register(*kpis.GROUPS)

registry.demo.register(DemoStep("activities", order=40, build=demo.build))

registry.audit_actions.register(
    *actions(
        {
            "activity.create": _("登记活动"),
            "activity.register": _("活动报名"),
            "activity.attendance": _("记录活动签到"),
            "activity.cancel": _("取消活动"),
            "welfare.create": _("登记福利发放"),
            "welfare.add_recipient": _("登记福利领取"),
            "welfare.add_all_members": _("全体会员加入领取名单"),
            "welfare.remove_recipient": _("移出领取名单"),
            "welfare.sign_off": _("签批福利发放"),
        }
    )
)

registry.rollups.register(
    Rollup("activities", _("活动和福利按月统计"), order=40, model=ActivityMonth, rebuild=rollups.rebuild)
)
