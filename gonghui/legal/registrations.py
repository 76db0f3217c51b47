from django.utils.translation import gettext_lazy as _

from gonghui.core import registry
from gonghui.core.registry import DemoStep, MenuEntry, Rollup, Todo, actions, capability
from gonghui.core.roles import Role
from gonghui.legal import charts, demo, kpis, rollups, selectors
from gonghui.legal.models import LegalMonth
from gonghui.legal.workflow import MOVES

registry.capabilities.register(
    capability(
        "legal.view",
        _("查看法律服务（律师团队、咨询、援助、调解案件）"),
        [Role.PLATFORM_ADMIN, Role.FEDERATION_STAFF, Role.UNION_ADMIN, Role.LAWYER],
    ),
    # 三权分立: the platform's administrators keep it running, they do not read case files.
    capability(
        "legal.case_files",
        _("查阅案卷内容（案情、结案报告、调解协议）"),
        [Role.FEDERATION_STAFF, Role.UNION_ADMIN, Role.LAWYER],
    ),
    capability("legal.ask", _("申请法律咨询"), [Role.WORKER]),
)


def _views(scope) -> bool:
    return scope.can("legal.view")


registry.menu.register(
    MenuEntry("legal.disputes", _("劳动争议调解"), "legal:dispute_list", order=80, shown=_views),
    MenuEntry("legal.aid", _("法律援助"), "legal:aid_list", order=81, shown=_views),
    MenuEntry("legal.consultations", _("法律咨询"), "legal:consultation_list", order=82, shown=_views),
    MenuEntry("legal.lawyers", _("律师团队"), "legal:lawyer_list", order=83, shown=_views),
    MenuEntry(
        "legal.mine", _("法律帮助"), "legal:mine", order=84, shown=lambda scope: scope.can("legal.ask")
    ),
)

registry.todos.register(
    Todo(
        "legal.disputes_due",
        _("调解案件临近或超过法定期限"),
        "legal:dispute_list",
        80,
        selectors.disputes_due_count,
    ),
    Todo("legal.aid_due", _("法律援助案件临近或超过法定期限"), "legal:aid_list", 81, selectors.aid_due_count),
)

registry.kpis.register(*kpis.GROUPS)
registry.charts.register(*charts.CHARTS)
registry.rollups.register(
    Rollup("legal", _("法律服务按月统计"), order=70, model=LegalMonth, rebuild=rollups.rebuild)
)

registry.demo.register(DemoStep("legal", order=80, build=demo.build, sign_ins=demo.SIGN_INS))

registry.audit_actions.register(
    *actions(
        {
            "lawyer.create": _("登记律师"),
            "lawyer.update": _("修改律师信息"),
            "consultation.record": _("登记法律咨询"),
            "consultation.request": _("职工申请法律咨询"),
            "aid.apply": _("受理法律援助申请"),
            "dispute.receive": _("收到劳动争议调解申请"),
            "legal.file_view": _("查阅案卷"),
            "legal.document_add": _("添加案卷材料"),
            "dispute.letter": _("出具委托调解反馈函"),
            **{move.name: move.label for moves in MOVES.values() for move in moves.values()},
        }
    )
)

registry.encrypted_fields.register(
    registry.EncryptedFields("legal.Consultation", ("question_encrypted", "answer_encrypted")),
    registry.EncryptedFields("legal.AidCase", ("facts_encrypted", "report_encrypted")),
    registry.EncryptedFields("legal.Dispute", ("facts_encrypted", "agreement_encrypted")),
    registry.EncryptedFields("legal.CaseDocument", ("text_encrypted",)),
)
