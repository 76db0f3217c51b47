from django.urls import reverse
from django.utils.translation import gettext as _

from gonghui.core import scoping


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = [(_("首页"), reverse("core:home"))]
    if scoping.is_officer(user):
        items += [
            (_("组织"), reverse("orgs:tree")),
            (_("企业"), reverse("orgs:enterprise_list")),
            (_("会员"), reverse("members:list")),
            (_("活动"), reverse("activities:activity_list")),
            (_("福利"), reverse("activities:welfare_list")),
        ]
        if scoping.may_read_reports(user):
            items.append((_("统计"), reverse("reports:kpis")))
    if scoping.is_federation_staff(user):
        items.append((_("建会入会"), reverse("coverage:campaign_list")))
    if user.person_id:
        items.append((_("我的会籍"), reverse("members:me")))
    if scoping.may_read_audit_log(user):
        items.append((_("审计日志"), reverse("core:audit_log")))
    if scoping.is_platform_admin(user):
        items.append((_("平台管理"), reverse("admin:index")))
    return {"nav_items": items}
