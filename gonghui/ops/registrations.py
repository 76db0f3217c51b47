from django.utils.translation import gettext_lazy as _

from gonghui.core import registry
from gonghui.core.registry import actions

registry.audit_actions.register(
    *actions(
        {"ops.backup": _("备份数据库和上传文件"), "ops.restore": _("从备份恢复")},
        security={"ops.backup", "ops.restore"},
    )
)
