from django.core.management import call_command
from django.utils.translation import gettext_lazy as _

from gonghui.core import registry
from gonghui.core.registry import DemoStep, Panel, Todo, actions
from gonghui.core.scope import scope_of
from gonghui.rosters.models import ImportJob


def _purge_old_files(stdout) -> None:
    """Uploaded rosters are personal data, kept ROSTER_FILES_KEEP_DAYS days; in production a daily
    `gonghui purge-roster-files` (cron) does this."""
    call_command("purge_roster_files", stdout=stdout)


def _rosters_to_confirm(user) -> int | None:
    """Roster files checked and waiting for their officer to confirm the import."""
    if not scope_of(user).can("members.roster"):
        return None
    return ImportJob.objects.visible_to(user).filter(status=ImportJob.Status.CHECKED).count()


registry.todos.register(
    Todo("rosters.checked", _("名册已检查待确认导入"), "members:list", order=50, count=_rosters_to_confirm),
)

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
