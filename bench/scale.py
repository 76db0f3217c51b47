"""City scale: every page timed on the 30,000-member demo and again once the same database holds a
city, in one run (on demand, not in the test suite):

    python -m bench.scale [--members 1000000] [--databases postgres,sqlite] [--unions 10] [--repeat 5]
    python -m bench.scale --province 10000000      # PostgreSQL: a province's people loaded by COPY
    python -m bench.scale --members 30000 --province 10000000 --databases postgres   # no city first
    python -m bench.scale --on CITY_URL --against DEMO_URL [--rounds 3]   # kept databases, in turns

For each database: a fresh one, migrated, `gonghui demo --no-serve` (30,000 members, every pillar),
ANALYZE, then each page below timed as the zone's federation staff (`zone-admin`) and as a union's
admin (`union-admin`), median of --repeat after one warm-up, through Django's test client in a
process of its own (no HTTP server: the page's own cost). Then the city: --unions new unions under
the zone, each given a generated roster (fictional people, fixed seeds) through the real import
(`gonghui import-members`), so that the zone holds --members members; ANALYZE; the same pages again,
and each page's ratio to its demo time. The target is no page above 1.5×.

--members 30000 (the demo's own) imports no city: the demo's pages are timed, then --province's.
--province adds, on PostgreSQL only, people and memberships by COPY (prepared values, not through
the import: 10,000,000 rows through it would take hours; see province() for the indexes) until the
zone holds that many, VACUUM ANALYZE, prints what the people and memberships weigh, and times every
page again beside the demo's.
"""

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

# Keys strong enough for the production settings, so that bench/load.py can serve a kept city.
ENV = {
    "DJANGO_SETTINGS_MODULE": "gonghui.settings",
    "SECRET_KEY": "bench-secret-key-0123456789-0123456789-0123456789-abcdefghij",
    "GONGHUI_FIELD_KEY": "bench-field-key-0123456789-0123456789",
    "GONGHUI_AUDIT_KEY": "bench-audit-key-0123456789-0123456789",
    "GONGHUI_API_TOKEN_RATE": "100000000",
}
ENTERPRISES = ["明月锂电有限公司", "赣西新能源有限公司", "秀江电池材料有限公司", "袁山储能科技有限公司"]
USERS = ["zone-admin", "union-admin"]
DEMO_MEMBERS = 30_000  # what `gonghui demo` loads
PAGES = [
    ("home (dashboard)", "/"),
    ("member list, first page", "/members/"),
    ("member list, next page", "NEXT:/members/"),
    ("member list, jump to z", "/members/?from=z"),
    ("member list, ended", "/members/?status=ended"),
    ("search initials zs", "/members/?q=zs"),
    ("search pinyin zhangxiao", "/members/?q=zhangxiao"),
    ("search mobile last four 5678", "/members/?q=5678"),
    ("search mobile start 13800", "/members/?q=13800"),
    ("search name 张", "/members/?q=%E5%BC%A0"),
    ("search name 小明", "/members/?q=%E5%B0%8F%E6%98%8E"),
    ("member detail", "PERSON"),
    ("report page", "/reports/"),
    ("organisation tree", "/orgs/"),
    ("enterprises", "/orgs/enterprises/"),
    ("activities", "/activities/"),
    ("welfare", "/activities/welfare/"),
    ("coverage campaigns", "/coverage/"),
    ("worker homes", "/homes/"),
    ("events", "/homes/events/"),
    ("contests", "/contests/"),
    ("academy courses", "/academy/"),
    ("certificates", "/academy/certificates/"),
    ("mutual-aid claims", "/mutual-aid/"),
    ("mutual-aid enrolments", "/mutual-aid/enrolments/"),
    ("honours", "/honours/"),
    ("audit log", "/audit/"),
    ("API people", "/api/v1/people/"),
    ("API memberships", "/api/v1/memberships/"),
    ("API memberships ?q=zs", "/api/v1/memberships/?q=zs"),
]
NEXT = re.compile(r'href="\?([^"]*)" rel="next"')


