"""The audit log page when the log holds a city's import rows (on demand, not in the test suite):

    python -m bench.audit --demo postgres://…/DEMO_DB --demo sqlite:////path/demo.sqlite3 [--rows 1000000]

Each --demo is a database loaded by `gonghui demo --no-serve` (30,000 members), left as it is. It is
migrated, then copied (PostgreSQL: CREATE DATABASE … TEMPLATE; SQLite: the backup API), and the copy
is given --rows audit rows by the server's operator (`system:root`, one `membership.join` per member,
in ten imports each sharing its timestamp, as `gonghui import-members` writes them: chained, by COPY
on PostgreSQL), which is what a city's 970,000-member import leaves in the log. Then, --rounds times
in turn: /audit/ and its next page on the demo; on the copy without `audit_people_idx` (the
migration core.0006 undone: the page as it was, walking the time index); and on the copy with it
(the migration redone, its time shown). Each as `zone-admin` and `union-admin`, median of --repeat
after a warm-up (bench.scale.child_time); the table shows each median over the rounds.
"""

import argparse
import json
import os
import sqlite3
import statistics
import time
from datetime import timedelta

from bench.scale import USERS, _run

PAGES = [("audit log", "/audit/"), ("audit log, next page", "NEXT:/audit/")]
IMPORTS = 10
PHASES = ("demo", "without index", "with index")


def child_insert(rows: int) -> None:
    """On DATABASE_URL: `rows` operator's rows in IMPORTS transactions, chained as an import does."""
    import django

    django.setup()
    from django.db import transaction
    from django.utils import timezone

    from gonghui.core import audit
    from gonghui.core.models import AuditLog
    from gonghui.rosters import bulk
    from gonghui.rosters.services.writing import AUDIT_FIELDS

    per = rows // IMPORTS
    for k in range(IMPORTS):
        at = timezone.now() + timedelta(seconds=k)
        fresh = (
            (at, None, "system:root", "membership.join", "members.membership", str(n), f"基准会员{n}", None, "ok",
             {"via": "roster_import", "person": n})
            for n in range(k * per, (k + 1) * per)
        )  # fmt: skip
        with transaction.atomic():
            chained = (
                (*row[:9], bulk.JSONText(detail), seq, prev_hash, hash_)
                for row, detail, seq, prev_hash, hash_ in audit.chain(fresh, per)
            )
            bulk.insert(AuditLog, AUDIT_FIELDS, chained)


def _copy(url: str) -> str:
    """A copy of the demo database, to fill: its URL."""
    if url.startswith("sqlite:"):
        path = url.removeprefix("sqlite:///")
        target = path.removesuffix(".sqlite3") + "-audit.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(target + suffix):
                os.unlink(target + suffix)
        with sqlite3.connect(path) as source, sqlite3.connect(target) as copy:
            source.backup(copy)
        return f"sqlite:///{target}"
    import psycopg

    server, name = url.rsplit("/", 1)
    with psycopg.connect(f"{server}/postgres", autocommit=True) as c:
        c.execute(f'DROP DATABASE IF EXISTS "{name}_audit" WITH (FORCE)')
        c.execute(f'CREATE DATABASE "{name}_audit" TEMPLATE "{name}"')
    return f"{server}/{name}_audit"


def _analyze(url: str) -> None:
    if url.startswith("sqlite:"):
        with sqlite3.connect(url.removeprefix("sqlite:///")) as c:
            c.execute("ANALYZE")
        return
    import psycopg

    with psycopg.connect(url, autocommit=True) as c:
        c.execute("VACUUM ANALYZE core_auditlog")


def _time(env: dict, repeat: int) -> dict:
    stdout, _ = _run(env, "-m", "bench.audit", "--child-time", "--repeat", str(repeat))
    return json.loads(stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--demo", action="append", default=[], metavar="DATABASE_URL")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--child-time", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--child-insert", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_time:
        from bench.scale import child_time

        print(json.dumps(child_time(args.repeat, PAGES)))
        return
    if args.child_insert:
        child_insert(args.child_insert)
        return
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gonghui.settings")
    for demo in args.demo:
        env = {**os.environ, "DATABASE_URL": demo}
        _run(env, "-m", "gonghui", "migrate", "-v0")
        _analyze(demo)
        big = _copy(demo)
        filled = {**os.environ, "DATABASE_URL": big}
        _, seconds = _run(filled, "-m", "bench.audit", "--child-insert", str(args.rows))
        print(f"{demo}: {args.rows:,} operator's rows added to the copy {big} in {seconds:.0f} s", flush=True)
        _analyze(big)
        times = {phase: [] for phase in PHASES}
        for _round in range(args.rounds):
            times["demo"].append(_time(env, args.repeat))
            _run(filled, "-m", "gonghui", "migrate", "core", "0005", "-v0")
            times["without index"].append(_time(filled, args.repeat))
            started = time.perf_counter()
            _run(filled, "-m", "gonghui", "migrate", "core", "0006", "-v0")
            print(f"  core.0006 (the index) built in {time.perf_counter() - started:.1f} s", flush=True)
            _analyze(big)
            times["with index"].append(_time(filled, args.repeat))
        print("| page | user | demo ms | +rows, without index | ratio | +rows, with index | ratio |")
        print("|---|---|---|---|---|---|---|")
        for user in USERS:
            for label, _path in PAGES:
                runs = {p: [r[user][label] for r in times[p]] for p in PHASES}
                if any(t is None for p in PHASES for t in runs[p]):
                    print(f"| {label} | {user} | — | — | not this user's page | — | |")
                    continue
                d, before, after = (statistics.median(t[0] for t in runs[p]) for p in PHASES)
                print(
                    f"| {label} | {user} | {d:.1f} | {before:.1f} | {before / d:.2f}× | {after:.1f} | {after / d:.2f}× |"
                )
        print(f"(the filled copy is kept: {big})", flush=True)


if __name__ == "__main__":
    main()
