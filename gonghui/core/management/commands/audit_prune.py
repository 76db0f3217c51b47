"""gonghui audit-prune --before DATE

Deletes the audit log's rows older than DATE, which must lie outside the retention period
(AUDIT_RETENTION_DAYS, at least 180 days, 网络安全法 art. 21). The chain is anchored at the last row
deleted, so `gonghui audit-verify` still checks what remains; the prune is itself recorded. On
PostgreSQL it connects as the owner role (DATABASE_OWNER_URL): the application's role may not delete.
"""

import getpass
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from gonghui.core import audit
from gonghui.core.scope import SystemActor


class Command(BaseCommand):
    help = "清理保留期（至少180天）之前的审计日志，清理本身记入审计日志"

    def add_arguments(self, parser):
        parser.add_argument("--before", required=True, metavar="YYYY-MM-DD", help="删除此日期之前的记录")

    def handle(self, *args, before, **options):
        try:
            day = date.fromisoformat(before)
        except ValueError:
            raise CommandError(f"--before {before!r} 不是日期：应为 YYYY-MM-DD", returncode=2) from None
        try:
            deleted = audit.prune(before=day, actor=SystemActor(getpass.getuser()), using=audit.owner_alias())
        except audit.PruneRefused as refused:
            raise CommandError(str(refused), returncode=2) from None
        self.stdout.write(
            f"已清理 {day.isoformat()} 之前的审计日志 {deleted} 条；链的起点已锚定，本次清理已记入日志"
        )
