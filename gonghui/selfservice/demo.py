"""The demo's member who has no sign-in yet: a member of U0001 with a fictional mobile number and an
activation code, printed each time `gonghui demo` starts while the member has not activated."""

import getpass

from django.db import transaction

from gonghui.core.scope import SystemActor
from gonghui.members.models import Membership, Person
from gonghui.selfservice import services

NEW_MEMBER_MOBILE = "13900001234"


def _new_member() -> Person | None:
    return Person.objects.filter(mobile=NEW_MEMBER_MOBILE, user__isnull=True).first()


def build(world) -> None:
    membership = (
        Membership.objects.active()
        .filter(union__code="U0001", person__user__isnull=True)
        .exclude(person=world.worker)
        .order_by("pk")
        .first()
    )
    Person.objects.filter(pk=membership.person_id).update(mobile=NEW_MEMBER_MOBILE)
    world.new_member = Person.objects.get(pk=membership.person_id)


def print_activation_code(stdout) -> None:
    person = _new_member()
    if person is None:
        return
    with transaction.atomic():
        _row, code = services.activation_code_issue(person=person, by=SystemActor(getpass.getuser()))
    stdout.write(
        f"未激活的演示会员 {person.name}（U0001）：打开 /me/activate/，手机号码 {NEW_MEMBER_MOBILE}，"
        f"激活码 {services.printed(code)}（7天内有效，每次启动演示都会换发新码）"
    )
