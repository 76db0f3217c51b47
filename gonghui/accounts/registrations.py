from django.utils.translation import gettext_lazy as _

from gonghui.accounts import demo
from gonghui.core import registry
from gonghui.core.registry import DemoStep, actions

registry.demo.register(
    DemoStep(
        "accounts",
        order=30,
        build=demo.build,
        sign_ins=tuple((username, description) for username, _r, _o, description in demo.SIGN_INS),
    )
)

registry.audit_actions.register(
    *actions(
        {
            "auth.login": _("登录"),
            "auth.logout": _("退出"),
            "auth.login_failed": _("登录失败"),
            "auth.unlock": _("解除登录锁定"),
        },
        security={"auth.login", "auth.logout", "auth.login_failed", "auth.unlock"},
    )
)
