from django.utils.translation import gettext_lazy as _

from gonghui.core import registry
from gonghui.core.registry import DemoStep, MenuEntry, TalentSource, Todo, actions, capability
from gonghui.core.roles import Role
from gonghui.core.scope import scope_of
from gonghui.honours import demo, kpis, selectors, talent

registry.capabilities.register(
    capability(
        "honours.manage", _("组织荣誉推荐评选、答复公示异议"), [Role.PLATFORM_ADMIN, Role.FEDERATION_STAFF]
    ),
    capability(
        "honours.nominate",
        _("推荐荣誉候选人"),
        [Role.PLATFORM_ADMIN, Role.FEDERATION_STAFF, Role.UNION_ADMIN],
    ),
)

registry.menu.register(
    MenuEntry(
        "honours.rounds", _("荣誉"), "honours:round_list", order=70, shown=lambda s: s.can("honours.nominate")
    ),
    MenuEntry(
        "honours.talent_me",
        _("成长档案"),
        "honours:talent_me",
        order=71,
        shown=lambda s: s.role == Role.WORKER,
    ),
)

registry.kpis.register(*kpis.GROUPS)

registry.talent.register(TalentSource("honours.award", _("荣誉"), order=40, evidence=talent.award_evidence))


def _waiting(user) -> int | None:
    if not scope_of(user).can("honours.manage"):
        return None
    return selectors.nomination_waiting(user).count()


def _objections(user) -> int | None:
    if not scope_of(user).can("honours.manage"):
        return None
    return selectors.objections_unanswered(user).count()


registry.todos.register(
    Todo("honours.nominations", _("待办理的荣誉推荐"), "honours:round_list", order=70, count=_waiting),
    Todo("honours.objections", _("待答复的公示异议"), "honours:round_list", order=71, count=_objections),
)

registry.demo.register(DemoStep("honours", order=80, build=demo.build))

registry.audit_actions.register(
    *actions(
        {
            "honours.round_create": _("发起荣誉推荐评选"),
            "honours.rule_create": _("制定推荐资格规则"),
            "honours.award_record": _("登记荣誉"),
            "honours.nominate": _("推荐荣誉候选人"),
            "honours.advance": _("办理荣誉推荐"),
            "honours.objection_submit": _("提出公示异议"),
            "honours.objection_answer": _("答复公示异议"),
        }
    )
)

registry.encrypted_fields.register(registry.EncryptedFields("honours.Objection", ("contact_encrypted",)))
