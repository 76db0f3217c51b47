from django.utils.translation import gettext_lazy as _

from gonghui.accounts import demo
from gonghui.core import registry
from gonghui.core.registry import DemoStep, MenuEntry, actions, capability
from gonghui.core.roles import Role

registry.demo.register(
    DemoStep(
        "accounts",
        order=30,
        build=demo.build,
        sign_ins=tuple((username, description) for username, _r, _o, description in demo.SIGN_INS),
    ),
    # After every app's accounts: each staff sign-in gets the demo's TOTP secret.
    DemoStep(
        "accounts.second_factors",
        order=990,
        build=demo.build_second_factors,
        sign_in_notes=(
            "工作人员和管理员登录时须输入动态验证码，演示账号共用一个密钥（添加到手机验证器App）：",
            f"TOTP secret: {demo.DEMO_TOTP_SECRET}",
        ),
    ),
)

registry.capabilities.register(
    capability("security.manage", _("管理账号角色、动态验证码和登录锁定"), [Role.SECURITY_ADMIN]),
)

registry.menu.register(
    MenuEntry(
        "security",
        _("安全管理"),
        "accounts:security_users",
        order=95,
        shown=lambda s: s.can("security.manage"),
    ),
)

registry.audit_actions.register(
    *actions(
        {
            "auth.login": _("登录"),
            "auth.logout": _("退出"),
            "auth.login_failed": _("登录失败"),
            "auth.unlock": _("解除登录锁定"),
            "auth.second_factor": _("动态验证码验证"),
            "auth.second_factor_failed": _("动态验证码验证失败"),
            "auth.second_factor_enrol": _("绑定动态验证码"),
            "auth.recovery_codes_regenerate": _("生成新的恢复码"),
            "auth.password_change": _("修改密码"),
            "auth.password_reset": _("重置密码"),
            "security.second_factor_reset": _("重置动态验证码"),
            "security.role_set": _("变更角色"),
            "security.administrator_grant": _("授予管理员角色"),
            "cli.run_as": _("命令行以他人身份执行"),
        },
        security={
            "auth.login",
            "auth.logout",
            "auth.login_failed",
            "auth.unlock",
            "auth.second_factor",
            "auth.second_factor_failed",
            "auth.second_factor_enrol",
            "auth.recovery_codes_regenerate",
            "auth.password_change",
            "auth.password_reset",
            "security.second_factor_reset",
            "security.role_set",
            "security.administrator_grant",
            "cli.run_as",
        },
    )
)
