import os
import stat
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection

PRODUCTION = {
    "GONGHUI_ENV": "production",
    "SECRET_KEY": "production-secret-key-" + "0123456789" * 4,
    "GONGHUI_FIELD_KEY": "production-field-key-" + "abcdefghij" * 3,
    "ALLOWED_HOSTS": "gonghui.example.cn",
}

# Set by each test itself, never inherited; without DATABASE_URL the database is SQLite under
# GONGHUI_VAR_DIR whatever database the suite runs on.
OWN_VARIABLES = {
    "SECRET_KEY",
    "GONGHUI_FIELD_KEY",
    "DJANGO_SETTINGS_MODULE",
    "DATABASE_URL",
    "GONGHUI_ENV",
    "DEBUG",
    "ALLOWED_HOSTS",
    "BEHIND_PROXY",
}


def run_settings(code: str, **env) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in OWN_VARIABLES}
    return subprocess.run(
        [sys.executable, "-c", f"import gonghui.settings as s; {code}"],
        env={**clean, **env},
        capture_output=True,
        text=True,
    )


def test_production_refuses_to_start_without_its_secrets(tmp_path):
    result = run_settings("pass", GONGHUI_ENV="production", GONGHUI_VAR_DIR=str(tmp_path))
    assert result.returncode != 0 and "SECRET_KEY must be set in production" in result.stderr
    result = run_settings(
        "pass", GONGHUI_ENV="production", SECRET_KEY=PRODUCTION["SECRET_KEY"], GONGHUI_VAR_DIR=str(tmp_path)
    )
    assert "GONGHUI_FIELD_KEY must be set in production" in result.stderr
    assert not list(tmp_path.iterdir())


def test_production_cookies_are_secure_and_hsts_is_on(tmp_path):
    result = run_settings(
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS, s.DEBUG, s.SECURE_SSL_REDIRECT)",
        **PRODUCTION,
        GONGHUI_VAR_DIR=str(tmp_path),
    )
    assert result.stdout.split() == ["True", "True", "31536000", "False", "True"]


def test_demo_mode_generates_its_secrets_once(tmp_path):
    code = "print(s.SECRET_KEY == open(s.VAR_DIR / 'secret_key').read(), len(s.FIELD_ENCRYPTION_KEY) > 40)"
    first = run_settings(code, GONGHUI_VAR_DIR=str(tmp_path))
    assert first.stdout.split() == ["True", "True"]
    key = (tmp_path / "gonghui_field_key").read_text()
    run_settings("pass", GONGHUI_VAR_DIR=str(tmp_path))
    assert (tmp_path / "gonghui_field_key").read_text() == key
    assert oct((tmp_path / "gonghui_field_key").stat().st_mode)[-3:] == "600"


def test_behind_proxy_is_the_number_of_trusted_proxies(tmp_path):
    code = "print(s.TRUSTED_PROXIES, s.SECURE_PROXY_SSL_HEADER is not None)"
    for value, expected in [
        (None, "0 False"),
        ("0", "0 False"),
        ("true", "1 True"),
        ("1", "1 True"),
        ("2", "2 True"),
    ]:
        env = {"GONGHUI_VAR_DIR": str(tmp_path)} | ({"BEHIND_PROXY": value} if value is not None else {})
        assert run_settings(code, **env).stdout.split() == expected.split(), value


def test_behind_proxy_refuses_what_is_not_a_count(tmp_path):
    result = run_settings("pass", BEHIND_PROXY="two", GONGHUI_VAR_DIR=str(tmp_path))
    assert result.returncode != 0 and "BEHIND_PROXY must be the number of trusted proxies" in result.stderr


@pytest.mark.parametrize(
    ("setting", "value", "reason"),
    [
        (
            "GONGHUI_FIELD_KEY",
            "abcde",
            "GONGHUI_FIELD_KEY must be at least 32 characters in production (it has 5)",
        ),
        ("GONGHUI_FIELD_KEY", "ab" * 20, "GONGHUI_FIELD_KEY must have at least 5 different characters"),
        ("SECRET_KEY", "short-secret", "SECRET_KEY must be at least 50 characters in production (it has 12)"),
        ("DEBUG", "1", "DEBUG must be off in production"),
        ("ALLOWED_HOSTS", "*", "ALLOWED_HOSTS must name the site's hosts in production, not '*'"),
        ("ALLOWED_HOSTS", "gonghui.example.cn,*", "ALLOWED_HOSTS must name the site's hosts in production"),
        ("ALLOWED_HOSTS", "", "ALLOWED_HOSTS must be set in production"),
    ],
)
def test_production_refuses_to_start_with_a_weak_or_open_setting(tmp_path, setting, value, reason):
    result = run_settings("pass", **{**PRODUCTION, setting: value}, GONGHUI_VAR_DIR=str(tmp_path))
    assert result.returncode != 0 and "ImproperlyConfigured" in result.stderr
    assert reason in result.stderr


def test_a_demo_may_debug_and_answer_any_host(tmp_path):
    result = run_settings(
        "print(s.DEBUG, s.ALLOWED_HOSTS)", DEBUG="1", ALLOWED_HOSTS="*", GONGHUI_VAR_DIR=str(tmp_path)
    )
    assert result.stdout.split() == ["True", "['*']"]


def mode(path) -> str:
    return oct(stat.S_IMODE(Path(path).stat().st_mode))


def test_the_database_file_and_its_directory_are_the_apps_alone(tmp_path):
    code = """
import django, stat
django.setup()
from django.db import connection
with connection.cursor() as cursor:
    cursor.execute("CREATE TABLE t (x)")  # a write: the write-ahead log exists while connected
    print(*(oct(stat.S_IMODE(s.VAR_DIR.joinpath(f).stat().st_mode)) for f in ("", "gonghui.sqlite3", "gonghui.sqlite3-wal")))
"""
    result = run_settings(
        code, DJANGO_SETTINGS_MODULE="gonghui.settings", GONGHUI_VAR_DIR=str(tmp_path / "var")
    )
    assert result.stdout.split() == ["0o700", "0o600", "0o600"], result.stderr


def test_an_existing_database_file_open_to_others_is_closed(tmp_path):
    for name in ("gonghui.sqlite3", "gonghui.sqlite3-wal", "gonghui.sqlite3-shm"):
        (tmp_path / name).touch(mode=0o644)
        (tmp_path / name).chmod(0o644)
    assert run_settings("pass", GONGHUI_VAR_DIR=str(tmp_path)).returncode == 0
    assert [mode(p) for p in sorted(tmp_path.glob("gonghui.sqlite3*"))] == ["0o600"] * 3


@pytest.mark.skipif(connection.vendor != "sqlite", reason="a file only on SQLite")
@pytest.mark.django_db
def test_the_test_database_was_created_for_the_app_alone():
    assert mode(connection.settings_dict["NAME"]) == "0o600"


def test_an_uploaded_file_and_its_folders_are_the_apps_alone(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    name = default_storage.save("rosters/uploads/2025/03/名册.xlsx", ContentFile(b"roster"))
    assert mode(tmp_path / name) == "0o600"
    assert [mode(tmp_path / d) for d in ("rosters", "rosters/uploads/2025/03")] == ["0o700"] * 2


@pytest.mark.django_db
def test_an_exported_roster_is_the_apps_alone(tmp_path, admin_a, union_a, member_a):
    out = tmp_path / "名册.xlsx"
    call_command("export_members", "--org", "UA", "--out", str(out), "--as", "admin-a", stdout=StringIO())
    assert mode(out) == "0o600"
