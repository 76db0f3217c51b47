"""The pages under load: locust's users (bench/locustfile.py) against the production layout on loopback.

    DATABASE_URL=postgres://… SECRET_KEY=… GONGHUI_FIELD_KEY=… python -m bench.load \
        [--users 50] [--spawn-rate 2] [--run-time 60] [--sign-in-every 300] [--servers 1] [--workers N] [--threads N]

The database is any loaded one (the 30,000-member demo from `gonghui demo --no-serve`, or a city from
bench/scale.py); GONGHUI_FIELD_KEY must be the key it was loaded with. The app servers run with
GONGHUI_ENV=production and DEBUG off: gunicorn with deploy/gunicorn.conf.py, static files collected
and served by WhiteNoise, nginx with deploy/nginx.conf in front on TLS (bench/servers.py). Locust runs
headless on loopback: the users start --spawn-rate a second, each signing in as it starts, then
the figures are counted afresh for --run-time seconds; it prints the requests, failures and
percentiles per page, and whether the list pages' p95 is under --target ms with no error. Run on demand; not in the
suite. Locust shares the machine's cores with the servers and PostgreSQL: the load average is
printed beside the figures.
"""

import argparse
import csv
import http.client
import math
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.servers import HOST, REPO, Layout

SAMPLE = """
import json
from base64 import b32decode
from django_otp.plugins.otp_totp.models import TOTPDevice
from gonghui.accounts.demo import DEMO_TOTP_SECRET
from gonghui.accounts.models import User
from gonghui.demo.world import DEMO_PASSWORD
from gonghui.members.selectors import membership_list
# Each sign-in takes the next of an officer's twins (same role, scope and password, a device with the
# demo's TOTP secret each): a device refuses a code it has taken once, and 50 users share 30 s codes.
TWINS = 100
users, accounts = {}, {}
for username in ("zone-admin", "union-admin"):
    officer = User.objects.get(username=username)
    rows = membership_list(officer).order_by("?")[:300]
    users[username] = list(
        rows.values_list("person_id", "person__name", "person__name_initials", "person__mobile")
    )
    accounts[username] = []
    for n in range(TWINS):
        twin, _ = User.objects.get_or_create(
            username=f"load-{username}-{n:03d}",
            defaults={"role": officer.role, "organisation": officer.organisation, "password": officer.password},
        )
        TOTPDevice.objects.get_or_create(
            user=twin, defaults={"name": "load", "key": b32decode(DEMO_TOTP_SECRET).hex(), "confirmed": True}
        )
        accounts[username].append(twin.username)
print(json.dumps(
    {"password": DEMO_PASSWORD, "totp_secret": DEMO_TOTP_SECRET, "users": users, "accounts": accounts},
    ensure_ascii=False,
))
"""
LIST_PAGES = ("member list", "member search")


def _gonghui(env: dict, *args: str) -> str:
    done = subprocess.run(  # noqa: S603 (our own interpreter and code)
        [sys.executable, "-m", "gonghui", *args], env=env, capture_output=True, text=True, cwd=REPO
    )
    if done.returncode != 0:
        raise SystemExit(f"gonghui {' '.join(args[:2])} exited {done.returncode}:\n{done.stderr[-3000:]}")
    return done.stdout


def _warm(layout: Layout) -> None:
    """A few pages through every thread first: the first request of a process reads its templates."""
    context = layout.ssl_context()
    for _ in range(20):
        conn = http.client.HTTPSConnection(HOST, layout.https_port, context=context, timeout=60)
        conn.request("GET", "/accounts/login/")
        conn.getresponse().read()
        conn.close()


