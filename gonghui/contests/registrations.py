from django.utils.translation import gettext_lazy as _

from gonghui.contests import demo, kpis, rollups, talent
from gonghui.contests.models import ContestMonth, Event, Flag
from gonghui.core import registry
from gonghui.core.registry import DemoStep, MenuEntry, Rollup, TalentSource, Todo, actions, capability
from gonghui.core.roles import Role
from gonghui.core.scope import scope_of

registry.capabilities.register(
    capability("contests.manage", _("组织劳动和技能竞赛"), [Role.PLATFORM_ADMIN, Role.FEDERATION_STAFF]),
    capability(
        "contests.register",
        _("为会员报名竞赛"),
        [Role.PLATFORM_ADMIN, Role.FEDERATION_STAFF, Role.UNION_ADMIN],
    ),
)

registry.menu.register(
    MenuEntry(
        "contests",
        _("技能竞赛"),
        "contests:contest_list",
        order=65,
        shown=lambda scope: scope.role is not None,
    ),
)


def _flags_waiting(user) -> int | None:
    if not scope_of(user).can("contests.manage"):
        return None
    events = Event.objects.writable_by(user).filter(status=Event.Status.OPEN)
    return Flag.objects.filter(resolved_at__isnull=True, registration__event__in=events).count()


registry.todos.register(
    Todo("contests.flags", _("竞赛评分分歧待复评"), "contests:contest_list", order=65, count=_flags_waiting)
)

registry.kpis.register(*kpis.GROUPS)

registry.rollups.register(
    Rollup("contests", _("竞赛按月统计"), order=40, model=ContestMonth, rebuild=rollups.rebuild)
)

registry.talent.register(TalentSource(talent.KIND, _("竞赛成绩"), order=20, evidence=talent.evidence))

registry.demo.register(DemoStep("contests", order=75, build=demo.build, sign_ins=demo.SIGN_INS))

registry.audit_actions.register(
    *actions(
        {
            "contest.create": _("登记竞赛"),
            "contest.event_create": _("增设竞赛项目"),
            "contest.event_rules": _("设置同分排序和奖项"),
            "contest.part_add": _("增设评分部分"),
            "contest.criterion_add": _("增设评分项"),
            "contest.judge_add": _("登记裁判"),
            "contest.register": _("竞赛报名"),
            "contest.score": _("录入竞赛评分"),
            "contest.sign_off": _("签字锁定竞赛成绩"),
            "contest.reopen": _("重新开启竞赛成绩"),
            "contest.publish": _("发布竞赛成绩"),
            "contest.audit_sheet": _("打印竞赛评分审核表"),
        }
    )
)
