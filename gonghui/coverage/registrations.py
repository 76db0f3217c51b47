from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from gonghui.core import registry
from gonghui.core.registry import DemoStep, MenuEntry, Panel, Todo, actions, capability
from gonghui.core.roles import Role
from gonghui.core.scope import scope_of
from gonghui.coverage import demo
from gonghui.coverage.models import Founding, Step

registry.capabilities.register(
    capability("coverage.campaigns", _("查看建会入会集中行动"), [Role.PLATFORM_ADMIN, Role.FEDERATION_STAFF]),
    # An enterprise without a union has no union account: the federation's staff carry its founding.
    capability("coverage.run", _("组织集中行动、办理建会流程和指导走访"), [Role.FEDERATION_STAFF]),
)

registry.menu.register(
    MenuEntry(
        "coverage",
        _("建会入会"),
        "coverage:campaign_list",
        order=70,
        shown=lambda scope: scope.can("coverage.run"),
    ),
)


def _approvals_waiting(user) -> int | None:
    """Foundings waiting for the union above: a request to approve, election results to approve."""
    if not scope_of(user).can("coverage.run"):
        return None
    return Founding.objects.visible_to(user).filter(state__in=[Step.REQUEST, Step.ELECTION]).count()


registry.todos.register(
    Todo(
        "coverage.approvals",
        _("建会请示和选举结果待批复"),
        "coverage:campaign_list",
        order=10,
        count=_approvals_waiting,
    ),
)

registry.panels.register(
    Panel("coverage.enterprise", page="orgs:enterprise_detail", template="coverage/enterprise_panel.html"),
)

registry.demo.register(
    DemoStep("coverage", order=50, build=demo.build, sign_ins=(demo.LEADER,)),
)

registry.audit_actions.register(
    *actions(
        {
            "campaign.create": _("创建集中行动"),
            "campaign.refresh_targets": _("更新目标企业"),
            "campaign.assign": _("指定责任人"),
            "campaign.export": _("导出目标企业"),
            "founding.recruit": _("建会入会登记"),
            "visit.record": _("登记指导走访"),
            **{f"founding.{step.value}": format_lazy(_("建会：{}"), step.label) for step in Step},
        }
    )
)
