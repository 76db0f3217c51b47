"""gonghui roster-template OUT.xlsx [--union CODE]: the roster template, with a union's enterprises listed."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.http import Http404

from gonghui.core.scope import get_or_404
from gonghui.orgs.selectors import managed_unions
from gonghui.rosters.management.commands._actor import add_actor_argument, resolve_actor
from gonghui.rosters.services import roster_template_write


class Command(BaseCommand):
    help = "生成会员名册导入模板（.xlsx）"

    def add_arguments(self, parser):
        parser.add_argument("out", type=Path)
        parser.add_argument("--union", metavar="CODE", help="在模板中列出该工会覆盖的企业")
        add_actor_argument(parser)

    def handle(self, *args, out, union, as_user, **options):
        target = None
        if union:
            try:
                target = get_or_404(
                    managed_unions(resolve_actor(as_user, command="roster-template")), code=union
                )
            except Http404:
                raise CommandError(
                    f"没有代码为 {union} 的基层工会，或不在您的管理范围内", returncode=2
                ) from None
        with out.open("wb") as f:
            roster_template_write(out=f, union=target)
        self.stdout.write(f"已生成模板：{out}")
