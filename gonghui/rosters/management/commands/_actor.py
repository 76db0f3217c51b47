"""Who a roster command acts as: --as USERNAME, or the operator of the server (audited as the OS user).

Acting as a user is audited first (cli.run_as): the command, and the operating-system account that
ran it, so the user's rows that follow are known to have come from the command line."""

import getpass

from django.core.management.base import CommandError

from gonghui.accounts.models import User
from gonghui.core.audit import audit_record
from gonghui.core.scope import SystemActor


def add_actor_argument(parser) -> None:
    parser.add_argument(
        "--as",
        dest="as_user",
        metavar="USERNAME",
        help="以该账号的身份和权限范围执行（默认：系统操作员，审计日志记录操作系统用户名）",
    )


def resolve_actor(as_user: str | None, *, command: str):
    if not as_user:
        return SystemActor(getpass.getuser())
    try:
        user = User.objects.get(username=as_user, is_active=True)
    except User.DoesNotExist:
        raise CommandError(f"没有启用的账号 {as_user}", returncode=2) from None
    audit_record(
        actor=user,
        action="cli.run_as",
        obj=user,
        detail={"via": "cli", "command": command, "os_user": getpass.getuser()},
    )
    return user
