from gonghui.accounts.models import User
from gonghui.core.roles import Role
from gonghui.demo.world import DEMO_PASSWORD

STAFF = ("academy-staff", "工匠学院工作人员")


def build(world) -> None:
    staff = User(username=STAFF[0], role=Role.ACADEMY_STAFF, organisation=world.zone, first_name=STAFF[1])
    staff.set_password(DEMO_PASSWORD)
    staff.save()
