"""gonghui import-members FILE --union CODE [--dry-run] [--error-report OUT.xlsx] [--json] [--as USERNAME]

Exit status 0 when the file was processed (row problems are reported, not fatal); 2 when the file
cannot be read, the union is unknown or outside the actor's scope, or the database refused the
write (nothing was written).
"""

import json
import sys
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connection
from django.http import Http404

from gonghui.core.scope import get_or_404
from gonghui.orgs.models import Organisation
from gonghui.rosters.excel import RosterFileError
from gonghui.rosters.management.commands._actor import add_actor_argument, resolve_actor
from gonghui.rosters.services import ImportAborted, error_report_write, roster_import


class Command(BaseCommand):
    help = "从Excel名册（.xlsx/.xls/.ods）导入会员到一个基层工会"

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--union", required=True, metavar="CODE", help="基层工会的组织代码")
        parser.add_argument("--dry-run", action="store_true", help="只检查，不写入")
        parser.add_argument("--error-report", type=Path, metavar="OUT.xlsx", help="把问题行及原因写入该文件")
        parser.add_argument("--json", action="store_true", help="输出一个JSON对象")
        add_actor_argument(parser)

    def handle(self, *args, file, union, dry_run, error_report, as_user, **options):
        as_json = options["json"]
        actor = resolve_actor(as_user, command="import-members")
        try:
            target = get_or_404(Organisation.objects.writable_by(actor).grassroots(), code=union)
        except Http404:
            raise CommandError(f"没有代码为 {union} 的基层工会，或不在您的管理范围内", returncode=2) from None
        progress = self._progress if sys.stderr.isatty() and not as_json else None
        started = time.monotonic()
        try:
            result = roster_import(
                path=file,
                union=target,
                by=actor,
                dry_run=dry_run,
                source=file.name,
                progress=progress,
                on_write=self._writing if progress else None,
            )
        except (RosterFileError, ImportAborted) as e:
            raise CommandError(f"{file}：{e}", returncode=2) from None
        except (DatabaseError, connection.Database.Error) as e:  # COPY runs on the driver's own cursor
            raise CommandError(
                f"{file}：数据库连接中断或出错，导入没有完成，数据库未改变，请稍后重新导入（{e}）",
                returncode=3,
            ) from None
        finally:
            if progress:
                sys.stderr.write("\n")
        if error_report is not None:
            error_report_write(path=file, problems=result.problems, out=str(error_report))
        summary = result.summary()
        if as_json:
            self.stdout.write(json.dumps(summary, ensure_ascii=False))
            return
        seconds = time.monotonic() - started
        verb = "检查" if dry_run else "导入"
        self.stdout.write(
            f"{verb}完成：共{summary['rows']}行，新增{summary['created']}人，未变{summary['unchanged']}人，"
            f"冲突{summary['conflicts']}行，错误{summary['errors']}行（{seconds:.1f}秒）"
        )
        if dry_run:
            self.stdout.write("这是试运行，未写入任何数据。")
        for problem in result.problems[:50]:
            self.stdout.write(f"  {problem}")
        if len(result.problems) > 50:
            more = len(result.problems) - 50
            hint = "见 --error-report 文件" if error_report else "用 --error-report OUT.xlsx 导出全部"
            self.stdout.write(f"  ……另有{more}条问题，{hint}")

    def _progress(self, done: int, total: int) -> None:
        width = 30
        filled = width * done // total if total else width
        sys.stderr.write(f"\r处理 [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
        sys.stderr.flush()

    def _writing(self) -> None:
        sys.stderr.write("\n正在写入数据库……")
        sys.stderr.flush()
