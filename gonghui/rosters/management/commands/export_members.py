"""gonghui export-members --org CODE --out FILE.xlsx [--reveal] [--as USERNAME]

The active members under the organisation that the actor may see, in the roster template's columns
plus the union; ID numbers and phones masked unless asked with --reveal by an actor whose role may
reveal them. Audited.
"""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.http import Http404

from gonghui.core.scope import get_or_404
from gonghui.orgs.models import Organisation
from gonghui.rosters.management.commands._actor import add_actor_argument, resolve_actor
from gonghui.rosters.services import roster_export
from gonghui.rosters.services.exports import export_reveals


class Command(BaseCommand):
    help = "把一个组织（含下级）的在册会员导出为Excel名册"

    def add_arguments(self, parser):
        parser.add_argument("--org", required=True, metavar="CODE", help="组织代码")
        parser.add_argument("--out", required=True, type=Path, metavar="FILE.xlsx")
        parser.add_argument(
            "--reveal", action="store_true", help="导出完整的身份证号和手机号（默认脱敏；记入审计日志）"
        )
        add_actor_argument(parser)

    def handle(self, *args, org, out, as_user, reveal, **options):
        actor = resolve_actor(as_user, command="export-members")
        try:
            target = get_or_404(Organisation.objects.visible_to(actor), code=org)
        except Http404:
            raise CommandError(f"没有代码为 {org} 的组织，或不在您的权限范围内", returncode=2) from None
        started = time.monotonic()
        count = roster_export(user=actor, org=target, out=str(out), reveal=reveal)
        masked = "" if export_reveals(actor, reveal=reveal) else "（身份证号和手机号已脱敏）"
        self.stdout.write(f"已导出{count}名会员到 {out}{masked}，用时{time.monotonic() - started:.1f}秒")
