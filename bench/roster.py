"""Roster import benchmark, run on demand (not in the test suite):

    .venv/bin/pip install -e ".[bench]"          # django-import-export, for the comparison
    .venv/bin/python -m bench.roster --rows 100000 [--databases sqlite,postgres] [--no-import-export]
    make bench                                   # the same, 100,000 rows

Generates a realistic N-row roster (fixed seed, fictional people), then for each database — a fresh
SQLite file, and a fresh PostgreSQL database on $BENCH_POSTGRES (default
postgres://postgres@127.0.0.1:5432) — measures, each in its own process:

  gonghui        `gonghui import-members`' service: full validation, encryption, pinyin, membership
                 history and audit rows, one transaction
  import-export  django-import-export 4.x, a plain ModelResource on Person in bulk mode, given the
                 same derived fields (hash, ciphertext, birth date…) in before_import_row — people
                 only, no memberships, no audit: less work than ours
  raw            the limit: the same prepared people and memberships inserted raw (executemany on
                 SQLite, COPY on PostgreSQL), preparation not timed
  export         `gonghui export-members` of the imported members, full numbers (decrypting each)

and prints rows per second and each run's peak memory: the peak of the summed PSS of its process
and its forked check workers, sampled during the run (shared pages counted once; the former
"RSS of the process + its largest worker per core" upper bound is printed beside it).

SQLite runs with the options a deployment gets from settings.py (WAL, IMMEDIATE transactions).
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

ENV = {
    "DJANGO_SETTINGS_MODULE": "gonghui.settings",
    "SECRET_KEY": "bench-secret-key-0123456789-0123456789-0123456789",
    "GONGHUI_FIELD_KEY": "bench-field-key-0123456789",
}
ENTERPRISES = ["明月锂电有限公司", "赣西新能源有限公司", "秀江电池材料有限公司", "袁山储能科技有限公司"]


def _descendants(pid: int) -> list[int]:
    found, pending = [], [pid]
    while pending:
        parent = pending.pop()
        try:
            children = [int(c) for c in Path(f"/proc/{parent}/task/{parent}/children").read_text().split()]
        except OSError:
            children = []
        found += children
        pending += children
    return found


def _pss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        pass  # the process ended meanwhile
    return 0


class PeakMemory:
    """The peak of a process tree's memory: the sum of the proportional set sizes (PSS, from
    /proc/<pid>/smaps_rollup) of the process and its descendants (the forked check workers),
    sampled every 250 ms by a thread of the benchmark's parent process. PSS shares each page among
    the processes that map it, so pages a forked worker shares with its parent are counted once.
    Sampling from outside keeps the measured process's own interpreter out of it: a thread inside
    it, reading smaps every 20 ms, took a fifth of a core and ran under its GIL; each read also holds
    the process's memory-map lock, which its own page faults wait for."""

    def __init__(self, pid: int, interval: float = 0.25):
        self.pid, self.interval, self.peak_kb, self._stop = pid, interval, 0, threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.is_set():
            self.peak_kb = max(self.peak_kb, sum(_pss_kb(p) for p in [self.pid, *_descendants(self.pid)]))
            self._stop.wait(self.interval)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()

    @property
    def mb(self) -> float:
        return self.peak_kb / 1024


