"""The roster's round trip on the command line, at city scale, run on demand (not in the suite):

    .venv/bin/python -m bench.roundtrip --rows 1000000 [--databases sqlite,postgres]

Issue 3's "done when", with `gonghui import-members` itself in a process of its own: a messy roster
(fixed seed; one row in a hundred wrong in one of five ways) is imported with an error report; a
script plays the clerk and corrects the report's rows (a duplicate is left out: it is the same
person twice); the corrected report is imported; then the original file once more. Each step
prints its time, its summary and its peak memory, and the end checks that nothing was duplicated:
each person once, one active membership each, one audit row per membership.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from bench.roster import ENTERPRISES, ENV, Database, measured

UNKNOWN_EMPLOYER = "无名科技有限公司"
NAME, ID, MOBILE, EMPLOYER, JOINED = range(5)
KINDS = ("check_digit", "mobile", "future", "employer", "duplicate")


def messy(rows: list[list]) -> tuple[dict[int, str], dict[int, list]]:
    """Spoils one row in a hundred, in place. Returns {sheet row: kind} and the rows as they were."""
    bad, good = {}, {}
    today = date.today()
    for n, index in enumerate(range(150, len(rows), 100)):
        kind, row = KINDS[n % len(KINDS)], rows[index]
        good[index + 2] = list(row)
        if kind == "check_digit":
            row[ID] = row[ID][:17] + ("0" if row[ID][17] != "0" else "1")
        elif kind == "mobile":
            row[MOBILE] = f"0795-32{n % 100_000:05d}"
        elif kind == "future":
            row[JOINED] = today + timedelta(days=30)
        elif kind == "employer":
            row[EMPLOYER] = UNKNOWN_EMPLOYER
        else:
            rows[index] = list(rows[index - 50])  # the same person typed twice, 50 rows apart
        bad[index + 2] = kind
    return bad, good


def corrected(report: Path, bad: dict[int, str], good: dict[int, list], out: Path) -> int:
    """The clerk's work: each problem row of the error report put right, duplicates left out."""
    from python_calamine import CalamineWorkbook

    from gonghui.rosters.tests.files import write_xlsx

    sheet = CalamineWorkbook.from_path(str(report)).get_sheet_by_index(0).to_python()
    headers, fixed = sheet[0], []
    for row in sheet[1:]:
        number = int(row[0])
        if bad[number] != "duplicate":
            fixed.append([number, *good[number], ""])
    write_xlsx(out, fixed, headers=headers)
    return len(fixed)


def gonghui(env: dict, *args: str) -> tuple[dict, float, float]:
    """Runs `gonghui ARGS --json`; returns its summary, seconds and peak memory (PSS of its tree)."""
    stdout, seconds, peak_mb = measured(env, "-m", "gonghui", *args, "--json")
    return json.loads(stdout.strip().splitlines()[-1]), seconds, peak_mb


COUNTS = """
import django, json; django.setup()
from django.db.models import Count
from gonghui.core.models import AuditLog
from gonghui.members.models import Membership, Person
print(json.dumps({
    "people": Person.objects.count(),
    "memberships": Membership.objects.count(),
    "active": Membership.objects.active().count(),
    "people_with_two_active": Membership.objects.active().values("person").annotate(n=Count("id"))
        .filter(n__gt=1).count(),
    "join_audits": AuditLog.objects.filter(action="membership.join").count(),
}))
"""


def counts(env: dict) -> dict:
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-c", COUNTS], env=env, capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--databases", default="sqlite,postgres")
    args = parser.parse_args()
    os.environ.update({k: v for k, v in ENV.items() if k not in os.environ})
    import django

    django.setup()
    from gonghui.rosters.tests.files import roster_rows, write_xlsx

    workdir = Path(tempfile.mkdtemp(prefix="gonghui-roundtrip-"))
    started = time.perf_counter()
    rows = roster_rows(args.rows, ENTERPRISES, seed=2025)
    bad, good = messy(rows)
    roster = write_xlsx(workdir / "会员名册.xlsx", rows)
    del rows
    duplicates = sum(kind == "duplicate" for kind in bad.values())
    print(
        f"roster: {args.rows:,} rows, {len(bad):,} of them wrong ({duplicates:,} duplicates), "
        f"{roster.stat().st_size / 1e6:.1f} MB, generated in {time.perf_counter() - started:.0f} s"
    )
    expected_members = args.rows - duplicates

    for kind in args.databases.split(","):
        database = Database(kind, workdir)
        try:
            env = database.fresh()
            report, fixed = workdir / f"问题行-{kind}.xlsx", workdir / f"问题行-已改正-{kind}.xlsx"
            steps = [
                (
                    "import",
                    ("import-members", str(roster), "--union", "BENCH", "--error-report", str(report)),
                ),
                ("corrected", ("import-members", str(fixed), "--union", "BENCH")),
                ("again", ("import-members", str(roster), "--union", "BENCH")),
            ]
            wrong = len(bad)
            expected = {
                "import": {"created": args.rows - wrong, "unchanged": 0, "errors": wrong},
                "corrected": {"created": wrong - duplicates, "unchanged": 0, "errors": 0},
                "again": {"created": 0, "unchanged": args.rows - wrong, "errors": wrong},
            }
            print(f"\n{kind}")
            print(f"{'step':<10} {'seconds':>8} {'rows/s':>9} {'peak MB':>8}  summary")
            for step, command in steps:
                if step == "corrected":
                    made = corrected(report, bad, good, fixed)
                    print(
                        f"{'(clerk)':<10} corrected {made:,} rows of the error report, left out {duplicates:,}"
                    )
                summary, seconds, peak = gonghui(env, *command)
                print(
                    f"{step:<10} {seconds:>8.1f} {summary['rows'] / seconds:>9,.0f} {peak:>8.0f}  {summary}"
                )
                assert {key: summary[key] for key in expected[step]} == expected[step], (step, summary)
            found = counts(env)
            print(f"database   {found}")
            assert found == {
                "people": expected_members,
                "memberships": expected_members,
                "active": expected_members,
                "people_with_two_active": 0,
                "join_audits": expected_members,
            }, found
            print(
                f"nothing duplicated: {expected_members:,} people, each with one membership and its audit row"
            )
        finally:
            database.drop()


if __name__ == "__main__":
    main()
