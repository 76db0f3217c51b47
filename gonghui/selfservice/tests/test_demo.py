"""The demo step on a small world: a member of U0001 without a sign-in gets the demo's mobile
number, and each start prints a fresh activation code for them until they activate."""

import re
from io import StringIO

import pytest

from gonghui.core.registry import DemoWorld
from gonghui.members.tests.factories import make_member
from gonghui.orgs.tests.factories import OrganisationFactory
from gonghui.selfservice import demo, services
from gonghui.selfservice.models import ActivationCode

pytestmark = pytest.mark.django_db


def test_the_demo_prints_a_code_that_activates_the_new_member(zone):
    union = OrganisationFactory(code="U0001", parent=zone)
    worker = make_member(union).person
    newcomer = make_member(union, name="周新会").person
    demo.build(DemoWorld(seed=1, year=2024, values={"worker": worker}))
    newcomer.refresh_from_db()
    assert newcomer.mobile == demo.NEW_MEMBER_MOBILE

    out = StringIO()
    demo.print_activation_code(out)
    demo.print_activation_code(out)  # a second start: a new code, the first one replaced
    codes = re.findall(r"激活码 ([A-Z0-9]{5}-[A-Z0-9]{5})", out.getvalue())
    assert len(codes) == 2 and "/me/activate/" in out.getvalue()
    assert ActivationCode.objects.filter(person=newcomer, replaced_at__isnull=True).count() == 1
    user = services.activation_redeem(
        mobile=demo.NEW_MEMBER_MOBILE, code=codes[-1], password="Demo-Neuling-2026", ip="127.0.0.1"
    )
    assert user.person == newcomer
    quiet = StringIO()
    demo.print_activation_code(quiet)
    assert quiet.getvalue() == ""
