"""Two app servers and one task worker on one PostgreSQL behind nginx on loopback (README,
"Deployment"), each server in a process of its own with a var/ of its own: whatever a request leaves
behind, the next one finds on the other server. nginx sends requests to the servers in turn; each
server's access log says which of them answered (a `probe` in the query marks the requests).

The layout is bench/servers.py's: deploy/gunicorn.conf.py, deploy/nginx.conf on TLS, GONGHUI_ENV=
production with BEHIND_PROXY=1. The client speaks from loopback addresses of its own (127.0.0.x), so
the address the lockout counts is the one nginx saw, not one the client wrote.
"""

import http.client
import os
import re
import secrets
import shutil
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.contrib.auth.hashers import Argon2PasswordHasher
from django.db import connection

from bench.servers import HOST, Layout
from gonghui.accounts.models import LoginFailure, User
from gonghui.core.roles import Role
from gonghui.members.models import Membership
from gonghui.rosters.excel import COLUMNS
from gonghui.rosters.models import ImportJob
from gonghui.rosters.services.jobs import INLINE_BYTES
from gonghui.rosters.tests.files import roster_rows, write_xlsx
from tests.e2e.conftest import authenticator_of, totp_code

PASSWORD = "Two-servers-2025"
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="app servers in processes of their own share one database server: PostgreSQL only",
    ),
    pytest.mark.skipif(
        NGINX is None and not os.environ.get("CI"),
        reason="nginx is not installed (apt-get install nginx-light); CI installs it",
    ),
    pytest.mark.django_db(transaction=True),
]


class Browser:
    """Cookies, CSRF and redirects by hand over one TLS connection, from a loopback address of its own."""

    def __init__(self, layout: Layout, address: str):
        self.layout, self.address, self.cookies = layout, address, {}
        self.conn = http.client.HTTPSConnection(
            HOST, layout.https_port, context=layout.ssl_context(), source_address=(address, 0), timeout=30
        )

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
        headers = {
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
            "Referer": f"{self.layout.origin}/",
            **(headers or {}),
        }
        self.conn.request(method, path, body=body, headers=headers)
        response = self.conn.getresponse()
        text = response.read().decode(errors="replace")
        for cookie in response.headers.get_all("Set-Cookie") or []:
            name, value = cookie.split(";", 1)[0].split("=", 1)
            self.cookies[name] = value
        return response.status, response.headers, text

    def csrf(self) -> str:
        """The CSRF cookie's secret, which Django takes as the token too: one page fetched for it, so
        that the requests that follow alternate between the servers as they are counted."""
        if "csrftoken" not in self.cookies:
            status, _headers, text = self.request("GET", "/accounts/login/")
            assert status == 200, text[-2000:]
        return self.cookies["csrftoken"]

    def sign_in(self, username: str, password: str, probe: str, headers: dict | None = None):
        form = {"csrfmiddlewaretoken": self.csrf(), "username": username, "password": password}
        return self.request(
            "POST",
            f"/accounts/login/?probe={probe}",
            body=urlencode(form).encode(),
            headers={"Content-Type": "application/x-www-form-urlencoded", **(headers or {})},
        )

    def second_factor(self, code: str, probe: str):
        form = {"csrfmiddlewaretoken": self.csrf(), "code": code}
        return self.request(
            "POST",
            f"/accounts/second-factor/?probe={probe}",
            body=urlencode(form).encode(),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )

    def upload(self, path: str, fields: dict, file: Path, probe: str):
        boundary = uuid.uuid4().hex
        parts = [
            f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
            for k, v in {"csrfmiddlewaretoken": self.csrf(), **fields}.items()
        ]
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{file.name}"\r\n'
            "Content-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet\r\n\r\n".encode()
            + file.read_bytes()
            + b"\r\n"
        )
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        headers = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
        return self.request("POST", f"{path}?probe={probe}", body=body, headers=headers)

    def post(self, path: str, probe: str):
        body = urlencode({"csrfmiddlewaretoken": self.csrf()}).encode()
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        return self.request("POST", f"{path}?probe={probe}", body=body, headers=headers)


def _user(username: str, role, **kwargs) -> User:
    """A user whose password the production servers read (Argon2; the tests' own hasher is MD5)."""
    hasher = Argon2PasswordHasher()
    return User.objects.create(
        username=username, role=role, password=hasher.encode(PASSWORD, hasher.salt()), **kwargs
    )


