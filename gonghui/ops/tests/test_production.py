"""`gonghui check-production`: clean on the README's production settings, and each bad setting named."""

import os
import uuid
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from gonghui.accounts.models import User
from gonghui.core.models import AuditLog, CalendarYear

STRONG = {
    "SECRET_KEY": "q3V7n-Lr8xTz0bKwJmYf2Hs9aDgPcE4uR6iN1oZyXtBvQe5WkM_jU8hLd3FsGrA7pC",
    "FIELD_ENCRYPTION_KEY": "Fh29sLq0Vx7TnRb3KcMw8YpJz1Ud6GeA",
    "BACKUP_KEY": "Zr4Ny7Pq2Wc9Lm5Tx1Kb8Hd3Js6Vg0Fe",
    "AUDIT_HMAC_KEY": "Pk7Wd2Qx9Rm4Tz1Ls8Hv5Bn3Jc6Yf0Ga",
    "CARD_SIGNING_KEY": "Mt5Xe8Ka1Gq6Wr3Nz0Pd7Hj4Lc9Vs2Bf",
}


@pytest.fixture
def production(tmp_path, monkeypatch, db):
    """The README's production settings (GONGHUI_ENV=production, BEHIND_PROXY=1), on the test database
    with the application's role as it should be: it cannot change the audit log."""
    monkeypatch.setenv("BEHIND_PROXY", "1")
    monkeypatch.delenv("DJANGO_ALLOW_ASYNC_UNSAFE", raising=False)  # the browser journeys' (async.E001)
    media, var = tmp_path / "media", tmp_path / "var"
    for folder in (media, var):
        folder.mkdir(mode=0o700)
    (media / "founding").mkdir(mode=0o700)
    (media / "founding" / "survey.pdf").write_bytes(b"%PDF-1.4")
    (media / "founding" / "survey.pdf").chmod(0o600)
    operator = User.objects.create(username="operator")
    # next year's holidays entered, as an operator does before a new year (else gonghui.W001 warns)
    CalendarYear.objects.create(year=timezone.localdate().year + 1, confirmed_by=operator)
    _application_role()
    with override_settings(
        ENVIRONMENT="production",
        DEBUG=False,
        ALLOWED_HOSTS=["gonghui.zone.internal"],
        **STRONG,
        FIELD_ENCRYPTION_KEYS={1: STRONG["FIELD_ENCRYPTION_KEY"]},
        SESSION_COOKIE_SECURE=True,
        CSRF_COOKIE_SECURE=True,
        SECURE_HSTS_SECONDS=31536000,
        SECURE_HSTS_INCLUDE_SUBDOMAINS=True,
        SECURE_HSTS_PRELOAD=True,
        SECURE_SSL_REDIRECT=True,
        TRUSTED_PROXIES=1,
        SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"),
        MEDIA_ROOT=media,
        VAR_DIR=var,
    ):
        yield tmp_path


