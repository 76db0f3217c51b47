"""Bulk personal data: many full ID numbers at once need a fresh second factor and are limited per
day; the command line masks unless asked and records who ran it."""

import getpass
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from python_calamine import CalamineWorkbook

from gonghui.accounts.second_factor import VERIFIED_AT
from gonghui.core.models import AuditLog
from gonghui.members.tests.factories import make_member

pytestmark = pytest.mark.django_db
KEY = "3132333435363738393031323334353637383930"
STEP_UP = reverse("accounts:step_up")


@pytest.fixture
def bulk(settings, union_a, enterprise_a):
    """Three members: more than the (lowered) threshold of two."""
    settings.BULK_ID_NUMBERS = 2
    settings.BULK_ID_RELEASES_PER_DAY = 2
    return [make_member(union_a, name=name, enterprise=enterprise_a) for name in ("赵一", "钱二", "孙三")]


def export_url(union):
    return f"{reverse('rosters:export')}?org={union.code}"


def age_second_factor(client, minutes):
    session = client.session
    session[VERIFIED_AT] = (timezone.now() - timedelta(minutes=minutes)).isoformat()
    session.save()


def test_a_bulk_export_of_full_numbers_needs_a_fresh_second_factor(client, admin_a, union_a, bulk):
    TOTPDevice.objects.create(user=admin_a, name="phone", key=KEY, confirmed=True)
    client.force_login(admin_a)
    age_second_factor(client, 6)
    response = client.get(export_url(union_a))
    assert response.status_code == 302 and response["Location"].startswith(STEP_UP)
    assert not AuditLog.objects.filter(action="roster.export").exists()
    token = TOTP(bytes.fromhex(KEY)).token()
    wrong = client.post(STEP_UP, {"code": f"{(token + 1) % 1_000_000:06d}"})
    assert wrong.context["form"].errors["code"] == ["动态验证码不正确或已过期，请核对手机时间后重新输入。"]
    done = client.post(STEP_UP, {"code": f"{token:06d}", "next": export_url(union_a)})
    assert done["Location"] == export_url(union_a)
    response = client.get(export_url(union_a))
    assert response.status_code == 200
    assert AuditLog.objects.get(action="roster.export").detail["full_ids"] == 3


def test_a_small_export_needs_no_step_up(client, admin_a, union_a, member_a, settings):
    settings.BULK_ID_NUMBERS = 2
    client.force_login(admin_a)
    age_second_factor(client, 60)
    assert client.get(export_url(union_a)).status_code == 200


def test_bulk_exports_are_limited_per_user_per_day(client, admin_a, admin_b, union_a, bulk, monkeypatch):
    client.force_login(admin_a)
    for _ in range(2):
        assert client.get(export_url(union_a)).status_code == 200
    refused = client.get(export_url(union_a))
    assert refused.status_code == 429
    assert "您今天导出大量完整公民身份号码已达2次上限" in refused.content.decode()
    assert AuditLog.objects.filter(action="roster.export").count() == 2
    client.force_login(admin_b)  # another user's count is their own
    assert client.get(export_url(union_a)).status_code == 404
    client.force_login(admin_a)
    tomorrow = timezone.localdate() + timedelta(days=1)
    monkeypatch.setattr("gonghui.accounts.bulk.timezone.localdate", lambda: tomorrow)
    assert client.get(export_url(union_a)).status_code == 200


def read_ids(path) -> list[str]:
    return [row[1] for row in CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()[1:]]


def test_the_command_masks_unless_asked_to_reveal(tmp_path, union_a, member_a):
    out = tmp_path / "r.xlsx"
    stdout = StringIO()
    call_command("export_members", "--org", "UA", "--out", str(out), stdout=stdout)
    assert read_ids(out) == [member_a.person.id_masked] and "已脱敏" in stdout.getvalue()
    call_command("export_members", "--org", "UA", "--out", str(out), "--reveal", stdout=StringIO())
    assert read_ids(out) == [member_a.person.reveal_id_number()]


def test_acting_as_a_user_records_the_command_line_and_the_os_account(tmp_path, admin_a, union_a, member_a):
    out = tmp_path / "r.xlsx"
    call_command("export_members", "--org", "UA", "--out", str(out), "--as", "admin-a", stdout=StringIO())
    run_as = AuditLog.objects.get(action="cli.run_as")
    assert run_as.actor == admin_a
    assert run_as.detail == {"via": "cli", "command": "export-members", "os_user": getpass.getuser()}
    assert AuditLog.objects.get(action="roster.export").detail["masked"] is True
