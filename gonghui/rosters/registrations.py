from django.core.management import call_command
from django.utils.translation import gettext_lazy as _

from gonghui.core import registry
from gonghui.core.registry import DemoStep, Panel, actions


def _purge_old_files(stdout) -> None:
    """Uploaded rosters are personal data, kept ROSTER_FILES_KEEP_DAYS days; in production a daily
    `gonghui purge-roster-files` (cron) does this."""
    call_command("purge_roster_files", stdout=stdout)


registry.panels.register(
    Panel(
        "rosters.organisation", page="orgs:organisation_detail", template="rosters/organisation_actions.html"
    ),
    Panel("rosters.members", page="members:list", template="rosters/member_list_actions.html"),
)

registry.demo.register(DemoStep("rosters", order=60, on_start=_purge_old_files))

registry.audit_actions.register(
    *actions(
        {
            "roster.upload": _("上传名册"),
            "roster.check": _("检查名册"),
            "roster.import": _("导入名册"),
            "roster.export": _("导出名册"),
            "roster.purge": _("删除过期名册文件"),
        },
        security={"roster.export"},
    )
)
