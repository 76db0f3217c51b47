from django.utils.translation import gettext_lazy as _

from gonghui.academy import charts, demo, kpis, rollups, selectors
from gonghui.academy.models import TrainingMonth
from gonghui.core import registry
from gonghui.core.registry import DemoStep, MenuEntry, Rollup, TalentSource, Todo, actions, capability
from gonghui.core.roles import Role

registry.capabilities.register(
    capability(
        "academy.read",
        _("查看工匠学院的课程、班级和证书"),
        [Role.PLATFORM_ADMIN, Role.FEDERATION_STAFF, Role.ACADEMY_STAFF, Role.UNION_ADMIN],
    ),
    capability(
        "academy.manage",
        _("开设课程和班级、记录考勤、办理结业和证书"),
        [Role.PLATFORM_ADMIN, Role.ACADEMY_STAFF],
    ),
    capability(
        "academy.enrol", _("为职工报名培训"), [Role.PLATFORM_ADMIN, Role.ACADEMY_STAFF, Role.UNION_ADMIN]
    ),
    capability("academy.enrol_self", _("本人报名培训"), [Role.WORKER]),
)

registry.menu.register(
    MenuEntry(
        "academy",
        _("工匠学院"),
        "academy:course_list",
        order=55,
        shown=lambda scope: scope.can("academy.read"),
    ),
)

registry.kpis.register(*kpis.GROUPS)

registry.charts.register(*charts.CHARTS)

# One entry for both tables (TrainingMonth and TraineeYear): the reports read the months of the first.
registry.rollups.register(
    Rollup("academy", _("工匠学院按月、按年统计"), order=30, model=TrainingMonth, rebuild=rollups.rebuild)
)

registry.demo.register(DemoStep("academy", order=70, build=demo.build, sign_ins=(demo.STAFF,)))

registry.talent.register(
    TalentSource("academy.certificate", _("结业证书"), order=10, evidence=selectors.talent_evidence),
)

registry.todos.register(
    Todo(
        "academy.awaiting_completion",
        _("已结课待办理结业的班级"),
        "academy:course_list",
        order=60,
        count=selectors.classes_awaiting_completion,
    ),
)

registry.audit_actions.register(
    *actions(
        {
            "academy.partner_create": _("登记合作单位"),
            "academy.course_create": _("开设课程"),
            "academy.class_create": _("开设培训班级"),
            "academy.class_publish": _("上线线上课程"),
            "academy.class_reschedule": _("调整培训班级日期"),
            "academy.session_add": _("安排课次"),
            "academy.enrol": _("培训报名"),
            "academy.cancel": _("取消培训报名"),
            "academy.promote": _("候补转为报名"),
            "academy.attendance": _("记录培训考勤"),
            "academy.complete": _("培训结业"),
            "academy.not_complete": _("培训未结业"),
            "academy.class_complete": _("班级结业"),
            "academy.certificate_issue": _("颁发结业证书"),
            "academy.certificate_revoke": _("撤销结业证书"),
            "academy.certificate_download": _("下载结业证书"),
        }
    )
)
