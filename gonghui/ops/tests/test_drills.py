"""Fault drills on real processes: PostgreSQL restarted under requests and an import; the disk full
during an upload. (The task worker killed mid-import is gonghui/rosters/tests/test_tasks.py.)

The restart drill runs its own throwaway PostgreSQL cluster (initdb into a temporary folder as the
postgres user, on port 5499), never the shared one, and serves the site with gunicorn as production
does; it runs the same whichever database the suite itself is on. The disk drill mounts a small
tmpfs. Both need root; without it they are skipped on a developer's machine and fail CI.
"""

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from glob import glob
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.test import override_settings
from django.urls import reverse

from bench.servers import GUNICORN_CONF, wait_for_port
from gonghui.accounts.models import User
from gonghui.core.roles import Role
from gonghui.ops.tests.conftest import KEYS, Deployment
from gonghui.orgs.models import Organisation
from gonghui.orgs.tests.factories import EnterpriseFactory, OrganisationFactory
from gonghui.rosters.models import ImportJob
from gonghui.rosters.tests.files import roster_rows, write_xlsx

pytestmark = pytest.mark.drill
PORT = 5499
ROWS = 6000
# How long the client goes on asking once the import has failed: every worker's kept connection is
# met again and the site is seen answering after it.
RECOVERY_WINDOW = 8


def _need_root():
    if os.geteuid() != 0:
        if os.environ.get("CI"):
            pytest.fail("the drills need root (a PostgreSQL of their own, a tmpfs mount)")
        pytest.skip("the drills need root (a PostgreSQL of their own, a tmpfs mount)")


def _as_postgres(*command: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["runuser", "-u", "postgres", "--", *command], capture_output=True, text=True, timeout=120
    )


