from django.utils.translation import gettext_lazy as _

from gonghui.core import registry
from gonghui.core.registry import DemoStep, HomeCard, MenuEntry, Panel, actions
from gonghui.core.roles import Role
from gonghui.selfservice import demo


def _worker(scope) -> bool:
    return scope.role == Role.WORKER and scope.person_id is not None


registry.menu.register(
    MenuEntry("selfservice.home", _("我的服务"), "selfservice:home", order=79, shown=_worker)
)

registry.home_cards.register(
    HomeCard(
        "selfservice.home",
        _("我的服务：会员卡、报名、福利、互助"),
        "selfservice:home",
        order=80,
        count=lambda user: None,
        shown=_worker,
    ),
)

registry.panels.register(
    Panel("selfservice.activation", page="members:detail", template="selfservice/member_panel.html"),
)

registry.demo.register(
    DemoStep(
        "selfservice",
        order=820,
        build=demo.build,
        on_start=demo.print_activation_code,
    )
)

registry.audit_actions.register(
    *actions(
        {
            "selfservice.activation_issue": _("发放账号激活码"),
            "selfservice.activate": _("用激活码激活账号"),
            "selfservice.activation_failed": _("激活账号失败"),
        },
        security={"selfservice.activation_issue", "selfservice.activate", "selfservice.activation_failed"},
    )
)
