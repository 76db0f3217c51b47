from django.utils.translation import gettext_lazy as _

from gonghui.core import registry
from gonghui.core.registry import DemoStep, MenuEntry, Rollup, actions, capability
from gonghui.core.roles import Role
from gonghui.orgs import charts, demo, kpis, rollups
from gonghui.orgs.models import EnterpriseMonth, UnionMonth

registry.capabilities.register(
    capability(
        "orgs.browse",
        _("浏览组织和企业"),
        [Role.PLATFORM_ADMIN, Role.FEDERATION_STAFF, Role.UNION_ADMIN],
    ),
)


def _browses(scope) -> bool:
    return scope.can("orgs.browse")


registry.menu.register(
    MenuEntry("orgs.tree", _("组织"), "orgs:tree", order=10, shown=_browses),
    MenuEntry("orgs.enterprises", _("企业"), "orgs:enterprise_list", order=20, shown=_browses),
)

registry.kpis.register(*kpis.GROUPS)

registry.demo.register(
    DemoStep("orgs", order=10, build=demo.build),
    DemoStep("orgs.later", order=800, build=demo.build_later),
)

registry.audit_actions.register(
    *actions(
        {
            "organisation.create": _("设立组织"),
            "organisation.dissolve": _("撤销组织"),
            "enterprise.create": _("登记企业"),
            "enterprise.update": _("修改企业信息"),
            "officer.appoint": _("任命工会干部"),
            "officer.stand_down": _("工会干部卸任"),
        }
    )
)

registry.rollups.register(
    Rollup("orgs.unions", _("基层工会按月统计"), order=10, model=UnionMonth, rebuild=rollups.rebuild),
    Rollup(
        "orgs.coverage",
        _("目标企业建会按月统计"),
        order=30,
        model=EnterpriseMonth,
        rebuild=rollups.rebuild_coverage,
        dated_records=False,  # its months are the enterprises' foundings
    ),
)

registry.charts.register(*charts.CHARTS)