class Cluster:
    """A PostgreSQL cluster of the drill's own, started and stopped by it."""

    def __init__(self):
        binaries = sorted(glob("/usr/lib/postgresql/*/bin/initdb"))
        if not binaries:
            pytest.fail("initdb not found (apt-get install postgresql)")
        self.bin = Path(binaries[-1]).parent
        self.root = Path(tempfile.mkdtemp(prefix="gonghui-drill-pg-"))
        self.root.chmod(0o755)
        self.data = self.root / "data"
        shutil.chown(self.root, "postgres")
        done = _as_postgres(
            str(self.bin / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync"
        )
        assert done.returncode == 0, done.stderr

    def pg_ctl(self, *args: str) -> None:
        options = f"-p {PORT} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        done = _as_postgres(
            str(self.bin / "pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(self.root / "log"),
            "-o",
            options,
            "-w",
            *args,
        )
        assert done.returncode == 0, done.stdout + done.stderr

    def close(self) -> None:
        _as_postgres(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop")
        shutil.rmtree(self.root, ignore_errors=True)


@pytest.fixture
def cluster():
    _need_root()
    with socket.socket() as probe:
        if probe.connect_ex(("127.0.0.1", PORT)) == 0:
            pytest.fail(f"port {PORT} is taken: another drill is running")
    made = Cluster()
    try:
        made.pg_ctl("start")
        yield made
    finally:
        made.close()


SEED = """
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from gonghui.accounts.models import User
from gonghui.core.roles import Role
from gonghui.orgs.models import Organisation
from gonghui.orgs.models import Organisation
from gonghui.orgs.tests.factories import EnterpriseFactory, OrganisationFactory
city = OrganisationFactory(code="CITY", kind=Organisation.Kind.CITY_FEDERATION)
zone = OrganisationFactory(code="ZONE", kind=Organisation.Kind.ZONE_FEDERATION, parent=city)
union = OrganisationFactory(code="UA", name="甲公司工会", parent=zone)
EnterpriseFactory(name="甲锂电有限公司", union=union, federation=zone)
admin = User.objects.create(username="admin-a", role=Role.UNION_ADMIN, organisation=union)
session = SessionStore()
session.update({SESSION_KEY: str(admin.pk), BACKEND_SESSION_KEY: settings.AUTHENTICATION_BACKENDS[0],
                HASH_SESSION_KEY: admin.get_session_auth_hash()})
session.create()
print(session.session_key)
"""
IMPORT_PAUSED = """
import os, sys, time
from pathlib import Path
from gonghui.rosters import bulk
original = bulk.insert
calls = []
def insert(model, fields, rows, **options):
    original(model, fields, rows, **options)
    calls.append(model)
    if len(calls) == 2:  # people and memberships are in, inside the open transaction: the drill restarts
        print("WRITING", flush=True)
        while not Path(os.environ["DRILL_GO"]).exists():
            time.sleep(0.1)
bulk.insert = insert
from gonghui.__main__ import main
sys.argv = ["gonghui", *sys.argv[1:]]
main()
"""
COUNTS = """
from gonghui.members.models import Membership, Person
print(Person.objects.count(), Membership.objects.count())
"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _serve(site: Deployment, port: int, log: Path) -> subprocess.Popen:
    """The site as production serves it: gunicorn with deploy/gunicorn.conf.py (its workers and threads,
    each thread's database connection kept between requests for CONN_MAX_AGE, which is what a restart
    breaks and CONN_HEALTH_CHECKS repairs). Its log goes to a file: a pipe nobody reads fills with the
    outage's error records and blocks the worker writing the next one."""
    with log.open("wb") as out:
        server = subprocess.Popen(  # noqa: S603 (our own interpreter and code)
            [sys.executable, "-m", "gunicorn", "-c", str(GUNICORN_CONF), "gonghui.wsgi"],
            env={**site.env, "GUNICORN_BIND": f"127.0.0.1:{port}"},
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=GUNICORN_CONF.parent.parent,
        )
    wait_for_port(port, server, log)
    return server


def _workers(server: subprocess.Popen) -> set[int]:
    children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text()
    return {int(pid) for pid in children.split()}


class Poller(threading.Thread):
    """Requests the site's pages over and over, recording (started, ended: seconds since the poller's
    start; path; status)."""

    def __init__(self, base: str, session: str, token: str):
        super().__init__(daemon=True)
        self.base, self.session, self.token = base, session, token
        self.seen: list[tuple[float, float, str, object]] = []
        self.halt = threading.Event()
        self.started_at = time.monotonic()

    def fetch(self, path: str, headers: dict) -> object:
        request = urllib.request.Request(self.base + path, headers=headers)  # noqa: S310 (loopback)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (loopback)
                return response.status
        except urllib.error.HTTPError as error:
            return error.code
        except OSError as error:
            return type(error).__name__

    def run(self):
        pages = [
            ("/", {"Cookie": f"sessionid={self.session}"}),
            ("/api/v1/organisations/", {"Authorization": f"Bearer {self.token}"}),
        ]
        while not self.halt.is_set():
            for path, headers in pages:
                started = time.monotonic() - self.started_at
                status = self.fetch(path, headers)
                self.seen.append((started, time.monotonic() - self.started_at, path, status))
            time.sleep(0.05)


def test_drill_postgresql_restarted_under_requests_and_an_import(cluster, tmp_path):
    figures = {}
    site_path = tmp_path / "site"
    site_path.mkdir()
    site = Deployment(
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "gonghui.settings",
            "GONGHUI_VAR_DIR": str(site_path / "var"),
            "MEDIA_ROOT": str(site_path / "media"),
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:{PORT}/postgres",
            **KEYS,
        },
        path=site_path,
    )
    site.env.pop("TASKS_BACKEND", None)
    assert site.gonghui("migrate", "-v0").returncode == 0
    seeded = site.python(SEED)
    assert seeded.returncode == 0, seeded.stderr
    session = seeded.stdout.split()[-1]
    made = site.gonghui("api-token", "create", "--user", "admin-a", "--days", "1")
    assert made.returncode == 0, made.stderr
    token = made.stdout.split()[-1]
    roster = write_xlsx(tmp_path / "roster.xlsx", roster_rows(ROWS, ["甲锂电有限公司"], seed=51))

    port = _free_port()
    log = tmp_path / "gunicorn.log"
    server = _serve(site, port, log)
    poller = None
    try:
        poller = Poller(f"http://127.0.0.1:{port}", session, token)
        assert poller.fetch("/", {"Cookie": f"sessionid={session}"}) in (200, 302)  # warmed up
        workers = _workers(server)
        poller.start()
        time.sleep(2)
        go = tmp_path / "go"
        importing = subprocess.Popen(  # noqa: S603 (our own interpreter and code)
            [sys.executable, "-c", IMPORT_PAUSED, "import-members", str(roster), "--union", "UA", "--json"],
            env={**site.env, "DRILL_GO": str(go)},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert importing.stdout.readline().strip() == "WRITING", importing.stderr.read()
        down = time.monotonic() - poller.started_at
        cluster.pg_ctl("-m", "fast", "stop")
        time.sleep(3)
        cluster.pg_ctl("start")
        up = time.monotonic() - poller.started_at
        go.touch()
        _, import_error = importing.communicate(timeout=300)
        time.sleep(RECOVERY_WINDOW)
        poller.halt.set()
        poller.join(timeout=60)
        assert not poller.is_alive()
        # the app was never restarted, nor any of its workers (gunicorn replaces a stuck one)
        assert server.poll() is None and _workers(server) == workers, log.read_text()[-3000:]
    finally:
        if poller is not None:
            poller.halt.set()
        server.terminate()
        server.wait(timeout=60)

    assert importing.returncode != 0
    assert "Traceback" not in import_error and "数据库" in import_error, import_error
    assert site.python(COUNTS).stdout.split() == ["0", "0"]  # nothing of the broken import remains

    by_status: dict[str, int] = {}
    for _, _, path, status in poller.seen:
        key = f"{path} {status}"
        by_status[key] = by_status.get(key, 0) + 1
    figures["requests by path and status"] = by_status
    print(f"\nDRILL postgresql restart (requests): {json.dumps(by_status)}")
    assert all(status in (200, 302) for _, ended, _, status in poller.seen if ended < down)
    failed = [(started, status) for started, _, _, status in poller.seen if status not in (200, 302)]
    assert failed, "no request saw the database gone"
    # each failed cleanly: a 503, never a 500, a hang past the client's timeout or a dropped connection
    assert {status for _, status in failed} == {503}, failed
    # recovered without restarting the app: every request begun once the database was back succeeded
    # (each thread's kept connection fails its health check and is replaced), many of them
    after = [(started, ended, status) for started, ended, _, status in poller.seen if started >= up]
    assert len(after) >= 20 and all(status in (200, 302) for _, _, status in after), after
    answered = after[0][1]  # the first request begun after the restart

    # each failure is one line of the app server's log, not a traceback (gonghui.ops.logs)
    logged = log.read_text()
    assert "Traceback" not in logged and logged.count("database unavailable") == len(failed), logged[-3000:]

    started = time.monotonic()
    again = site.gonghui("import-members", str(roster), "--union", "UA", "--json")
    assert again.returncode == 0, again.stderr
    assert site.python(COUNTS).stdout.split() == [str(ROWS), str(ROWS)]
    figures.update(
        requests=len(poller.seen),
        status_503=len(failed),
        status_500=0,
        database_down_s=round(up - down, 1),
        first_failure_after_stop_s=round(failed[0][0] - down, 2),
        first_success_after_start_s=round(answered - up, 2),
        succeeded_after_start=len(after),
        log_bytes=len(logged.encode()),
        import_error=import_error.strip().splitlines()[-1],
        reimport_s=round(time.monotonic() - started, 1),
        reimport_rows=ROWS,
    )
    print(f"\nDRILL postgresql restart: {json.dumps(figures, ensure_ascii=False)}")


@pytest.fixture
def small_disk():
    """MEDIA_ROOT on a 4 MB tmpfs, filled but for about 1 MB."""
    _need_root()
    mount = Path(tempfile.mkdtemp(prefix="gonghui-drill-disk-"))
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=4m,mode=0700", "tmpfs", str(mount)], capture_output=True
    )
    if done.returncode != 0:
        pytest.fail(f"cannot mount a tmpfs: {done.stderr.decode()}")
    try:
        (mount / "filler").write_bytes(b"\0" * (3 * 1024 * 1024))
        with override_settings(MEDIA_ROOT=mount):
            yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=True)
        mount.rmdir()


