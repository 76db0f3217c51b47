from django.utils.translation import gettext_lazy as _

from gonghui.core import registry
from gonghui.core.registry import DemoStep, MenuEntry, Rollup, Todo, actions, capability
from gonghui.core.roles import Role
from gonghui.mutual_aid import charts, demo, kpis, rollups, selectors
from gonghui.mutual_aid.models import AidMonth

registry.capabilities.register(
    capability(
        "mutual_aid.read",
        _("查看医疗互助计划、参保、申请和给付台账"),
        [Role.PLATFORM_ADMIN, Role.FEDERATION_STAFF, Role.UNION_ADMIN],
    ),
    capability(
        "mutual_aid.plans", _("制定和发布医疗互助计划，复核、核定和支付互助申请"), [Role.FEDERATION_STAFF]
    ),
    capability("mutual_aid.enrol", _("为本工会职工集体参加医疗互助"), [Role.UNION_ADMIN]),
    capability("mutual_aid.file", _("为本工会会员申请医疗互助"), [Role.UNION_ADMIN]),
    capability("mutual_aid.own", _("查看本人的医疗互助"), [Role.WORKER]),
)

registry.menu.register(
    MenuEntry(
        "mutual_aid.claims",
        _("医疗互助"),
        "mutual_aid:claim_list",
        order=55,
        shown=lambda s: s.can("mutual_aid.read"),
    ),
    MenuEntry(
        "mutual_aid.mine", _("我的互助"), "mutual_aid:mine", order=82, shown=lambda s: s.can("mutual_aid.own")
    ),
)

registry.todos.register(
    Todo(
        "mutual_aid.claims",
        _("待我办理的互助申请"),
        "mutual_aid:claim_list",
        order=30,
        count=selectors.waiting_count,
    )
)

registry.kpis.register(*kpis.GROUPS)
registry.charts.register(*charts.CHARTS)
registry.rollups.register(
    Rollup("mutual_aid", _("医疗互助按月统计"), order=60, model=AidMonth, rebuild=rollups.rebuild)
)

registry.demo.register(DemoStep("mutual_aid", order=65, build=demo.build, sign_ins=(demo.CHAIR,)))

registry.audit_actions.register(
    *actions(
        {
            "mutual_aid.plan.create": _("新建医疗互助计划"),
            "mutual_aid.plan.update": _("修改医疗互助计划"),
            "mutual_aid.plan.publish": _("发布医疗互助计划"),
            "mutual_aid.enrol": _("集体参加医疗互助"),
            "mutual_aid.claim.submit": _("提交互助申请"),
            "mutual_aid.claim.union_review": _("基层工会审核互助申请"),
            "mutual_aid.claim.federation_review": _("总工会复核互助申请"),
            "mutual_aid.claim.return": _("退回互助申请补充材料"),
            "mutual_aid.claim.resubmit": _("补充材料后重新提交"),
            "mutual_aid.claim.reject": _("驳回互助申请"),
            "mutual_aid.claim.set_amount": _("核定互助金额"),
            "mutual_aid.claim.pay": _("支付互助金"),
            "mutual_aid.claim.archive": _("互助申请归档"),
            "mutual_aid.claim.view_medical": _("查看互助申请的病情资料"),
            "mutual_aid.document.open": _("查看互助申请材料"),
        },
        security={"mutual_aid.claim.view_medical", "mutual_aid.document.open"},
    )
)

registry.encrypted_fields.register(
    registry.EncryptedFields(
        "mutual_aid.Claim",
        ("diagnosis_encrypted", "hospital_encrypted", "stay_encrypted", "account_encrypted"),
    )
)
