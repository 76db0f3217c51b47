from django.utils.translation import gettext_lazy as _

from gonghui.core import registry
from gonghui.core.registry import DemoStep, HomeCard, MenuEntry, Rollup, actions, capability
from gonghui.core.roles import Role
from gonghui.members import charts, demo, kpis, rollups
from gonghui.members.models import MemberMonth

OFFICERS = [Role.PLATFORM_ADMIN, Role.FEDERATION_STAFF, Role.UNION_ADMIN]

registry.capabilities.register(
    capability("members.roster", _("查看和维护会员名册"), OFFICERS),
    capability("members.reveal_id", _("查看完整公民身份号码（记入审计日志）"), OFFICERS),
)


def _keeps_roster(scope) -> bool:
    return scope.can("members.roster")


def _own_membership(scope) -> bool:
    return scope.person_id is not None


registry.menu.register(
    MenuEntry("members.list", _("会员"), "members:list", order=30, shown=_keeps_roster),
    MenuEntry("members.me", _("我的会籍"), "members:me", order=80, shown=_own_membership),
)

registry.home_cards.register(
    HomeCard(
        "members.me",
        _("查看我的会籍"),
        "members:me",
        order=90,
        count=lambda user: None,
        shown=lambda scope: _own_membership(scope) and not _keeps_roster(scope),
    ),
)

registry.kpis.register(kpis.GROUP)

registry.demo.register(
    DemoStep("members", order=20, build=demo.build),
    DemoStep("members.later", order=810, build=demo.build_later),
)

registry.audit_actions.register(
    *actions(
        {
            "person.create": _("建立人员档案"),
            "person.update": _("修改人员信息"),
            "person.reveal_id": _("查看完整公民身份号码"),
            "person.lookup": _("按公民身份号码查到他人档案（未办理）"),
            "membership.join": _("登记入会"),
            "membership.transfer": _("会员关系接转"),
            "membership.leave": _("退会"),
        },
        security={"person.reveal_id", "person.lookup"},
    )
)

registry.rollups.register(
    Rollup("members", _("会员按月统计"), order=20, model=MemberMonth, rebuild=rollups.rebuild)
)

registry.charts.register(*charts.CHARTS)

registry.encrypted_fields.register(registry.EncryptedFields("members.Person", ("id_encrypted",)))
