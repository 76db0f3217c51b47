"""gonghui api-token create --user NAME [--name TEXT] [--days N] | gonghui api-token revoke ID

Made on the server for a system that calls the API as NAME; the token is printed once, on the last
line, and only its hash is kept. Audited as the operating-system user who ran the command.
"""

import getpass

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from gonghui.accounts.models import User
from gonghui.api import services
from gonghui.api.models import ApiToken
from gonghui.core.scope import SystemActor


class Command(BaseCommand):
    help = "创建或吊销接口令牌"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="verb", required=True)
        create = sub.add_parser("create", help="为账号创建令牌（最后一行是令牌）")
        create.add_argument("--user", required=True, help="账号")
        create.add_argument("--name", default="命令行创建", help="用途")
        create.add_argument("--days", type=int, default=90, help="有效天数（1–365）")
        revoke = sub.add_parser("revoke", help="吊销令牌")
        revoke.add_argument("id", type=int, help="令牌编号")

    def handle(self, *args, verb, **options):
        actor = SystemActor(getpass.getuser())
        try:
            if verb == "create":
                user = User.objects.filter(username=options["user"]).first()
                if user is None:
                    raise CommandError(f"没有账号 {options['user']}", returncode=2)
                row, token = services.token_create(
                    user=user, name=options["name"], days=options["days"], by=actor
                )
                self.stdout.write(f"令牌编号 {row.pk}，账号 {user.username}，到期 {row.expires_at:%Y-%m-%d}")
                self.stdout.write(token)
            else:
                token = ApiToken.objects.filter(pk=options["id"]).first()
                if token is None:
                    raise CommandError(f"没有编号为 {options['id']} 的令牌", returncode=2)
                services.token_revoke(token=token, by=actor)
                self.stdout.write(f"已吊销令牌 {token.pk}（{token.user.username}）")
        except ValidationError as error:
            raise CommandError("；".join(m for ms in error.message_dict.values() for m in ms)) from error
