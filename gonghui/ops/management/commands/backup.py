"""gonghui backup FILE

An encrypted backup of the database and of the uploaded files (MEDIA_ROOT), taken while the site
runs; the key is settings.BACKUP_KEY (GONGHUI_BACKUP_KEY), kept apart from the database. Audited.
"""

import getpass
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from gonghui.core.audit import audit_record
from gonghui.core.scope import SystemActor
from gonghui.ops.backup import BackupError, backup


class Command(BaseCommand):
    help = "备份数据库和上传文件（MEDIA_ROOT）到一个加密文件（密钥 GONGHUI_BACKUP_KEY）"

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE", help="备份文件（已有的会在备份完成后被替换）")

    def handle(self, *args, file, **options):
        started = time.monotonic()
        try:
            summary = backup(file)
        except BackupError as error:
            raise CommandError(str(error), returncode=2) from None
        with transaction.atomic():
            audit_record(
                actor=SystemActor(getpass.getuser()),
                action="ops.backup",
                detail={"file": str(file), "tables": summary.tables, "rows": summary.rows},
            )
        self.stdout.write(
            f"已备份到 {file}：{summary.tables} 张表 {summary.rows} 行，上传文件 {summary.media_files} 个"
            f"（{summary.media_bytes} 字节），备份文件 {summary.size} 字节，用时 {time.monotonic() - started:.1f} 秒"
        )
