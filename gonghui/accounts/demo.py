"""Demo sign-ins: federation staff of the zone, the admins of U0001 and U0002, a worker of U0001 and a
platform admin, all with the demo password."""

from gonghui.accounts.models import User
from gonghui.core.roles import Role
from gonghui.demo.world import DEMO_PASSWORD
from gonghui.members.models import Person
from gonghui.orgs.models import Organisation

SIGN_INS = [
    ("zone-admin", Role.FEDERATION_STAFF, "ZONE", "园区总工会工作人员"),
    ("union-admin", Role.UNION_ADMIN, "U0001", "U0001 工会管理员"),
    ("union-admin-2", Role.UNION_ADMIN, "U0002", "U0002 工会管理员"),
    ("worker", Role.WORKER, None, "U0001 会员"),
    ("platform-admin", Role.PLATFORM_ADMIN, None, "平台管理员"),
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
