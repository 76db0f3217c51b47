"""Demo sign-ins: federation staff of the zone, the admins of U0001 and U0002, a worker of U0001 and
the three administrators (system, security, audit), all with the demo password. Every staff account
of the demo (these and the other apps') signs in with the one TOTP secret DEMO_TOTP_SECRET."""

from base64 import b32decode

from django_otp.plugins.otp_totp.models import TOTPDevice

from gonghui.accounts.models import User
from gonghui.core.roles import SECOND_FACTOR_ROLES, Role
from gonghui.demo.world import DEMO_PASSWORD
from gonghui.members.models import Person
from gonghui.orgs.models import Organisation

DEMO_TOTP_SECRET = "M5XW4Z3IOVUS2ZDFNVXS25DPORYC2MRQ"

SIGN_INS = [
    ("zone-admin", Role.FEDERATION_STAFF, "ZONE", "园区总工会工作人员"),
    ("union-admin", Role.UNION_ADMIN, "U0001", "U0001 工会管理员"),
    ("union-admin-2", Role.UNION_ADMIN, "U0002", "U0002 工会管理员"),
    ("worker", Role.WORKER, None, "U0001 会员"),
    ("platform-admin", Role.PLATFORM_ADMIN, None, "系统管理员（账号、组织、设置）"),
    ("security-admin", Role.SECURITY_ADMIN, None, "安全管理员（角色、动态验证码、解锁）"),
    ("audit-admin", Role.AUDIT_ADMIN, None, "审计管理员（查阅、导出审计日志）"),
]


def build_users(worker: Person) -> None:
    orgs = dict(Organisation.objects.filter(code__in=["ZONE", "U0001", "U0002"]).values_list("code", "pk"))
    users = []
    for username, role, org_code, description in SIGN_INS:
        user = User(
            username=username,
            role=role,
            organisation_id=orgs.get(org_code),
            first_name=description,
            person=worker if role == Role.WORKER else None,
            is_staff=role == Role.PLATFORM_ADMIN,
        )
        user.set_password(DEMO_PASSWORD)
        users.append(user)
    User.objects.bulk_create(users)


def build(world) -> None:
    build_users(world.worker)


def build_second_factors(world) -> None:
    """One confirmed TOTP device per staff account, all with the demo's shared secret."""
    key = b32decode(DEMO_TOTP_SECRET).hex()
    TOTPDevice.objects.bulk_create(
        TOTPDevice(user=user, name="demo", key=key, confirmed=True)
        for user in User.objects.filter(role__in=SECOND_FACTOR_ROLES)
    )
