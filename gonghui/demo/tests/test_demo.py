import subprocess
import sys
from base64 import b32decode
from datetime import date
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django_otp.plugins.otp_totp.models import TOTPDevice

from gonghui.accounts.models import User
from gonghui.core.roles import SECOND_FACTOR_ROLES
from gonghui.core.validators import birth_date_of, validate_mobile, validate_resident_id
from gonghui.demo.world import DEMO_PASSWORD
from gonghui.members.models import Membership, Person
from gonghui.orgs.models import Enterprise, Organisation


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        out = StringIO()
        call_command("demo", "--no-serve", stdout=out)
        yield out.getvalue()
        call_command("flush", interactive=False, verbosity=0)


@pytest.mark.django_db
def test_the_demo_reproduces_the_features_figures(demo):
    unions = Organisation.objects.grassroots()
    assert unions.filter(established_on__year__lte=2024).count() == 195
    assert unions.filter(established_on__year=2024).count() == 16
    assert Membership.objects.active_on(date(2024, 12, 31)).count() == 30_000
    assert Membership.objects.filter(started_on__year=2024, start_reason="joined").count() == 1_846
    assert Enterprise.objects.filter(union__isnull=True).count() == 60
    # history goes on through today: unions founded, members joining, leaving and moving since
    assert unions.filter(established_on__year=2025).count() == 14
    assert Membership.objects.filter(started_on__year=2025, start_reason="joined").count() == 1_650
    assert Membership.objects.filter(ended_on__year=2025, end_reason="left").count() == 380
    assert Membership.objects.filter(started_on__year=2025, start_reason="transferred_in").count() == 110


@pytest.mark.django_db
def test_the_demo_sign_ins_work_and_are_printed(demo, rf):
    for username in (
        "zone-admin",
        "union-admin",
        "union-admin-2",
        "worker",
        "platform-admin",
        "security-admin",
        "audit-admin",
    ):
        assert username in demo
        assert authenticate(rf.get("/"), username=username, password=DEMO_PASSWORD) is not None
    assert DEMO_PASSWORD in demo
    assert "TOTP secret: M5XW4Z3IOVUS2ZDFNVXS25DPORYC2MRQ" in demo.splitlines()


@pytest.mark.django_db
def test_every_demo_staff_account_has_the_shared_second_factor_and_workers_none(demo):
    staff = User.objects.filter(role__in=SECOND_FACTOR_ROLES)
    devices = TOTPDevice.objects.filter(confirmed=True)
    assert staff.count() >= 10 and devices.count() == staff.count()
    assert set(devices.values_list("key", flat=True)) == {b32decode("M5XW4Z3IOVUS2ZDFNVXS25DPORYC2MRQ").hex()}
    assert not devices.filter(user__role="worker").exists()


@pytest.mark.django_db
def test_demo_people_are_valid_and_their_numbers_decrypt(demo):
    for person in Person.objects.order_by("?")[:300]:
        number = person.reveal_id_number()
        assert validate_resident_id(number) == number
        assert person.id_masked == f"**************{number[-4:]}"
        assert validate_mobile(person.mobile) == person.mobile
    assert Person.objects.filter(memberships__union__code="U0001", name__startswith="单").exists()


@pytest.mark.django_db
def test_loading_twice_leaves_the_data_alone_and_lists_every_sign_in(demo):
    out = StringIO()
    call_command("demo", "--no-serve", stdout=out)
    assert "未重复载入" in out.getvalue()
    assert Organisation.objects.grassroots().filter(established_on__year__lte=2024).count() == 195
    for username in ("zone-admin", "zone-leader", "union-admin", "union-admin-2", "worker", "platform-admin"):
        assert username in out.getvalue()


def test_the_gonghui_command_accepts_hyphenated_names():
    result = subprocess.run(
        [sys.executable, "-m", "gonghui", "remove-stale-contenttypes", "--help"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "--include-stale-apps" in result.stdout


@pytest.mark.django_db
def test_demo_members_were_adults_when_they_joined(demo):
    from gonghui.members.rules import age_on

    joined = Membership.objects.filter(start_reason=Membership.StartReason.JOINED).select_related("person")
    for membership in joined.order_by("?")[:500]:
        born = birth_date_of(membership.person.reveal_id_number())
        assert 18 <= age_on(born, membership.started_on) <= 60


@pytest.mark.django_db
def test_the_demo_has_the_mutual_aid_of_the_feature(demo):
    from decimal import Decimal

    from django.db.models import Sum

    from gonghui.mutual_aid.models import Claim, LedgerEntry, Status
    from gonghui.reports.selectors import kpis_for

    figures = kpis_for(Organisation.objects.get(code="ZONE"), 2024)
    assert figures["mutual_aid_enrolments"]["value"] >= 12_000
    assert figures["mutual_aid_claims_paid"]["value"] > 0 and figures["mutual_aid_days_to_pay"]["value"] > 0
    assert LedgerEntry.objects.filter(
        amount=Decimal("30000.00"),
        plan__kind="critical_illness",
        paid_on__year=2024,
        claim__total_cost__gte=Decimal("100000"),
        union__code="U0001",
    ).exists()
    assert set(Claim.objects.filter(filed_on__year=2024).values_list("status", flat=True)) == set(
        Status.values
    )
    assert (
        Claim.objects.filter(filed_on__year=2023).exists()
        and Claim.objects.filter(filed_on__year=2025).exists()
    )
    paid = LedgerEntry.objects.filter(paid_on__year=2024).aggregate(total=Sum("amount"))["total"]
    assert Decimal(figures["mutual_aid_paid_amount"]["value"]) == paid
    for claim in Claim.objects.filter(status__in=["amount_set", "paid", "archived"]).select_related(
        "plan", "enrolment"
    ):
        assert claim.computation[-1] == f"核定给付：{claim.amount:,.2f}元"
        year_total = Claim.objects.filter(
            enrolment=claim.enrolment,
            event_on__year=claim.event_on.year,
            status__in=["amount_set", "paid", "archived"],
        ).aggregate(total=Sum("amount"))["total"]
        if claim.plan.year_limit is not None:
            assert year_total <= claim.plan.year_limit * claim.enrolment.shares