def rss_upper_bound_mb() -> float:
    """The former measure, kept for comparison: the process's peak RSS plus its largest worker's peak
    RSS per core, which counts the pages the workers share with their parent more than once."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    worker = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own + worker * (len(os.sched_getaffinity(0)) if worker else 0)


def child(contender: str, path: str, rows: int) -> dict:
    """Runs in a fresh process with the database in DATABASE_URL; returns seconds and the RSS bound
    (the parent measures the peak PSS)."""
    import django

    django.setup()
    from gonghui.core.scope import SystemActor
    from gonghui.orgs.models import Organisation

    union = Organisation.objects.get(code="BENCH")
    actor = SystemActor("bench")
    started = time.perf_counter()
    if contender == "gonghui":
        from gonghui.rosters.services import roster_import

        result = roster_import(path=Path(path), union=union, by=actor)
        assert result.created == rows, result.summary()
    elif contender == "import-export":
        _import_export(path)
    elif contender == "raw":
        started = _raw(path, union)
    elif contender == "export":
        from gonghui.rosters.services import roster_export

        out = Path(path).with_suffix(".export.xlsx")
        assert roster_export(user=actor, org=union, out=str(out)) == rows
    return {"seconds": time.perf_counter() - started, "rss_bound_mb": rss_upper_bound_mb()}


def _import_export(path: str) -> None:
    import tablib
    from import_export import resources
    from python_calamine import CalamineWorkbook

    from gonghui.core import crypto
    from gonghui.core.pinyin import name_initials, name_pinyin
    from gonghui.core.validators import (
        birth_year_of,
        gender_of,
        mask_id,
        validate_mobile,
        validate_resident_id,
    )
    from gonghui.members.models import Person

    class PersonResource(resources.ModelResource):
        class Meta:
            model = Person
            fields = ("name", "id_hash", "id_encrypted", "id_masked", "birth_year", "gender", "mobile")
            fields += ("name_initials", "name_pinyin", "ethnicity", "education", "occupation", "skill_level")
            import_id_fields = ("id_hash",)
            use_bulk = True
            batch_size = 1000
            skip_diff = True
            skip_unchanged = False
            use_transactions = True

        def before_import_row(self, row, **kwargs):
            number = validate_resident_id(row["公民身份号码"])
            row.update(
                name=row["姓名"],
                id_hash=crypto.lookup_hash(number),
                id_encrypted=crypto.encrypt(number),
                id_masked=mask_id(number),
                birth_year=birth_year_of(number),
                gender=gender_of(number),
                mobile=validate_mobile(row["手机号码"]),
                name_initials=name_initials(row["姓名"]),
                name_pinyin=name_pinyin(row["姓名"]),
                ethnicity=row["民族"],
                education=row["学历"],
                occupation=row["工种"],
                skill_level=row["技能等级"],
            )

    rows = CalamineWorkbook.from_path(path).get_sheet_by_index(0).to_python()
    derived = list(PersonResource._meta.fields)
    dataset = tablib.Dataset(
        *[[str(c) for c in r] + [""] * len(derived) for r in rows[1:]], headers=rows[0] + derived
    )
    result = PersonResource().import_data(dataset, dry_run=False, raise_errors=True)
    assert not result.has_errors()


def _raw(path: str, union) -> float:
    """Prepares the rows untimed (validated, encrypted), then times only the inserts."""
    from django.db import connection, transaction
    from django.utils import timezone

    from gonghui.members.models import Membership, Person
    from gonghui.rosters import bulk
    from gonghui.rosters.services.checking import check
    from gonghui.rosters.services.writing import MEMBERSHIP_FIELDS, PERSON_FIELDS, Spool

    spool = Spool()
    check(path=Path(path), union=union, progress=None, sink=spool)
    people = [person for _choice, person in spool.selected(0)]
    memberships = [membership for _choice, membership in spool.selected(1)]
    now = timezone.now()
    if connection.vendor != "postgresql":
        now = connection.ops.adapt_datetimefield_value(now)
    started = time.perf_counter()
    with transaction.atomic():  # one insert per table, as the import does
        person_ids = bulk.allocate_ids(Person, len(people))
        membership_ids = bulk.allocate_ids(Membership, len(memberships))
        bulk.insert(
            Person,
            PERSON_FIELDS,
            [(pid, *person, now) for person, pid in zip(people, person_ids, strict=True)],
            adapted=True,
        )
        bulk.insert(
            Membership,
            MEMBERSHIP_FIELDS,
            [
                (mid, pid, union.pk, enterprise_id, card, started_on, "joined", None, "", "", now)
                for (enterprise_id, card, started_on, _name), pid, mid in zip(
                    memberships, person_ids, membership_ids, strict=True
                )
            ],
            adapted=True,
        )
    return started


SEED = """
import django; django.setup()
from gonghui.orgs.models import Organisation
from gonghui.orgs.tests.factories import EnterpriseFactory, OrganisationFactory
city = OrganisationFactory(code="CITY", kind=Organisation.Kind.CITY_FEDERATION)
zone = OrganisationFactory(code="ZONE", kind=Organisation.Kind.ZONE_FEDERATION, parent=city)
union = OrganisationFactory(code="BENCH", name="基准测试工会", parent=zone)
for name in {names!r}:
    EnterpriseFactory(name=name, union=union, federation=zone)
