"""gonghui audit-verify [--export FILE --public-key KEY]

Walks the audit log's hash chain from its anchor and names the first row deleted, edited or inserted
out of place; exits 1 when the chain is broken. With --export, checks an export written by
`gonghui audit-export` against its public key instead (no database needed: for the off-host copy).
"""

import sys

from django.core.management.base import BaseCommand, CommandError

from gonghui.core import audit


class Command(BaseCommand):
    help = "校验审计日志的哈希链，指出第一条被删除、改动或插入的记录"

    def add_arguments(self, parser):
        parser.add_argument(
            "--export", metavar="FILE", help="改为校验 audit-export 导出的文件（- 为标准输入）"
        )
        parser.add_argument("--public-key", help="导出文件的公钥（audit-export --public-key 打印）")

    def handle(self, *args, export, public_key, **options):
        if export:
            self.check_export(export, public_key)
            return
        checked, broken = audit.verify(using=audit.owner_alias())
        if broken:
            raise CommandError(f"审计日志链已断：{broken.message}（此前 {checked} 条完好）", returncode=1)
        self.stdout.write(f"审计日志完好：链上 {checked} 条记录，逐条校验一致")

    def check_export(self, path: str, public_key: str | None) -> None:
        if not public_key:
            raise CommandError(
                "--export 需要 --public-key：导出时 audit-export --public-key 打印的公钥", returncode=2
            )
        try:
            stream = sys.stdin if path == "-" else open(path, encoding="utf-8")  # noqa: SIM115
        except OSError as error:
            raise CommandError(f"打不开导出文件 {path}：{error.strerror}", returncode=2) from None
        with stream:
            checked, problem = audit.check_export(stream, public_key)
        if problem:
            raise CommandError(f"导出文件 {path} 校验失败：{problem}（此前 {checked} 行完好）", returncode=1)
        self.stdout.write(f"导出文件 {path} 完好：{checked} 行，签名和前后衔接一致")
