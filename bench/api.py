"""The API's list endpoints under load: requests a second and latency percentiles at a number of
concurrent clients on loopback, on the demo world, SQLite and PostgreSQL in one run.

    python -m bench.api [--databases sqlite,postgres] [--requests 400] [--clients 10] [--workers N]

Each database is made afresh and loaded with `gonghui demo --no-serve`; a token of the zone's
federation staff (`zone-admin`) calls each endpoint from --clients threads, each on a kept-alive
connection, against gunicorn with deploy/gunicorn.conf.py (its worker count unless --workers says
otherwise) in a process of its own. The member list page
(HTML, signed in by session) runs beside the API in the same run, so the API's cost shows as a ratio
to a page's. The token's rate limit is lifted for the run.
"""

import argparse
import http.client
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode

from bench.servers import GUNICORN_CONF

ENDPOINTS = [
    ("organisations", "/api/v1/organisations/"),
    ("enterprises", "/api/v1/enterprises/"),
    ("people", "/api/v1/people/"),
    ("memberships", "/api/v1/memberships/"),
    ("memberships ?q=zs", "/api/v1/memberships/?q=zs"),
    ("roster import jobs", "/api/v1/rosters/jobs/"),
    ("academy courses", "/api/v1/academy/courses/"),
    ("academy classes", "/api/v1/academy/classes/"),
    ("academy enrolments", "/api/v1/academy/enrolments/"),
    ("contests", "/api/v1/contests/"),
    ("contest events", "/api/v1/contests/events/"),
    ("contest registrations", "/api/v1/contests/registrations/"),
    ("contest scores", "/api/v1/contests/scores/"),
    ("honours nominations", "/api/v1/honours/nominations/"),
    ("mutual-aid plans", "/api/v1/mutual-aid/plans/"),
    ("mutual-aid enrolments", "/api/v1/mutual-aid/enrolments/"),
    ("mutual-aid claims", "/api/v1/mutual-aid/claims/"),
    ("mutual-aid claims ?status=amount_set", "/api/v1/mutual-aid/claims/?status=amount_set"),
    ("legal consultations", "/api/v1/legal/consultations/"),
    ("legal aid cases", "/api/v1/legal/aid-cases/"),
    ("legal disputes", "/api/v1/legal/disputes/"),
    ("events", "/api/v1/events/"),
    ("event registrations", "/api/v1/events/registrations/"),
    ("member list page (HTML)", "/members/"),  # last: the others' p95 is shown as a ratio to it
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _database(kind: str, workdir: Path) -> tuple[dict, callable]:
    env = {
        **os.environ,
        "GONGHUI_VAR_DIR": str(workdir / "var"),
        "GONGHUI_API_TOKEN_RATE": "100000000",
        "DJANGO_SETTINGS_MODULE": "gonghui.settings",
    }
    if kind == "sqlite":
        env["DATABASE_URL"] = f"sqlite:///{workdir / 'bench-api.sqlite3'}"
        return env, lambda: None
    import psycopg

    server = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
    name = f"gonghui_bench_api_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as c:
        c.execute(f'CREATE DATABASE "{name}"')
    env["DATABASE_URL"] = f"{server}/{name}"

    def drop():
        with psycopg.connect(f"{server}/postgres", autocommit=True) as c:
            c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return env, drop


def _gonghui(env: dict, *args: str) -> str:
    done = subprocess.run(  # noqa: S603 (our own interpreter and code)
        [sys.executable, "-m", "gonghui", *args], env=env, capture_output=True, text=True
    )
    if done.returncode != 0:
        raise SystemExit(f"gonghui {' '.join(args)} exited {done.returncode}:\n{done.stderr[-3000:]}")
    return done.stdout


def _session_cookie(port: int, username: str, password: str) -> str:
    """Signs in through the sign-in page, as a browser would; returns the Cookie header."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", "/accounts/login/")
    response = conn.getresponse()
    body = response.read().decode()
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1)
    cookies = {
        c.split("=", 1)[0]: c.split("=", 1)[1].split(";")[0] for c in response.headers.get_all("Set-Cookie")
    }
    form = urlencode({"csrfmiddlewaretoken": csrf, "username": username, "password": password})
    conn.request(
        "POST",
        "/accounts/login/",
        body=form,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items()),
            "Referer": f"http://127.0.0.1:{port}/accounts/login/",
        },
    )
    response = conn.getresponse()
    answer = response.read().decode()
    for c in response.headers.get_all("Set-Cookie") or []:
        cookies[c.split("=", 1)[0]] = c.split("=", 1)[1].split(";")[0]
    if "sessionid" not in cookies:
        errors = re.findall(r"class=\"errorlist[^>]*>(.*?)</ul>", answer, re.S)
        raise SystemExit(f"signing in as {username} failed ({response.status}): {errors}")
    return "; ".join(f"{k}={v}" for k, v in cookies.items())


def _load(port: int, path: str, headers: dict, requests: int, clients: int) -> dict:
    latencies: list[float] = []
    errors = []
    lock = threading.Lock()

    def client(count: int):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        mine = []
        for _ in range(count):
            started = time.perf_counter()
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            response.read()
            mine.append(time.perf_counter() - started)
            if response.status != 200:
                errors.append(response.status)
        with lock:
            latencies.extend(mine)

    for _ in range(clients):  # warm every worker's connections and caches
        client(2)
    latencies.clear()
    threads = [threading.Thread(target=client, args=(requests // clients,)) for _ in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    ordered = sorted(latencies)
    return {
        "rps": len(ordered) / elapsed,
        "p50": statistics.median(ordered) * 1000,
        "p95": ordered[int(len(ordered) * 0.95) - 1] * 1000,
        "errors": len(errors),
    }


def run(kind: str, args) -> list[tuple]:
    with tempfile.TemporaryDirectory(prefix="gonghui-bench-api-") as tmp:
        env, drop = _database(kind, Path(tmp))
        try:
            _gonghui(env, "demo", "--no-serve")
            token = (
                _gonghui(env, "api-token", "create", "--user", "zone-admin", "--name", "bench")
                .strip()
                .splitlines()[-1]
            )
            port = _free_port()
            gunicorn = {"GUNICORN_BIND": f"127.0.0.1:{port}"}
            if args.workers:
                gunicorn["GUNICORN_WORKERS"] = str(args.workers)
            server = subprocess.Popen(  # noqa: S603
                [sys.executable, "-m", "gunicorn", "-c", str(GUNICORN_CONF), "gonghui.wsgi"],
                env={**env, **gunicorn},
            )
            try:
                for _ in range(100):
                    try:
                        socket.create_connection(("127.0.0.1", port), timeout=1).close()
                        break
                    except OSError:
                        time.sleep(0.2)
                password = _gonghui(
                    env, "shell", "-c", "from gonghui.demo.world import DEMO_PASSWORD; print(DEMO_PASSWORD)"
                ).splitlines()[-1]
                cookie = _session_cookie(port, "zone-admin", password)
                rows = []
                for label, path in ENDPOINTS:
                    headers = (
                        {"Cookie": cookie}
                        if path.startswith("/members/")
                        else {"Authorization": f"Bearer {token}"}
                    )
                    rows.append((kind, label, _load(port, path, headers, args.requests, args.clients)))
                return rows
            finally:
                server.terminate()
                server.wait(timeout=30)
        finally:
            drop()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument("--requests", type=int, default=400, help="requests per endpoint")
    parser.add_argument("--clients", type=int, default=10, help="concurrent clients")
    parser.add_argument(
        "--workers", type=int, help="gunicorn worker processes (deploy/gunicorn.conf.py's by default)"
    )
    args = parser.parse_args()
    print(
        f"{args.clients} concurrent clients, {args.requests} requests per endpoint, "
        f"gunicorn with deploy/gunicorn.conf.py, {args.workers or 'its'} workers"
    )
    print("| database | endpoint | requests/s | p50 ms | p95 ms | errors | p95 ÷ the page's |")
    print("|---|---|---|---|---|---|---|")
    for kind in args.databases.split(","):
        rows = run(kind, args)
        page = rows[-1][2]["p95"]
        for database, label, r in rows:
            print(
                f"| {database} | {label} | {r['rps']:.0f} | {r['p50']:.1f} | {r['p95']:.1f} | {r['errors']} | {r['p95'] / page:.2f} |"
            )


if __name__ == "__main__":
    main()