def _database_url() -> str:
    s = connection.settings_dict
    credentials = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{credentials}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def _wait_for(job_id: int, statuses: set, seconds: float = 90) -> ImportJob:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job = ImportJob.objects.get(pk=job_id)
        if job.status in statuses or job.status == ImportJob.Status.FAILED:
            return job
        time.sleep(0.2)
    raise AssertionError(f"job {job_id} still {job.status} after {seconds:.0f} s")


@pytest.fixture
def layout(tmp_path):
    keys = {"SECRET_KEY": secrets.token_urlsafe(50), "GONGHUI_FIELD_KEY": settings.FIELD_ENCRYPTION_KEY}
    with Layout(tmp_path, _database_url(), env=keys, servers=2, worker=True, workers=1, threads=2) as running:
        yield running


def test_two_app_servers_and_a_worker_behind_nginx_share_sign_ins_lockouts_and_uploads(
    layout, tmp_path, union_a, enterprise_a, member_a
):
    worker = _user("two-servers-worker", Role.WORKER, person=member_a.person)
    admin = _user("two-servers-admin", Role.UNION_ADMIN, organisation=union_a)

    # A sign-in made on whichever server nginx chose holds on both.
    browser = Browser(layout, "127.0.0.5")
    status, headers, text = browser.sign_in(worker.username, PASSWORD, probe="sign-in")
    assert status == 302 and headers["Location"] == "/", text[-2000:]
    for _ in range(4):
        status, _headers, text = browser.request("GET", "/members/me/?probe=signed-in")
        assert status == 200 and member_a.person.name in text
    assert all(served := layout.served("probe=signed-in", 4)), served

    # Failures through both servers count together, by the address nginx saw: the client's own
    # X-Forwarded-For is not believed.
    guesser = Browser(layout, "127.0.0.6")
    forged = {"X-Forwarded-For": "203.0.113.50"}
    for _ in range(5):
        status, _headers, text = guesser.sign_in(
            worker.username, "wrong-password", probe="guess", headers=forged
        )
        assert status == 200 and "errorlist" in text
    assert all(served := layout.served("probe=guess", 5)), served
    assert set(LoginFailure.objects.values_list("ip", flat=True)) == {"127.0.0.6"}
    for _ in range(2):  # refused on either server, the right password too
        status, _headers, text = guesser.sign_in(worker.username, PASSWORD, probe="locked", headers=forged)
        assert status == 200 and "失败次数过多" in text
    assert all(served := layout.served("probe=locked", 2)), served
    status, _headers, _text = Browser(layout, "127.0.0.7").sign_in(
        worker.username, PASSWORD, probe="elsewhere"
    )
    assert status == 302  # the lock is the pair's: the account still signs in from another address

    # A roster uploaded through one server is checked and imported by the worker (it is too big to
    # be done within the request) and its members are listed through the other.
    rows = roster_rows(4000, [enterprise_a.name], seed=14)
    roster = write_xlsx(tmp_path / "名册.xlsx", rows)
    assert roster.stat().st_size > INLINE_BYTES
    officer = Browser(layout, "127.0.0.8")
    authenticator = authenticator_of(admin)
    status, headers, text = officer.sign_in(admin.username, PASSWORD, probe="admin")
    assert status == 302, text[-2000:]
    status, headers, text = officer.second_factor(totp_code(authenticator), probe="second-factor")
    assert status == 302 and not headers["Location"].startswith("/accounts/"), text[-2000:]
    status, headers, text = officer.upload("/rosters/import/", {"union": union_a.pk}, roster, probe="upload")
    assert status == 302, text[-2000:]
    job_id = int(re.fullmatch(r"/rosters/jobs/(\d+)/", headers["Location"]).group(1))
    job = _wait_for(job_id, {ImportJob.Status.CHECKED})
    assert job.status == ImportJob.Status.CHECKED, job.message
    status, _headers, _text = officer.post(f"/rosters/jobs/{job_id}/confirm/", probe="confirm")
    assert status == 302
    job = _wait_for(job_id, {ImportJob.Status.DONE})
    assert job.status == ImportJob.Status.DONE, job.message
    assert Membership.objects.filter(union=union_a).count() == 4001
    keys = [c.key for c in COLUMNS]
    name, mobile = rows[0][keys.index("name")], rows[0][keys.index("mobile")]
    for _ in range(4):
        status, _headers, text = officer.request("GET", f"/members/?q={mobile}&probe=imported")
        assert status == 200 and name in text
    assert all(served := layout.served("probe=imported", 4)), served
    # Nor did any of them keep a file of its own: the roster went to the shared MEDIA_ROOT.
    assert [list(var.iterdir()) for var in sorted(tmp_path.glob("*-var"))] == [[], [], []]
    assert list((tmp_path / "media" / "rosters").rglob("*.xlsx"))
