"""Separated duties (三权分立): the system, security and audit administrators each hold one duty,
cannot take another's, cannot grant an administrator's role from the web, and every action of theirs
is in the audit log that the audit administrator reads."""

from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from gonghui.accounts.lockout import record_failure
from gonghui.accounts.models import LoginFailure, RecoveryCode, User
from gonghui.accounts.second_factor import SecondFactorRefused, second_factor_reset
from gonghui.accounts.services import account_unlock, role_set
from gonghui.core.models import AuditLog
from gonghui.core.roles import ADMINISTRATOR_ROLES, Role
from gonghui.core.scope import NotInScope, scope_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def security_admin(db):
    return User.objects.create(username="security", role=Role.SECURITY_ADMIN)


@pytest.fixture
def audit_admin(db):
    return User.objects.create(username="auditor", role=Role.AUDIT_ADMIN)


def test_each_administrator_holds_one_duty(platform_admin, security_admin, audit_admin):
    system, security, audit = scope_of(platform_admin), scope_of(security_admin), scope_of(audit_admin)
    assert system.everything and not system.can("audit.read") and not system.can("security.manage")
    assert security.can("security.manage") and not security.everything and not security.can("audit.read")
    assert audit.can("audit.read") and audit.can("audit.export") and not audit.everything
    assert not audit.can("security.manage")
    assert {audit.can(c) for c in audit.capabilities} == {True} and audit.capabilities == {
        "audit.read",
        "audit.export",
    }


@pytest.mark.parametrize("role", [r.value for r in ADMINISTRATOR_ROLES])
def test_the_security_administrator_grants_no_administrators_role(security_admin, worker, role):
    with pytest.raises(ValidationError, match="只能在服务器上授予"):
        role_set(user=worker, role=role, organisation=None, by=security_admin)
    worker.refresh_from_db()
    assert worker.role == Role.WORKER


def test_nobody_changes_their_own_role_or_an_administrators(security_admin, platform_admin):
    with pytest.raises(ValidationError, match="不能变更自己的账号"):
        role_set(user=security_admin, role=Role.LAWYER, organisation=None, by=security_admin)
    with pytest.raises(ValidationError, match="管理员的角色不能在网页上变更"):
        role_set(user=platform_admin, role=Role.WORKER, organisation=None, by=security_admin)


@pytest.mark.parametrize("actor", ["platform_admin", "audit_admin", "officer", "admin_a"])
def test_only_the_security_administrator_sets_roles_resets_and_unlocks(request, actor, worker):
    by = request.getfixturevalue(actor)
    with pytest.raises(NotInScope):
        role_set(user=worker, role=Role.LAWYER, organisation=None, by=by)
    with pytest.raises(NotInScope):
        second_factor_reset(user=worker, by=by)
    with pytest.raises(NotInScope):
        account_unlock(user=worker, by=by)
    assert not AuditLog.objects.filter(
        action__in=["security.role_set", "security.second_factor_reset", "auth.unlock"]
    )


def test_a_role_change_ends_the_users_sessions_and_is_audited(client, security_admin, worker, zone):
    client.force_login(worker)
    role_set(user=worker, role=Role.FEDERATION_STAFF, organisation=zone, by=security_admin)
    assert client.get(reverse("core:home"))["Location"].startswith(reverse("accounts:login"))
    entry = AuditLog.objects.get(action="security.role_set")
    assert entry.actor == security_admin
    assert entry.detail == {
        "before": {"role": "worker", "organisation": None},
        "after": {"role": "federation_staff", "organisation": "ZONE"},
    }


def test_an_organisation_role_needs_its_organisation(security_admin, worker):
    with pytest.raises(ValidationError) as error:
        role_set(user=worker, role=Role.UNION_ADMIN, organisation=None, by=security_admin)
    assert error.value.message_dict == {"organisation": ["该角色须指定所属组织。"]}