def child_time(repeat: int, pages: list[tuple[str, str]] = PAGES) -> dict:
    """In a process of its own on DATABASE_URL: {user: {page: [ms, status]}}."""
    import django

    django.setup()
    from django.test import Client

    from gonghui.accounts.models import User
    from gonghui.accounts.second_factor import mark_verified
    from gonghui.members.models import Membership

    out = {}
    for username in USERS:
        user = User.objects.get(username=username)
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(user)
        session = client.session
        mark_verified(session)  # as after both steps of the sign-in: staff pages need the second factor
        session.save()
        client.get("/")
        person = (
            Membership.objects.visible_to(user).active().order_by("pk").values_list("person_id", flat=True)[0]
        )
        times = {}
        for label, path in pages:
            if path == "PERSON":
                path = f"/members/{person}/"
            elif path.startswith("NEXT:"):
                found = NEXT.search(client.get(path[5:]).content.decode())
                path = f"{path[5:]}?{found.group(1).replace('&amp;', '&')}" if found else path[5:]
            samples, status = [], None
            for n in range(repeat + 1):
                started = time.perf_counter()
                response = client.get(path)
                if n:
                    samples.append((time.perf_counter() - started) * 1000)
                status = response.status_code
            if status in (403, 404):  # not a page of this user's role (a union admin has no campaigns)
                times[label] = None
                continue
            if status != 200:
                raise SystemExit(f"{username} {label} ({path}): HTTP {status}, not the page; nothing timed")
            times[label] = [statistics.median(samples), status]
        out[username] = times
    return out


SEED = """
import django; django.setup()
from gonghui.orgs.models import Organisation
from gonghui.orgs.tests.factories import EnterpriseFactory
zone = Organisation.objects.get(code="ZONE")
for k in range({unions}):
    union = Organisation(code=f"CITY{{k:03d}}", name=f"基准城市工会{{k:03d}}",
                         kind=Organisation.Kind.ENTERPRISE_UNION, parent=zone)
    union.place_in_tree(); union.save()
    for name in {names!r}:
        EnterpriseFactory(name=name, union=union, federation=zone)
"""


class Database:
    def __init__(self, kind: str, workdir: Path):
        self.kind, self.workdir, self.pg_name = kind, workdir, None
        self.server = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")

    def fresh(self) -> dict:
        env = {**os.environ, **ENV, "GONGHUI_VAR_DIR": str(self.workdir / f"var-{self.kind}")}
        if self.kind == "sqlite":
            env["DATABASE_URL"] = f"sqlite:///{self.workdir / 'scale.sqlite3'}"
        else:
            import psycopg

            self.pg_name = f"gonghui_scale_{uuid.uuid4().hex[:8]}"
            with psycopg.connect(f"{self.server}/postgres", autocommit=True) as c:
                c.execute(f'CREATE DATABASE "{self.pg_name}"')
            env["DATABASE_URL"] = f"{self.server}/{self.pg_name}"
        return env

    def analyze(self, env: dict) -> None:
        if self.kind == "sqlite":
            import sqlite3

            with sqlite3.connect(env["DATABASE_URL"].removeprefix("sqlite:///")) as c:
                c.execute("ANALYZE")
        else:
            import psycopg

            with psycopg.connect(env["DATABASE_URL"], autocommit=True) as c:
                c.execute("VACUUM ANALYZE")

    def drop(self) -> None:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{self.workdir / 'scale.sqlite3'}{suffix}").unlink(missing_ok=True)
        if self.pg_name:
            import psycopg

            with psycopg.connect(f"{self.server}/postgres", autocommit=True) as c:
                c.execute(f'DROP DATABASE IF EXISTS "{self.pg_name}" WITH (FORCE)')


def _run(env: dict, *args: str) -> tuple[str, float]:
    started = time.perf_counter()
    done = subprocess.run([sys.executable, *args], env=env, capture_output=True, text=True)  # noqa: S603
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(args)} exited {done.returncode}:\n{done.stderr[-3000:]}")
    return done.stdout, time.perf_counter() - started


def _time_pages(env: dict, repeat: int) -> dict:
    stdout, _ = _run(env, "-m", "bench.scale", "--child-time", "--repeat", str(repeat))
    return json.loads(stdout.strip().splitlines()[-1])


