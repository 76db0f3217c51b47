import os
import subprocess
import sys


def run_settings(code: str, **env) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in ("SECRET_KEY", "GONGHUI_FIELD_KEY", "DJANGO_SETTINGS_MODULE")
    }
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
        "pass", GONGHUI_ENV="production", SECRET_KEY="k" * 50, GONGHUI_VAR_DIR=str(tmp_path)
    )
    assert "GONGHUI_FIELD_KEY must be set in production" in result.stderr
    assert not list(tmp_path.iterdir())


def test_production_cookies_are_secure_and_hsts_is_on(tmp_path):
    result = run_settings(
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS, s.DEBUG, s.SECURE_SSL_REDIRECT)",
        GONGHUI_ENV="production",
        SECRET_KEY="k" * 50,
        GONGHUI_FIELD_KEY="f" * 50,
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