def _load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--spawn-rate", type=float, default=2, help="users started a second")
    parser.add_argument(
        "--run-time", type=int, default=60, help="seconds measured once every user has started"
    )
    parser.add_argument("--servers", type=int, default=1, help="app servers behind nginx")
    parser.add_argument(
        "--workers", type=int, help="gunicorn processes per server (deploy/gunicorn.conf.py's)"
    )
    parser.add_argument("--threads", type=int, help="threads per process (deploy/gunicorn.conf.py's)")
    parser.add_argument(
        "--sign-in-every",
        type=float,
        default=300,
        help="seconds a user works before signing in again (an officer signs in for a stretch of work)",
    )
    parser.add_argument("--target", type=float, default=150, help="p95 in ms the list pages must stay under")
    args = parser.parse_args()
    for name in ("DATABASE_URL", "SECRET_KEY", "GONGHUI_FIELD_KEY"):
        if not os.environ.get(name):
            raise SystemExit(f"{name} must be set: the loaded database and the keys it was loaded with")

    gunicorn = {k: v for k, v in {"workers": args.workers, "threads": args.threads}.items() if v}
    with tempfile.TemporaryDirectory(prefix="gonghui-load-") as tmp:
        directory = Path(tmp)
        # Collected on the first run and kept (delete var/load-static after changing static files).
        static = REPO / "var" / "load-static"
        layout = Layout(
            directory,
            os.environ["DATABASE_URL"],
            servers=args.servers,
            worker=False,
            static_root=static,
            **gunicorn,
        )
        env = {**layout.env, "GONGHUI_VAR_DIR": str(directory / "var")}
        if not static.exists():  # compressing every file again takes a minute or two
            _gonghui(env, "collectstatic", "--noinput", "-v", "0")
        samples = directory / "samples.json"
        samples.write_text(_gonghui(env, "shell", "-c", SAMPLE).strip().splitlines()[-1])
        ramp = math.ceil(args.users / args.spawn_rate)
        with layout:
            _warm(layout)
            before = _load_average()
            locust = subprocess.run(  # noqa: S603
                [
                    sys.executable,
                    "-m",
                    "locust",
                    "-f",
                    str(REPO / "bench" / "locustfile.py"),
                    "--headless",
                    "--users",
                    str(args.users),
                    "--spawn-rate",
                    str(args.spawn_rate),
                    "--run-time",
                    f"{ramp + args.run_time}s",
                    "--reset-stats",
                    "--stop-timeout",
                    "10",
                    "--host",
                    layout.origin,
                    "--csv",
                    str(directory / "load"),
                    "--only-summary",
                    "--loglevel",
                    "WARNING",
                ],
                env={
                    **os.environ,
                    "LOAD_SAMPLES": str(samples),
                    "LOAD_CA": str(layout.certificate),
                    "LOAD_SIGN_IN_EVERY": str(args.sign_in_every),
                },
                capture_output=True,
                text=True,
                timeout=ramp + args.run_time + 120,
            )
            after = _load_average()
        if locust.returncode not in (0, 1) or not (directory / "load_stats.csv").exists():
            raise SystemExit(f"locust exited {locust.returncode}:\n{locust.stderr[-3000:]}")
        stats = list(csv.DictReader((directory / "load_stats.csv").open()))
        failures = list(csv.DictReader((directory / "load_failures.csv").open()))

    workers = args.workers or f"{os.cpu_count() + 1} (default)"
    threads = args.threads or "4 (default)"
    print(
        f"{args.users} users for {args.run_time} s after a {ramp} s start, {args.servers} app server(s) × {workers} processes × "
        f"{threads} threads, signing in again every {args.sign_in_every:.0f} s; load average before {before}, "
        f"after {after}"
    )
    print("| page | requests | failures | median ms | p95 ms | p99 ms | max ms |")
    print("|---|---|---|---|---|---|---|")
    for row in stats:
        print(
            f"| {row['Name']} | {row['Request Count']} | {row['Failure Count']} | {row['50%']} | "
            f"{row['95%']} | {row['99%']} | {float(row['Max Response Time']):.0f} |"
        )
    for row in failures:
        print(f"failure: {row['Occurrences']} × {row['Method']} {row['Name']}: {row['Error']}")
    lists = [row for row in stats if row["Name"].startswith(LIST_PAGES)]
    slow = [row["Name"] for row in lists if float(row["95%"]) >= args.target]
    if not lists:
        slow = ["no list page was asked for"]
    errors = sum(int(row["Failure Count"]) for row in stats if row["Name"] != "Aggregated")
    verdict = "met" if not slow and not errors else "missed"
    print(
        f"target (list pages p95 < {args.target:.0f} ms, 0 errors): {verdict}"
        + (f"; slow: {', '.join(slow)}" if slow else "")
        + (f"; {errors} errors" if errors else "")
    )


if __name__ == "__main__":
    main()
