from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gonghui.core import registry
from gonghui.core.registry import DemoStep, MenuEntry, Todo, actions, capability
from gonghui.core.roles import Role
from gonghui.core.scope import scope_of
from gonghui.homes import demo, kpis
from gonghui.homes.models import Event
from gonghui.homes.services import CHECK_IN_OPENS_BEFORE

OFFICERS = [Role.PLATFORM_ADMIN, Role.FEDERATION_STAFF, Role.UNION_ADMIN]

registry.capabilities.register(
    capability("homes.manage", _("登记职工之家及其照片"), OFFICERS),
    capability(
        "homes.award", _("登记职工之家示范点和模范职工之家命名"), [Role.PLATFORM_ADMIN, Role.FEDERATION_STAFF]
    ),
    capability("events.manage", _("组织文体活动、分配名额、为会员报名"), OFFICERS),
    capability("events.checkin", _("文体活动现场签到"), OFFICERS),
)

registry.menu.register(
    MenuEntry(
        "homes.list", _("职工之家"), "homes:home_list", order=55, shown=lambda s: s.can("homes.manage")
    ),
    MenuEntry(
        "homes.events", _("演出赛事"), "homes:event_list", order=56, shown=lambda s: s.can("events.manage")
    ),
)


def _checking_in_now(user) -> int | None:
    """Events whose doors are open for check-in now, in the user's reach."""
    if not scope_of(user).can("events.checkin"):
        return None
    now = timezone.now()
    return (
        Event.objects.visible_to(user)
        .filter(starts_at__lte=now + CHECK_IN_OPENS_BEFORE, ends_at__gte=now)
        .count()
    )


registry.todos.register(
    Todo("events.checkin", _("正在签到的文体活动"), "homes:event_list", order=56, count=_checking_in_now)
)

registry.kpis.register(*kpis.GROUPS)

registry.demo.register(DemoStep("homes", order=45, build=demo.build))

registry.audit_actions.register(
    *actions(
        {
            "homes.create": _("登记职工之家"),
            "homes.update": _("修改职工之家"),
            "homes.award": _("登记职工之家命名"),
            "homes.photo_add": _("上传职工之家照片"),
            "homes.photo_remove": _("删除职工之家照片"),
            "events.create": _("登记文体活动"),
            "events.quota_set": _("分配文体活动名额"),
            "events.register": _("文体活动报名"),
            "events.cancel": _("取消文体活动报名"),
            "events.promote": _("候补递补为正式报名"),
            "events.check_in": _("文体活动签到"),
        }
    )
)
