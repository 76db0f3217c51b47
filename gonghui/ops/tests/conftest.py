"""Scratch deployments for the backup and production tests: a database of the suite's kind (an SQLite
file, or a new database on the suite's PostgreSQL server), a MEDIA_ROOT and a var/ of their own,
driven through `gonghui` in processes of their own."""

import json
import os
import subprocess
import sys
import textwrap
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

KEYS = {
    "SECRET_KEY": "ops-scratch-secret-key-0123456789-0123456789-0123456789",
    "GONGHUI_FIELD_KEY": "ops-scratch-field-key-0123456789",
    "GONGHUI_BACKUP_KEY": settings.BACKUP_KEY,
}


@dataclass
class Deployment:
    env: dict
    path: Path
    drop: list = field(default_factory=list)
    roles: list = field(default_factory=list)

    @property
    def media(self) -> Path:
        return Path(self.env["MEDIA_ROOT"])

    def gonghui(self, *args: str, timeout: int = 900, env: dict | None = None) -> subprocess.CompletedProcess:
        return subprocess.run(  # noqa: S603 (our own interpreter and code)
            [sys.executable, "-m", "gonghui", *args],
            env={**self.env, **(env or {})},
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    def python(self, code: str, timeout: int = 900) -> subprocess.CompletedProcess:
        script = "import django; django.setup()\n" + textwrap.dedent(code)
        return subprocess.run(  # noqa: S603 (our own interpreter and code)
            [sys.executable, "-c", script], env=self.env, capture_output=True, text=True, timeout=timeout
        )

    def popen(self, code: str) -> subprocess.Popen:
        script = "import django; django.setup()\n" + textwrap.dedent(code)
        return subprocess.Popen(  # noqa: S603 (our own interpreter and code)
            [sys.executable, "-c", script],
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def digests(self) -> dict:
        done = self.python(
            "import json\nfrom gonghui.ops.backup import database_digests\nprint(json.dumps(database_digests()))"
        )
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout.strip().splitlines()[-1])

    def media_files(self) -> dict[str, int]:
        if not self.media.is_dir():
            return {}
        return {
            p.relative_to(self.media).as_posix(): p.stat().st_size
            for p in self.media.rglob("*")
            if p.is_file()
        }


@pytest.fixture
def deployment(tmp_path):
    """A factory of empty deployments (nothing migrated) on the suite's kind of database."""
    made: list[Deployment] = []
    admin = None

    def make(name: str, **env) -> Deployment:
        nonlocal admin
        folder = tmp_path / name
        folder.mkdir()
        values = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "gonghui.settings",
            "GONGHUI_VAR_DIR": str(folder / "var"),
            "MEDIA_ROOT": str(folder / "media"),
            "PYTHONPATH": str(settings.BASE_DIR.parent),
            **KEYS,
        }
        values.pop("TASKS_BACKEND", None)
        deployment = Deployment(env=values, path=folder)
        if connection.vendor == "postgresql":
            import psycopg

            params = settings.DATABASES["default"]
            database = f"gh_secops_{name}_{uuid.uuid4().hex[:8]}"
            if admin is None:
                admin = psycopg.connect(
                    host=params["HOST"],
                    port=params["PORT"],
                    user=params["USER"],
                    dbname="postgres",
                    autocommit=True,
                )
            admin.execute(f'CREATE DATABASE "{database}"')
            deployment.drop.append(database)
            values["DATABASE_URL"] = (
                f"postgres://{params['USER']}@{params['HOST']}:{params['PORT']}/{database}"
            )
        else:
            values["DATABASE_URL"] = f"sqlite:///{folder / 'gonghui.sqlite3'}"
        values.update(env)
        made.append(deployment)
        return deployment

    yield make
    if admin is not None:
        for deployment in made:
            for database in deployment.drop:
                admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
            for role in deployment.roles:
                admin.execute(f'DROP ROLE IF EXISTS "{role}"')
        admin.close()