def _files(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "size", [1536 * 1024, 3 * 1024 * 1024], ids=["in-memory upload", "temporary-file upload"]
)
def test_drill_disk_full_during_a_roster_upload(small_disk, client, size):
    city = OrganisationFactory(code="CITY", kind=Organisation.Kind.CITY_FEDERATION)
    zone = OrganisationFactory(code="ZONE", kind=Organisation.Kind.ZONE_FEDERATION, parent=city)
    union = OrganisationFactory(code="UA", parent=zone)
    EnterpriseFactory(union=union, federation=zone)
    admin = User.objects.create(username="admin-a", role=Role.UNION_ADMIN, organisation=union)
    client.force_login(admin)
    upload = ContentFile(b"PK\x03\x04" + os.urandom(size - 4), name="名册.xlsx")
    response = client.post(reverse("rosters:import"), {"union": union.pk, "file": upload})
    assert response.status_code == 200
    assert "服务器磁盘空间不足" in response.content.decode()
    assert ImportJob.objects.count() == 0
    assert _files(small_disk) == {"filler"}  # no partial file
    print(
        f"\nDRILL disk full ({size} bytes upload, {shutil.disk_usage(small_disk).free} bytes free): refused"
    )


@pytest.mark.django_db(transaction=True)
def test_drill_disk_full_midway_leaves_none_of_the_transactions_files(small_disk):
    with pytest.raises(ValidationError, match="磁盘空间不足"), transaction.atomic():
        default_storage.save("founding/1/first.pdf", ContentFile(b"%PDF-" + b"1" * 400_000))
        default_storage.save("founding/1/second.pdf", ContentFile(b"%PDF-" + b"2" * 900_000))
    assert _files(small_disk) == {"filler"}
    with transaction.atomic():
        kept = default_storage.save("founding/1/small.pdf", ContentFile(b"%PDF-1.4"))
    assert _files(small_disk) == {"filler", kept}
