"""gonghui rotate-field-key [--batch-size N]

Re-encrypts every encrypted field the apps register under the current cipher (GONGHUI_CIPHER) and
key version (GONGHUI_FIELD_KEY_VERSION), batch by batch while the site runs. Safe to stop: run it
again and it carries on with the values not yet rotated; every value reads meanwhile. Keep the old
key in GONGHUI_FIELD_KEYS until a run reports nothing left to rotate.
"""

import getpass

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from gonghui.core import crypto
from gonghui.core.scope import SystemActor


class Command(BaseCommand):
    help = "用当前的算法和密钥版本分批重新加密所有加密字段（可中断，再次运行即续做）"

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500, help="每批的行数（默认 %(default)s）")

    def handle(self, *args, batch_size, **options):
        if batch_size < 1:
            raise CommandError("--batch-size 至少为 1", returncode=2)
        result = crypto.rotate(actor=SystemActor(getpass.getuser()), batch_size=batch_size)
        for label, rows in result.rows.items():
            self.stdout.write(f"{label}：重新加密 {rows} 行")
        self.stdout.write(
            f"完成：所有加密字段现为 {settings.FIELD_CIPHER} 算法、密钥版本 {settings.FIELD_KEY_VERSION}"
        )
