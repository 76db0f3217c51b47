"""A scratch database for tests that run real processes (a kill -9 mid-import, the task worker).

Each gets its own migrated database of the same kind the suite runs on: a SQLite file, or a fresh
PostgreSQL database when DATABASE_URL points at PostgreSQL.
"""

import json
import os
import subprocess
import sys
import textwrap
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

SEED = """
from gonghui.orgs.models import Organisation
from gonghui.orgs.tests.factories import EnterpriseFactory, OrganisationFactory
from gonghui.accounts.models import User
from gonghui.core.roles import Role
city = OrganisationFactory(code="CITY", kind=Organisation.Kind.CITY_FEDERATION)
zone = OrganisationFactory(code="ZONE", kind=Organisation.Kind.ZONE_FEDERATION, parent=city)
union = OrganisationFactory(code="UA", name="甲公司工会", parent=zone)
EnterpriseFactory(name="甲锂电有限公司", union=union, federation=zone)
admin = User(username="admin-a", role=Role.UNION_ADMIN, organisation=union)
admin.set_password("Test-password-2025")
admin.save()
"""

PAUSE_WHILE_WRITING = """
import sys, time
from gonghui.rosters import bulk
original = bulk.insert
calls = []
def insert(model, fields, rows, **options):
    original(model, fields, rows, **options)
    calls.append(model)
    if len(calls) == 2:  # the people and their memberships are in, inside the open transaction
        print("WRITING", flush=True)
        time.sleep(120)
bulk.insert = insert
from gonghui.__main__ import main
sys.argv = ["gonghui", *sys.argv[1:]]
main()
"""


@dataclass
class Scratch:
    env: dict
    path: Path

    def python(self, code: str, **kwargs) -> subprocess.CompletedProcess:
        script = "import django; django.setup()\n" + textwrap.dedent(code)
        return subprocess.run(  # noqa: S603 (our own interpreter and code)
            [sys.executable, "-c", script],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
            **kwargs,
        )

    def gonghui(self, *args: str, **kwargs) -> subprocess.CompletedProcess:
        return subprocess.run(  # noqa: S603 (our own interpreter and code)
            [sys.executable, "-m", "gonghui", *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
            **kwargs,
        )

    def gonghui_paused_while_writing(self, *args: str) -> subprocess.Popen:
        """Starts `gonghui ARGS` and returns once its import is writing, inside the open transaction
        (the second batch of people is in): the moment to kill it."""
        process = subprocess.Popen(  # noqa: S603 (our own interpreter and code)
            [sys.executable, "-c", PAUSE_WHILE_WRITING, *args],
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        line = process.stdout.readline()
        if line.strip() != "WRITING":
            process.kill()
            raise AssertionError(process.stderr.read())
        return process

    def counts(self) -> dict:
        done = self.python(
            """
            import json
            from gonghui.members.models import Membership, Person
            from gonghui.core.models import AuditLog
            print(json.dumps({"people": Person.objects.count(), "memberships": Membership.objects.count(),
                              "audit": AuditLog.objects.filter(action__in=["membership.join", "roster.import"]).count()}))
            """
        )
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture
def scratch(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "gonghui.settings",
        "GONGHUI_VAR_DIR": str(tmp_path / "var"),
        "SECRET_KEY": "scratch-secret-key-0123456789-0123456789-0123456789",
        "GONGHUI_FIELD_KEY": "scratch-field-key-0123456789",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "PYTHONPATH": str(settings.BASE_DIR.parent),
    }
    env.pop("TASKS_BACKEND", None)
    pg_name = None
    if connection.vendor == "postgresql":
        import psycopg

        params = settings.DATABASES["default"]
        pg_name = f"gonghui_scratch_{uuid.uuid4().hex[:12]}"
        admin = psycopg.connect(
            host=params["HOST"], port=params["PORT"], user=params["USER"], dbname="postgres", autocommit=True
        )
        admin.execute(f'CREATE DATABASE "{pg_name}"')
        env["DATABASE_URL"] = f"postgres://{params['USER']}@{params['HOST']}:{params['PORT']}/{pg_name}"
    else:
        env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'scratch.sqlite3'}"
    db = Scratch(env=env, path=tmp_path)
    migrated = db.gonghui("migrate", "-v0")
    assert migrated.returncode == 0, migrated.stderr
    seeded = db.python(SEED)
    assert seeded.returncode == 0, seeded.stderr
    yield db
    if pg_name:
        admin.execute(f'DROP DATABASE "{pg_name}" WITH (FORCE)')
        admin.close()


@pytest.fixture(autouse=True)
def default_language():
    """A request in English leaves English active in this thread; each test starts in Chinese."""
    from django.utils import translation

    with translation.override(settings.LANGUAGE_CODE):
        yield
