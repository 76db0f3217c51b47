"""gonghui restore FILE

Restores a backup made by `gonghui backup` into an empty database (new, not migrated) and an empty
MEDIA_ROOT, then checks every table's row count and checksum against the backup. It refuses a
non-empty database, a wrong key and a damaged or truncated file, changing nothing.
"""

import getpass
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from gonghui.core.audit import audit_record
from gonghui.core.scope import SystemActor
from gonghui.ops.backup import BackupError, restore


class Command(BaseCommand):
    help = "把 gonghui backup 的备份恢复到空数据库和空的上传文件目录，并逐表核对行数和校验和"

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE", help="备份文件")

    def handle(self, *args, file, **options):
        started = time.monotonic()
        try:
            summary = restore(file)
        except BackupError as error:
            raise CommandError(str(error), returncode=2) from None
        with transaction.atomic():
            audit_record(
                actor=SystemActor(getpass.getuser()),
                action="ops.restore",
                detail={"file": str(file), "tables": summary.tables, "rows": summary.rows},
            )
        self.stdout.write(
            f"已从 {file} 恢复：{summary.tables} 张表 {summary.rows} 行（行数和校验和逐表一致），"
            f"上传文件 {summary.media_files} 个（{summary.media_bytes} 字节），用时 {time.monotonic() - started:.1f} 秒"
        )
