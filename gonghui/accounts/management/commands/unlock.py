"""gonghui unlock USERNAME

Lifts an account's sign-in lock and slowing: its failures from every address are cleared. For the
platform admin on the server; audited as the operating-system user who ran it.
"""

import getpass

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from gonghui.accounts.lockout import unlock
from gonghui.accounts.models import User
from gonghui.core.audit import audit_record


class Command(BaseCommand):
    help = "解除账号的登录锁定和限速（清除该账号在所有地址的失败记录）"

    def add_arguments(self, parser):
        parser.add_argument("username", metavar="USERNAME", help="账号")

    def handle(self, *args, username, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"没有账号 {username}", returncode=2)
        with transaction.atomic():
            failures = unlock(username=username)
            audit_record(
                actor=None,
                username=f"system:{getpass.getuser()}",
                action="auth.unlock",
                obj=user,
                detail={"failures": failures},
            )
        self.stdout.write(f"已解除账号 {username} 的登录锁定和限速（清除{failures}次失败记录）")