def _application_role() -> None:
    """The test database's role made what production's must be: on PostgreSQL a role that may read
    everything and only add to the audit log; on SQLite, triggers that refuse UPDATE and DELETE."""
    table = AuditLog._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            role = f"gh_secops_app_{uuid.uuid4().hex[:8]}"
            cursor.execute(f"CREATE ROLE {role}")
            cursor.execute(f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {role}")
            cursor.execute(f"GRANT INSERT ON {table} TO {role}")
            cursor.execute(f"SET ROLE {role}")  # undone with the test's transaction
        else:
            cursor.execute(
                f"CREATE TRIGGER IF NOT EXISTS {table}_no_delete BEFORE DELETE ON {table} "
                "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END"
            )


def check_production() -> tuple[int, str]:
    out = StringIO()
    try:
        call_command("check_production", stdout=out)
    except CommandError as error:
        return error.returncode, out.getvalue()
    return 0, out.getvalue()


def test_the_production_settings_are_clean(production):
    assert check_production() == (0, "生产环境配置检查通过：没有警告\n")


BAD_SETTINGS = [
    ({"DEBUG": True}, "DEBUG"),
    ({"ALLOWED_HOSTS": []}, "ALLOWED_HOSTS"),
    ({"ENVIRONMENT": "demo"}, "GONGHUI_ENV"),
    ({"SECRET_KEY": "Sk8-short-but-random-Vq2Lx0"}, "SECRET_KEY"),
    ({"SECRET_KEY": "django-insecure-" + STRONG["SECRET_KEY"]}, "SECRET_KEY"),
    ({"FIELD_ENCRYPTION_KEY": "ab" * 20}, "FIELD_ENCRYPTION_KEY"),
    ({"FIELD_ENCRYPTION_KEY": "test-field-key-not-for-production-0123456789"}, "FIELD_ENCRYPTION_KEY"),
    ({"FIELD_ENCRYPTION_KEYS": {1: STRONG["FIELD_ENCRYPTION_KEY"], 2: "short"}}, "FIELD_ENCRYPTION_KEYS[2]"),
    ({"AUDIT_HMAC_KEY": "demo-audit-key-Vq2Lx0Tz8Rb3Kc7Mw1Yp"}, "AUDIT_HMAC_KEY"),
    ({"BACKUP_KEY": ""}, "BACKUP_KEY"),
    ({"BACKUP_KEY": STRONG["FIELD_ENCRYPTION_KEY"]}, "FIELD_ENCRYPTION_KEY 与 BACKUP_KEY 是同一个值"),
    ({"TRUSTED_PROXIES": 2, "SECURE_PROXY_SSL_HEADER": None}, "BEHIND_PROXY=2"),
    ({"TRUSTED_PROXIES": 0}, "SECURE_PROXY_SSL_HEADER"),
    ({"SESSION_COOKIE_SECURE": False}, "SESSION_COOKIE_SECURE"),
    ({"CSRF_COOKIE_SECURE": False}, "CSRF_COOKIE_SECURE"),
    ({"SESSION_COOKIE_HTTPONLY": False}, "SESSION_COOKIE_HTTPONLY"),
    ({"SESSION_COOKIE_SAMESITE": None}, "SESSION_COOKIE_SAMESITE"),
    ({"CSRF_COOKIE_SAMESITE": None}, "CSRF_COOKIE_SAMESITE"),
    ({"CSRF_COOKIE_HTTPONLY": False}, "CSRF_COOKIE_HTTPONLY"),
    ({"SECURE_HSTS_SECONDS": 0}, "SECURE_HSTS_SECONDS"),
    ({"SECURE_HSTS_SECONDS": 3600}, "SECURE_HSTS_SECONDS"),
    ({"SECURE_SSL_REDIRECT": False}, "SECURE_SSL_REDIRECT"),
    ({"FIELD_CIPHER": "des"}, "FIELD_CIPHER"),
]


@pytest.mark.parametrize(("bad", "named"), BAD_SETTINGS, ids=[next(iter(bad)) for bad, _ in BAD_SETTINGS])
def test_each_bad_setting_is_named(production, bad, named):
    with override_settings(**bad):
        status, out = check_production()
    assert status == 1
    assert named in out


def test_the_proxy_count_must_be_stated(production, monkeypatch):
    monkeypatch.delenv("BEHIND_PROXY")
    status, out = check_production()
    assert status == 1 and "没有设置 BEHIND_PROXY" in out


@pytest.mark.parametrize("where", ["media/founding/survey.pdf", "media/founding", "var/secret_key"])
def test_files_open_to_others_are_named(production, where):
    path = Path(production) / where
    if not path.exists():
        path.write_text("Vq2Lx0Tz8Rb3Kc7Mw1YpVq2Lx0Tz8Rb3Kc7Mw1Yp")
    path.chmod(0o644 if path.is_file() else 0o755)
    status, out = check_production()
    assert status == 1 and str(path) in out


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite file")
def test_a_database_file_open_to_others_is_named(production):
    name = Path(connection.settings_dict["NAME"])
    mode = name.stat().st_mode
    name.chmod(0o644)
    try:
        status, out = check_production()
    finally:
        name.chmod(mode)
    assert status == 1 and "数据库文件" in out and str(name) in out


def test_a_role_that_can_change_the_audit_log_is_named(production):
    table = AuditLog._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT current_user")
            (role,) = cursor.fetchone()
            cursor.execute("RESET ROLE")
            cursor.execute(f"GRANT DELETE ON {table} TO {role}")
            cursor.execute(f"SET ROLE {role}")
            expected = "DELETE"
        else:
            cursor.execute(f"DROP TRIGGER {table}_no_delete")
            expected = "没有拒绝 DELETE 的触发器"
    status, out = check_production()
    assert status == 1 and table in out and expected in out


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's roles")
def test_a_superuser_is_named(production):
    with connection.cursor() as cursor:
        cursor.execute("RESET ROLE")
    status, out = check_production()
    assert status == 1 and "超级用户" in out


def test_the_deploy_checks_run_with_gonghui_check_deploy_too(production):
    with override_settings(BACKUP_KEY=""), pytest.raises(CommandError, match="BACKUP_KEY"):
        call_command("check", "--deploy", "--fail-level", "WARNING", stdout=StringIO(), stderr=StringIO())


def test_the_documented_environment_is_clean(deployment):
    """The README's production environment, in a process of its own, on a database migrated by its
    owner and used by an application role that can only add to the audit log."""
    env = {
        "GONGHUI_ENV": "production",
        "SECRET_KEY": STRONG["SECRET_KEY"],
        "GONGHUI_FIELD_KEY": STRONG["FIELD_ENCRYPTION_KEY"],
        "GONGHUI_BACKUP_KEY": STRONG["BACKUP_KEY"],
        "GONGHUI_AUDIT_KEY": STRONG["AUDIT_HMAC_KEY"],
        "GONGHUI_CARD_KEY": STRONG["CARD_SIGNING_KEY"],
        "ALLOWED_HOSTS": "gonghui.zone.internal",
        "CSRF_TRUSTED_ORIGINS": "https://gonghui.zone.internal",
        "BEHIND_PROXY": "1",
        "GONGHUI_CIPHER": "aes",
    }
    site = deployment("production", **env)
    site.env.pop("DEBUG", None)
    site.env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    migrated = site.gonghui("migrate", "-v0")
    assert migrated.returncode == 0, migrated.stderr
    prepared = site.python(PREPARE)
    assert prepared.returncode == 0, prepared.stderr
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        role = prepared.stdout.split()[-1]
        site.roles.append(role)
        site.env["DATABASE_URL"] = site.env["DATABASE_URL"].replace("postgres@", f"{role}@")
    checked = site.gonghui("check-production")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "没有警告" in checked.stdout


PREPARE = """
import uuid
from django.db import connection
from django.utils import timezone
from gonghui.accounts.models import User
from gonghui.core.models import AuditLog, CalendarYear
CalendarYear.objects.create(year=timezone.localdate().year + 1, confirmed_by=User.objects.create(username="operator"))
table = AuditLog._meta.db_table
with connection.cursor() as cursor:
    if connection.vendor == "postgresql":
        role = f"gh_secops_app_{uuid.uuid4().hex[:8]}"
        cursor.execute(f"CREATE ROLE {role} LOGIN")
        cursor.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}")
        cursor.execute(f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO {role}")
        cursor.execute(f"REVOKE UPDATE, DELETE ON {table} FROM {role}")
        print(role)
    else:
        cursor.execute(f"CREATE TRIGGER IF NOT EXISTS {table}_no_delete BEFORE DELETE ON {table} "
                       "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END")
"""
