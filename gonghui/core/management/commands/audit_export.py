"""gonghui audit-export --since DATE [--output FILE] | --public-key

Writes the audit log's rows since DATE as JSON lines, each signed with Ed25519, for a copy kept off
the host. The key is derived from the audit key; --public-key prints the public half, with which
`gonghui audit-verify --export FILE --public-key KEY` checks the copy anywhere.
"""

import getpass
import sys
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from gonghui.core import audit
from gonghui.core.scope import SystemActor


class Command(BaseCommand):
    help = "导出审计日志（带签名的 JSON 行），供异地保存"

    def add_arguments(self, parser):
        parser.add_argument("--since", metavar="YYYY-MM-DD", help="导出此日期起的记录")
        parser.add_argument("--output", metavar="FILE", help="写入的文件（默认标准输出）")
        parser.add_argument("--public-key", action="store_true", help="只打印校验签名用的公钥")

    def handle(self, *args, since, output, public_key, **options):
        if public_key:
            self.stdout.write(audit.export_public_key())
            return
        if not since:
            raise CommandError("需要 --since YYYY-MM-DD（或 --public-key）", returncode=2)
        try:
            day = date.fromisoformat(since)
        except ValueError:
            raise CommandError(f"--since {since!r} 不是日期：应为 YYYY-MM-DD", returncode=2) from None
        if not output:
            sys.stdout.writelines(audit.export_lines(since=day, actor=SystemActor(getpass.getuser())))
            return
        try:
            with open(output, "x", encoding="utf-8") as stream:
                lines = 0
                for line in audit.export_lines(since=day, actor=SystemActor(getpass.getuser())):
                    stream.write(line)
                    lines += 1
        except OSError as error:
            raise CommandError(
                f"不能写入 {output}：{error.strerror}（不覆盖已有的文件）", returncode=2
            ) from None
        self.stdout.write(
            f"已导出 {lines} 条审计日志到 {output}；校验签名的公钥：{audit.export_public_key()}"
        )