def _in_turns(demo_env: dict, city_env: dict, rounds: int, repeat: int) -> tuple[dict, dict]:
    """The demo's and the city's pages timed alternately, each page's median over the rounds, so that
    the machine's drifting load weighs on both alike."""
    runs: dict[str, list[dict]] = {"demo": [], "city": []}
    for _ in range(rounds):
        runs["demo"].append(_time_pages(demo_env, repeat))
        runs["city"].append(_time_pages(city_env, repeat))

    def median_of(samples: list[dict]) -> dict:
        out: dict = {}
        for user in USERS:
            out[user] = {}
            for label, _path in PAGES:
                times = [run[user][label] for run in samples]
                out[user][label] = (
                    None if None in times else [statistics.median(t[0] for t in times), times[0][1]]
                )
        return out

    return median_of(runs["demo"]), median_of(runs["city"])


def _rosters(workdir: Path, members: int, unions: int) -> list[Path]:
    from gonghui.rosters.tests.files import roster_rows, write_xlsx

    per = members // unions
    paths = []
    for k in range(unions):
        path = workdir / f"roster-{k:03d}-{per}.xlsx"
        if not path.exists():
            write_xlsx(path, roster_rows(per, ENTERPRISES, seed=7000 + k))
        paths.append(path)
    return paths


def _table(kind: str, demo: dict, city: dict, members: int, log) -> None:
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    log(f"\n{kind}: ms, median; city = {members:,} members in the zone; load average {load} after")
    log("| page | user | demo ms | city ms | ratio |\n|---|---|---|---|---|")
    for user in USERS:
        for label, _path in PAGES:
            d, c = demo[user][label], city[user][label]
            if d is None or c is None:
                log(f"| {label} | {user} | — | — | not this user's page |")
                continue
            log(f"| {label} | {user} | {d[0]:.1f} | {c[0]:.1f} | {c[0] / d[0]:.2f}× |")


SURNAMES, GIVEN = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗",
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华",
)
# A person's generated name is a function of their id modulo this (surname × given × given).
NAME_CYCLE = len(SURNAMES) * len(GIVEN) ** 2
PROVINCE_TABLES = ("members_person", "members_membership")


