"""gonghui export-members --org CODE --out FILE.xlsx [--as USERNAME]

The active members under the organisation that the actor may see, in the roster template's columns
plus the union; ID numbers and phones masked unless the actor's role may reveal them. Audited.
"""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.http import Http404

from gonghui.core.scope import get_or_404, scope_of
from gonghui.orgs.models import Organisation
from gonghui.rosters.management.commands._actor import add_actor_argument, resolve_actor
from gonghui.rosters.services import roster_export


class Command(BaseCommand):
    help = "把一个组织（含下级）的在册会员导出为Excel名册"

    def add_arguments(self, parser):
        parser.add_argument("--org", required=True, metavar="CODE", help="组织代码")
        parser.add_argument("--out", required=True, type=Path, metavar="FILE.xlsx")
        add_actor_argument(parser)

    def handle(self, *args, org, out, as_user, **options):
        actor = resolve_actor(as_user)
        try:
            target = get_or_404(Organisation.objects.visible_to(actor), code=org)
        except Http404:
            raise CommandError(f"没有代码为 {org} 的组织，或不在您的权限范围内", returncode=2) from None
        started = time.monotonic()
        count = roster_export(user=actor, org=target, out=str(out))
        masked = "" if scope_of(actor).can("members.reveal_id") else "（身份证号和手机号已脱敏）"
        self.stdout.write(f"已导出{count}名会员到 {out}{masked}，用时{time.monotonic() - started:.1f}秒")
