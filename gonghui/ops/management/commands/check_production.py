"""gonghui check-production

Django's deployment checks (`check --deploy`) and ours (gonghui.ops.production) on the running
settings, with the database; exits 1 on any warning, naming each setting, 0 when all is clean.
"""

from django.core import checks
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "检查生产环境的配置：Django 的部署检查和本系统的检查（密钥、代理、Cookie、文件权限、加密算法、数据库角色）"

    requires_system_checks = []

    def handle(self, *args, **options):
        found = checks.run_checks(include_deployment_checks=True, databases=["default"])
        problems = [
            message for message in found if message.level >= checks.WARNING and not message.is_silenced()
        ]
        for message in problems:
            hint = f"\n    → {message.hint}" if message.hint else ""
            self.stdout.write(f"[{message.id}] {message.msg}{hint}")
        if problems:
            raise CommandError(f"生产环境配置有 {len(problems)} 个问题（见上）", returncode=1)
        self.stdout.write("生产环境配置检查通过：没有警告")