def test_a_second_factor_reset_makes_the_user_enrol_again_and_ends_their_sessions(
    client, security_admin, admin_a
):
    TOTPDevice.objects.create(user=admin_a, name="phone", confirmed=True)
    RecoveryCode.objects.create(user=admin_a, digest="x")
    client.force_login(admin_a)
    second_factor_reset(user=admin_a, by=security_admin)
    assert not TOTPDevice.objects.filter(user=admin_a).exists()
    assert not RecoveryCode.objects.filter(user=admin_a).exists()
    assert client.get(reverse("members:list"))["Location"].startswith(reverse("accounts:login"))
    assert AuditLog.objects.get(action="security.second_factor_reset").actor == security_admin
    with pytest.raises(SecondFactorRefused, match="不能重置自己的动态验证码"):
        second_factor_reset(user=security_admin, by=security_admin)


def test_the_security_administrator_unlocks_an_account_on_their_page(client, security_admin, admin_a):
    for _ in range(5):
        record_failure(username="admin-a", ip="10.0.0.1")
    client.force_login(security_admin)
    page = client.get(reverse("accounts:security_user", args=[admin_a.pk]))
    assert "解除登录锁定" in page.content.decode()
    client.post(reverse("accounts:security_unlock", args=[admin_a.pk]))
    assert not LoginFailure.objects.exists()
    assert AuditLog.objects.get(action="auth.unlock").detail == {"failures": 5}


def test_the_role_form_refuses_an_administrators_role_and_an_unknown_organisation(
    client, security_admin, worker
):
    client.force_login(security_admin)
    url = reverse("accounts:security_user", args=[worker.pk])
    form = client.post(url, {"role": "audit_admin"}).context["form"]
    assert form.errors["role"] == ["角色：管理员角色（系统、安全、审计）只能在服务器上授予。"]
    form = client.post(url, {"role": "union_admin", "organisation": "NOPE"}).context["form"]
    assert form.errors["organisation"] == ["所属组织代码：没有代码为NOPE的组织。"]
    form = client.post(url, {"role": "union_admin"}).context["form"]
    assert form.errors["organisation"] == ["该角色须指定所属组织。"]
    worker.refresh_from_db()
    assert worker.role == Role.WORKER


def test_the_audit_administrator_reads_every_administrators_actions_and_exports_them(
    client, platform_admin, security_admin, audit_admin, worker
):
    client.force_login(platform_admin)
    client.get("/admin/")
    role_set(user=worker, role=Role.LAWYER, organisation=None, by=security_admin)
    client.force_login(audit_admin)
    page = client.get(reverse("core:audit_log")).content.decode()
    assert "访问平台管理" in page and "变更角色" in page
    response = client.get(reverse("core:audit_export"))
    assert response.status_code == 200 and response["Content-Disposition"].endswith('audit-log.xlsx"')
    b"".join(response.streaming_content)
    assert AuditLog.objects.filter(action="audit.export", actor=audit_admin).exists()
    # the audit administrator reaches nothing else
    assert client.get(reverse("members:list")).status_code == 404
    assert client.get("/admin/").status_code == 302


def test_the_system_administrator_reads_no_audit_log(client, platform_admin):
    client.force_login(platform_admin)
    assert client.get(reverse("core:audit_log")).status_code == 404
    assert client.get(reverse("core:audit_export")).status_code == 404
    assert client.get(reverse("accounts:security_users")).status_code == 404


def test_administrators_are_granted_on_the_server_only(worker):
    out = StringIO()
    call_command("grant_admin", "worker-a", "--role", "security_admin", stdout=out)
    worker.refresh_from_db()
    assert worker.role == Role.SECURITY_ADMIN and "安全管理员" in out.getvalue()
    entry = AuditLog.objects.get(action="security.administrator_grant")
    assert entry.actor_username.startswith("system:") and entry.detail == {
        "before": "worker",
        "after": "security_admin",
    }