def _province_names() -> list[tuple[str, str, str]]:
    """(name, initials, pinyin) of each generated name, by the person's id modulo NAME_CYCLE: the
    pinyin computed once a name (11,520 of them), not once a row."""
    from gonghui.core.pinyin import name_initials, name_pinyin

    names = []
    for i in range(NAME_CYCLE):
        name = (
            SURNAMES[i % len(SURNAMES)]
            + GIVEN[(i // len(SURNAMES)) % len(GIVEN)]
            + GIVEN[i // (len(SURNAMES) * len(GIVEN))]
        )
        names.append((name, name_initials(name), name_pinyin(name)))
    return names


def _secondary_indexes(c) -> list[tuple[str, str]]:
    """The people's and memberships' indexes that back no constraint, as the migrations made them
    (name, CREATE INDEX statement from pg_indexes)."""
    return c.execute(
        "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.schemaname = current_schema()"
        " AND i.tablename = ANY(%s) AND NOT EXISTS (SELECT 1 FROM pg_constraint k"
        " WHERE k.conindid = (quote_ident(i.schemaname) || '.' || quote_ident(i.indexname))::regclass)"
        " ORDER BY i.tablename, i.indexname",
        [list(PROVINCE_TABLES)],
    ).fetchall()


def province(env: dict, target: int, log) -> None:
    """Adds people and active memberships by COPY to new unions under the zone (a million each) until
    it holds target members, and adds their roll-up rows (members.rollups: started and new in June
    2023, for each new union and the organisations above it; the new unions have no founding date,
    so the unions' roll-up has nothing to add). The rows are what the import would write for a
    roster without the optional columns: no employer, card or encrypted ID number (never revealed
    here), an ID hash that cannot collide with a real one.

    A bulk load, so the indexes that back no constraint (the searches', the memberships' by union,
    the partial unique index of one active membership, the trigram index) are dropped first and
    built again after the last COPY, each from the statement pg_indexes held for it: maintaining
    them row by row through ten million random positions is most of a load's time. The primary keys
    and the ID hash's unique constraint stay (they grow at their right end here)."""
    import psycopg

    names = _province_names()
    with psycopg.connect(env["DATABASE_URL"]) as c:
        have = c.execute("SELECT count(*) FROM members_membership WHERE ended_on IS NULL").fetchone()[0]
        if have >= target:
            log(f"  province: the zone holds {have:,} members already, none added")
            return
        zone_id, zone_path, zone_depth = c.execute(
            "SELECT id, path, depth FROM orgs_organisation WHERE code='ZONE'"
        ).fetchone()
        ancestors = [
            r[0]
            for r in c.execute("SELECT id FROM orgs_organisation WHERE %s LIKE path || '%%'", [zone_path])
        ]
        person_next = c.execute("SELECT coalesce(max(id), 0) + 1 FROM members_person").fetchone()[0]
        member_next = c.execute("SELECT coalesce(max(id), 0) + 1 FROM members_membership").fetchone()[0]
        c.execute("SET synchronous_commit = off")
        c.execute("SET maintenance_work_mem = '1GB'")
        indexes = _secondary_indexes(c)
        for name, _statement in indexes:
            c.execute(f'DROP INDEX "{name}"')
        c.commit()
        log(f"  province: {len(indexes)} indexes dropped for the load: {', '.join(n for n, _ in indexes)}")
        batch = 1_000_000
        k = c.execute("SELECT count(*) FROM orgs_organisation WHERE code LIKE 'PROV%%'").fetchone()[0]
        started = time.perf_counter()
        try:
            while have < target:
                n = min(batch, target - have)
                code = f"PROV{k:03d}"
                union_id = c.execute(
                    "INSERT INTO orgs_organisation (code, name, kind, parent_id, path, depth, address, phone)"
                    " VALUES (%s, %s, 'enterprise_union', %s, %s, %s, '', '') RETURNING id",
                    [code, f"基准省域工会{k:03d}", zone_id, f"{zone_path}{code}/", zone_depth + 1],
                ).fetchone()[0]
                with c.cursor().copy(
                    "COPY members_person (id, name, name_initials, name_pinyin, id_hash, id_encrypted,"
                    " id_masked, birth_year, gender, mobile, ethnicity, education, occupation, skill_level,"
                    " created_at) FROM STDIN"
                ) as copy:
                    for pid in range(person_next, person_next + n):
                        name, initials, pinyin = names[pid % NAME_CYCLE]
                        copy.write_row(
                            (
                                pid,
                                name,
                                initials,
                                pinyin,
                                f"prov{pid:060d}",
                                "x",
                                f"**************{pid % 10000:04d}",
                                1980 + pid % 25,
                                "MF"[pid % 2],
                                f"1{(pid * 7919) % 10**10:010d}",
                                "",
                                "",
                                "",
                                "",
                                "2025-01-01T00:00:00Z",
                            )
                        )
                with c.cursor().copy(
                    "COPY members_membership (id, person_id, union_id, card_number, started_on, start_reason,"
                    " end_reason, note, created_at) FROM STDIN"
                ) as copy:
                    for i in range(n):
                        copy.write_row(
                            (
                                member_next + i,
                                person_next + i,
                                union_id,
                                "",
                                "2023-06-01",
                                "joined",
                                "",
                                "",
                                "2025-01-01T00:00:00Z",
                            )
                        )
                for organisation_id in [*ancestors, union_id]:
                    c.execute(
                        "INSERT INTO members_membermonth (organisation_id, month, started, ended, new)"
                        " VALUES (%s, '2023-06-01', %s, 0, %s) ON CONFLICT (organisation_id, month)"
                        " DO UPDATE SET started = members_membermonth.started + EXCLUDED.started,"
                        " new = members_membermonth.new + EXCLUDED.new",
                        [organisation_id, n, n],
                    )
                c.commit()
                person_next, member_next, have, k = person_next + n, member_next + n, have + n, k + 1
                log(f"  province: {have:,} members ({time.perf_counter() - started:.0f} s)")
        finally:
            c.rollback()
            for name, statement in indexes:
                began = time.perf_counter()
                c.execute(statement)
                c.commit()
                log(f"  province: {name} built in {time.perf_counter() - began:.0f} s")
        for table in PROVINCE_TABLES:
            c.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
            )
        c.commit()
        load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
        log(f"  province: filled in {time.perf_counter() - started:.0f} s (load average {load})")


def sizes(env: dict, log) -> None:
    """What the people and memberships weigh on PostgreSQL: each table with its indexes, and each index."""
    import psycopg

    with psycopg.connect(env["DATABASE_URL"]) as c:
        for table in PROVINCE_TABLES:
            rows, total = c.execute(
                "SELECT pg_relation_size(%s), pg_total_relation_size(%s)", [table, table]
            ).fetchone()
            log(f"  {table}: {rows / 2**20:,.0f} MB of rows, {total / 2**20:,.0f} MB with indexes and TOAST")
            for name, size in c.execute(
                "SELECT indexname, pg_relation_size(quote_ident(indexname)::regclass) FROM pg_indexes"
                " WHERE schemaname = current_schema() AND tablename = %s ORDER BY 2 DESC",
                [table],
            ):
                log(f"    {name}: {size / 2**20:,.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--members", type=int, default=1_000_000)
    parser.add_argument("--databases", default="postgres,sqlite")
    parser.add_argument("--unions", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--province", type=int, help="PostgreSQL: then this many members by COPY")
    parser.add_argument("--workdir", type=Path, help="where rosters are kept between runs")
    parser.add_argument("--keep", action="store_true", help="keep the databases")
    parser.add_argument(
        "--on",
        metavar="DATABASE_URL",
        help="time a kept city database again (after --province if given) against the demo's times of "
        "the run that built it (kept in --workdir)",
    )
    parser.add_argument(
        "--against",
        metavar="DATABASE_URL",
        help="with --on: a demo database timed in turns with the city instead of the demo's kept times",
    )
    parser.add_argument("--rounds", type=int, default=3, help="with --against: turns of each")
    parser.add_argument("--child-time", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_time:
        os.environ.update({k: v for k, v in ENV.items() if k not in os.environ})
        print(json.dumps(child_time(args.repeat)))
        return
    os.environ.update({k: v for k, v in ENV.items() if k not in os.environ})
    import django

    django.setup()

    def log(line: str) -> None:
        print(line, flush=True)

    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="gonghui-scale-"))
    workdir.mkdir(parents=True, exist_ok=True)
    if args.on:
        kind = "postgres" if args.on.startswith("postgres") else "sqlite"
        env = {**os.environ, **ENV, "DATABASE_URL": args.on, "GONGHUI_VAR_DIR": str(workdir / f"var-{kind}")}
        members = args.members
        if args.province:
            province(env, args.province, log)
            members = args.province
        Database(kind, workdir).analyze(env)
        if args.against:
            demo_env = {**env, "DATABASE_URL": args.against}
            Database(kind, workdir).analyze(demo_env)
            demo, city = _in_turns(demo_env, env, args.rounds, args.repeat)
        else:
            demo = json.loads((workdir / f"demo-{kind}.json").read_text())
            city = _time_pages(env, args.repeat)
        _table(kind, demo, city, members, log)
        return
    started = time.perf_counter()
    city = args.members > DEMO_MEMBERS
    rosters = _rosters(workdir, args.members - DEMO_MEMBERS, args.unions) if city else []
    log(f"rosters: {len(rosters)} files in {workdir}, {time.perf_counter() - started:.0f} s")
    for kind in args.databases.split(","):
        database = Database(kind, workdir)
        try:
            env = database.fresh()
            _run(env, "-m", "gonghui", "migrate", "-v0")
            _, seconds = _run(env, "-m", "gonghui", "demo", "--no-serve")
            log(f"{kind}: demo loaded in {seconds:.0f} s")
            database.analyze(env)
            demo = _time_pages(env, args.repeat)
            (workdir / f"demo-{kind}.json").write_text(json.dumps(demo))
            if city:
                _run(env, "-c", SEED.format(unions=args.unions, names=ENTERPRISES))
                started = time.perf_counter()
                for k, path in enumerate(rosters):
                    _run(env, "-m", "gonghui", "import-members", str(path), "--union", f"CITY{k:03d}")
                log(f"{kind}: {len(rosters)} rosters imported in {time.perf_counter() - started:.0f} s")
                database.analyze(env)
                _table(kind, demo, _time_pages(env, args.repeat), args.members, log)
            if args.province and kind == "postgres":
                province(env, args.province, log)
                started = time.perf_counter()
                database.analyze(env)
                log(f"{kind}: VACUUM ANALYZE in {time.perf_counter() - started:.0f} s")
                sizes(env, log)
                _table(f"{kind} province", demo, _time_pages(env, args.repeat), args.province, log)
        finally:
            if not args.keep:
                database.drop()
            else:
                log(f"{kind}: kept at {env['DATABASE_URL']}")


if __name__ == "__main__":
    main()
