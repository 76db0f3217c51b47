from django.utils.translation import gettext_lazy as _

from gonghui.core import registry
from gonghui.core.registry import MenuEntry, actions

registry.menu.register(
    MenuEntry(
        "api.tokens", _("接口令牌"), "api:tokens", order=900, shown=lambda scope: scope.role is not None
    ),
)

registry.audit_actions.register(
    *actions({"api.token_create": _("创建接口令牌"), "api.token_revoke": _("吊销接口令牌")})
)
