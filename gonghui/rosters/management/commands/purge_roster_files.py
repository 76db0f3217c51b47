"""gonghui purge-roster-files [--days N]

Uploaded rosters and error reports hold personal data: they are deleted once older than N days
(default ROSTER_FILES_KEEP_DAYS, 30). Run it daily (cron or a systemd timer); `gonghui demo` runs it
on start. The jobs stay, with their summaries, as the record of each import.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from gonghui.rosters.management.commands._actor import resolve_actor
from gonghui.rosters.services import roster_files_purge


class Command(BaseCommand):
    help = "删除超过保留期限的名册上传文件和问题行报告（含个人信息，不长期保存）"

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=settings.ROSTER_FILES_KEEP_DAYS,
            help="保留最近多少天内上传的文件（默认 %(default)s，即 ROSTER_FILES_KEEP_DAYS）",
        )

    def handle(self, *args, days, **options):
        if days < 0:
            raise CommandError("--days 不能为负数", returncode=2)
        result = roster_files_purge(days=days, by=resolve_actor(None, command="purge-roster-files"))
        self.stdout.write(
            f"已删除 {result.jobs} 次名册导入的文件，共 {result.files} 个（保留最近 {days} 天内上传的）"
        )
