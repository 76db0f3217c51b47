"""gonghui grant-admin USERNAME --role platform_admin|security_admin|audit_admin

Makes a user one of the three administrators (三权分立). On the server only: no page grants an
administrator's role. Audited as the operating-system user who ran it.
"""

import getpass

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from gonghui.accounts.models import User
from gonghui.accounts.services import administrator_grant
from gonghui.core.roles import ADMINISTRATOR_ROLES
from gonghui.core.scope import SystemActor


class Command(BaseCommand):
    help = "授予系统管理员、安全管理员或审计管理员角色（仅在服务器上执行）"

    def add_arguments(self, parser):
        parser.add_argument("username", metavar="USERNAME", help="账号")
        parser.add_argument("--role", required=True, choices=[str(role) for role in ADMINISTRATOR_ROLES])

    def handle(self, *args, username, role, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"没有账号 {username}", returncode=2)
        try:
            administrator_grant(user=user, role=role, by=SystemActor(getpass.getuser()))
        except ValidationError as error:
            raise CommandError(" ".join(error.messages), returncode=2) from None
        self.stdout.write(f"已授予账号 {username} 角色 {user.get_role_display()}，其原有登录已全部退出")