"""


class Database:
    def __init__(self, kind: str, workdir: Path):
        self.kind = kind
        self.workdir = workdir
        self.pg_name = None

    def fresh(self) -> dict:
        """A new, migrated, seeded database; returns the environment pointing at it."""
        self.drop()
        env = {**os.environ, **ENV, "GONGHUI_VAR_DIR": str(self.workdir / "var")}
        if self.kind == "sqlite":
            env["DATABASE_URL"] = f"sqlite:///{self.sqlite_path}"
        else:
            import psycopg

            server = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
            self.pg_name = f"gonghui_bench_{uuid.uuid4().hex[:8]}"
            with psycopg.connect(f"{server}/postgres", autocommit=True) as c:
                c.execute(f'CREATE DATABASE "{self.pg_name}"')
            self.server = server
            env["DATABASE_URL"] = f"{server}/{self.pg_name}"
        subprocess.run([sys.executable, "-m", "gonghui", "migrate", "-v0"], env=env, check=True)  # noqa: S603
        subprocess.run([sys.executable, "-c", SEED.format(names=ENTERPRISES)], env=env, check=True)  # noqa: S603
        return env

    @property
    def sqlite_path(self) -> Path:
        return self.workdir / "bench.sqlite3"

    def drop(self) -> None:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{self.sqlite_path}{suffix}").unlink(missing_ok=True)
        if self.pg_name:
            import psycopg

            with psycopg.connect(f"{self.server}/postgres", autocommit=True) as c:
                c.execute(f'DROP DATABASE IF EXISTS "{self.pg_name}" WITH (FORCE)')
            self.pg_name = None


def measured(env: dict, *args: str) -> tuple[str, float, float]:
    """Runs our interpreter with args in a process of its own; returns its output, its seconds and
    the peak memory of its process tree. A failure ends the benchmark with the process's error."""
    started = time.perf_counter()
    process = subprocess.Popen(  # noqa: S603 (our own interpreter and code)
        [sys.executable, *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    with PeakMemory(process.pid) as memory:
        stdout, stderr = process.communicate()
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(args)} exited {process.returncode}:\n{stderr[-3000:]}")
    return stdout, time.perf_counter() - started, memory.mb


def run(env: dict, contender: str, path: Path, rows: int) -> dict:
    stdout, _seconds, peak_mb = measured(
        env, "-m", "bench.roster", "--child", contender, str(path), "--rows", str(rows)
    )
    return {**json.loads(stdout.strip().splitlines()[-1]), "peak_mb": peak_mb}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument("--no-import-export", action="store_true")
    parser.add_argument("--contenders", default="gonghui,export,raw,import-export", help="which to run")
    parser.add_argument("--file", type=Path, help="an already generated roster of --rows rows (same seed)")
    parser.add_argument("--child", nargs=2, metavar=("CONTENDER", "FILE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        os.environ.update({k: v for k, v in ENV.items() if k not in os.environ})
        print(json.dumps(child(args.child[0], args.child[1], args.rows)))
        return

    os.environ.update(ENV)
    import django

    django.setup()
    from gonghui.rosters.tests.files import roster_rows, write_xlsx

    workdir = Path(tempfile.mkdtemp(prefix="gonghui-bench-"))
    path = args.file or workdir / f"roster-{args.rows}.xlsx"
    started = time.perf_counter()
    if not args.file:
        write_xlsx(path, roster_rows(args.rows, ENTERPRISES, seed=2025))
    print(
        f"roster: {args.rows:,} rows, {path.stat().st_size / 1e6:.1f} MB, generated in {time.perf_counter() - started:.0f} s"
    )
    contenders = [
        c for c in args.contenders.split(",") if not (args.no_import_export and c == "import-export")
    ]
    print(f"{'database':<10} {'contender':<14} {'seconds':>8} {'rows/s':>9} {'peak MB':>8} {'RSS bound':>9}")
    for kind in args.databases.split(","):
        database = Database(kind, workdir)
        try:
            env = database.fresh()
            results = {}
            for contender in contenders:
                if contender in ("raw", "import-export"):
                    env = database.fresh()  # each starts from an empty roster
                results[contender] = result = run(env, contender, path, args.rows)
                rate = args.rows / result["seconds"]
                print(
                    f"{kind:<10} {contender:<14} {result['seconds']:>8.1f} {rate:>9,.0f} {result['peak_mb']:>8.0f} {result['rss_bound_mb']:>9.0f}"
                )
            ours = results["gonghui"]["seconds"] if "gonghui" in results else None
            notes = []
            if ours and "raw" in results:
                notes.append(f"raw is {ours / results['raw']['seconds']:.1f}x faster than gonghui")
            if ours and "import-export" in results:
                notes.append(
                    f"gonghui is {results['import-export']['seconds'] / ours:.1f}x django-import-export"
                )
            print(f"{kind:<10} {'; '.join(notes)}")
        finally:
            database.drop()


if __name__ == "__main__":
    main()
