"""Issue 3's "done when": a union admin imports a messy 10,000-row roster from the browser, sees every
bad row with its reason, downloads the error report, fixes and re-imports it with nothing duplicated.

The 10,000-row file is over the background threshold, so its check and its import run in a real
`gonghui db_worker` process on the live server's database, while the page's progress bar follows.
"""

import os
import subprocess
import sys
import time
from datetime import date, datetime, timedelta

import openpyxl
import pytest
from django.db import connection
from django.db.models import Count
from django.utils import timezone
from playwright.sync_api import expect
from stdnum.cn import ric

from gonghui.core import crypto
from gonghui.core.models import AuditLog
from gonghui.demo.fake import Faker
from gonghui.members.models import Membership, Person
from gonghui.rosters.models import ImportJob
from gonghui.rosters.tests.files import member_row, write_xlsx

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROWS = 10_000
EACH = 20  # rows of each kind of mistake
UNKNOWN_EMPLOYER = "无名科技有限公司"
# column positions in the template (and, shifted by one, in the error report after 原行号)
NAME, ID, MOBILE, EMPLOYER, JOINED, GENDER = range(6)


def _gender(id_number: str) -> str:
    return "男" if int(id_number[16]) % 2 else "女"


def messy_roster(enterprise: str, conflict: tuple[str, str]) -> tuple[list[list], dict, dict]:
    """10,000 rows with a fixed seed: mostly valid, some wrong in one way each.

    Returns the rows, {sheet row: (kind, column, reason shown)} for the bad ones, and {sheet row: good row}
    for those a clerk can correct.
    """
    faker = Faker(seed=20250301)
    today = timezone.localdate()
    rows = [
        member_row(faker, enterprise, started_on=faker.date_between(date(2020, 1, 1), date(2024, 12, 31)))
        for _ in range(ROWS)
    ]
    bad: dict[int, tuple[str, str]] = {}
    good: dict[int, list] = {}
    slots = iter(range(100, ROWS, 73))  # spread over the file, never the same row twice

    def spoil(kind: str, column: str, reason: str, change) -> None:
        index = next(slots)
        good[index + 2] = list(rows[index])
        change(rows[index])
        bad[index + 2] = (kind, column, reason)

    for i in range(EACH):

        def check_digit(row):
            last = row[ID][17]
            row[ID] = row[ID][:17] + ("0" if last != "0" else "1")

        def birth_date(row, i=i):
            body = f"362201199{i % 10}0230{100 + i:03d}"  # 30 February
            row[ID], row[GENDER] = body + ric.calc_check_digit(body + "0"), ""

        def landline(row, i=i):
            row[MOBILE] = f"0795-32{i:05d}" if i % 2 else f"12{i:09d}"

        def future(row, i=i):
            row[JOINED] = today + timedelta(days=10 + i)

        def employer(row):
            row[EMPLOYER] = UNKNOWN_EMPLOYER

        spoil("check_digit", "公民身份号码", "公民身份号码校验码错误", check_digit)
        spoil("birth_date", "公民身份号码", "公民身份号码中的出生日期无效", birth_date)
        spoil("mobile", "手机号码", "手机号码应为11位大陆手机号", landline)
        spoil("future", "入会日期", "不能晚于今天", future)
        spoil("employer", "用工单位", f"“{UNKNOWN_EMPLOYER}”不是本工会覆盖的企业", employer)
        # the same person typed twice: the second copy is refused, and stays correct as it is
        index = next(slots)
        rows[index] = list(rows[index - 50])  # never a spoiled row: those are 73 apart from 100
        bad[index + 2] = ("duplicate", "公民身份号码", f"与第{index - 50 + 2}行重复")

    # names outside the Basic Multilingual Plane and with the middle dot, full-width digits: all valid
    rows[10] = member_row(faker, enterprise, name="𠮷田")
    rows[11] = member_row(faker, enterprise, name="买买提·艾力")
    rows[12] = member_row(faker, enterprise, name="阿依古丽·买买提")
    full_width = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")
    rows[13][ID] = rows[13][ID].translate(full_width)
    rows[14][MOBILE] = rows[14][MOBILE].translate(full_width)
    # someone already active in union B
    rows[15] = member_row(faker, enterprise, name=conflict[0], id_number=conflict[1])
    bad[15 + 2] = ("conflict", "公民身份号码", "冲突该人员已是乙公司工会的在册会员")  # badge, reason
    return rows, bad, good


@pytest.fixture
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def task_worker(live_server, media, settings, tmp_path):
    """Roster jobs go to the database queue; start() runs `gonghui db_worker` on the live server's
    database and media, as production does. Stopped before the test database is flushed."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        url = f"sqlite:///{db['NAME']}"
    else:
        url = f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    env = {
        **os.environ,  # the test settings' SECRET_KEY and GONGHUI_FIELD_KEY: the same hashes and keys
        "DJANGO_SETTINGS_MODULE": "gonghui.settings",
        "DATABASE_URL": url,
        "DB_CONN_MAX_AGE": "0",
        "MEDIA_ROOT": str(media),
        "GONGHUI_VAR_DIR": str(tmp_path / "var"),
    }
    env.pop("TASKS_BACKEND", None)
    log = open(tmp_path / "worker.log", "w+")  # noqa: SIM115 (closed below)
    processes = []

    def start():
        processes.append(
            subprocess.Popen(  # noqa: S603 (our own interpreter and command)
                [sys.executable, "-m", "gonghui", "db_worker", "--interval", "0.2", "--no-startup-delay"],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        )

    yield start
    for process in processes:
        process.terminate()
        process.wait(timeout=30)
    log.seek(0)
    output = log.read()
    log.close()
    assert "Traceback" not in output, output


def watch(page, done: str, timeout: float = 45) -> list[int]:
    """Follows the job page (htmx polls it every second) until the state reads `done`; returns the
    values the progress bar went through."""
    seen: list[int] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        state, value = page.evaluate(
            """() => [document.querySelector('#job-status .job-state b')?.textContent,
                      document.querySelector('#job-status progress')?.value]"""
        )
        if value is not None and (not seen or seen[-1] != value):
            seen.append(int(value))
        if state == done:
            return seen
        assert state != "失败", page.locator("#job-status .job-state").inner_text()
        time.sleep(0.1)
    raise AssertionError(f"still {state!r} after {timeout}s; progress seen {seen}")


def summary(page) -> dict:
    values = page.locator("#job-status dl.summary dd").all_inner_texts()
    return dict(
        zip(
            ("rows", "created", "unchanged", "conflicts", "errors"),
            (int(v.replace(",", "")) for v in values),
            strict=True,
        )
    )


def test_union_admin_imports_a_messy_roster_fixes_the_bad_rows_and_reimports_them(
    sign_in, live_server, task_worker, tmp_path, admin_a, union_a, enterprise_a, member_b
):
    page = sign_in(admin_a)

    # the template, from the union page
    page.click("nav >> text=组织")
    page.click("main >> text=甲公司工会")
    with page.expect_download() as download:
        page.get_by_role("link", name="下载名册模板").click()
    template = tmp_path / "template.xlsx"
    download.value.save_as(template)
    headers = [cell.value for cell in openpyxl.load_workbook(template, read_only=True).worksheets[0][1]]

    # the clerk fills it: 10,000 rows, some of them wrong
    conflict = (member_b.person.name, member_b.person.reveal_id_number())
    rows, bad, good = messy_roster(enterprise_a.name, conflict)
    roster = write_xlsx(tmp_path / "甲公司会员名册.xlsx", rows, headers=headers)

    # upload: too big to check within the request, so it waits for the worker
    page.get_by_role("link", name="导入名册").click()
    expect(page.locator("#id_union")).to_have_value(str(union_a.pk))
    page.set_input_files("#id_file", str(roster))
    page.click("button:has-text('上传并检查')")
    expect(page.locator("#job-status .job-state b")).to_have_text("等待检查")
    expect(page.locator("#job-status progress")).to_have_attribute("value", "0")
    task_worker()
    progress = watch(page, "检查完成，待确认")
    print("progress of the check", progress)
    assert progress[0] == 0 and progress[-1] == 100 and progress == sorted(progress), progress
    expect(page.locator("#job-status")).to_contain_text(f"已处理 {ROWS:,} / {ROWS:,} 行")
    errors = len(bad) - 1
    assert summary(page) == {
        "rows": ROWS,
        "created": ROWS - len(bad),
        "unchanged": 0,
        "conflicts": 1,
        "errors": errors,
    }
    assert not Membership.objects.filter(union=union_a).exists()  # a dry run

    # every bad row is on the page, with its reason
    shown = page.locator("#job-status table.problems tbody tr").all_inner_texts()
    assert len(shown) == len(bad)
    by_row = {int(row): (column, reason) for row, column, reason in (t.split("\t") for t in shown)}
    assert set(by_row) == set(bad)
    for row, (_kind, column, reason) in bad.items():
        assert by_row[row][0] == column and by_row[row][1].startswith(reason), (row, by_row[row])
    expect(page.locator("#job-status tr.conflict")).to_contain_text("冲突")

    # the error report: the original rows plus the reason
    with page.expect_download() as download:
        page.get_by_role("link", name="下载问题行报告").click()
    report = tmp_path / "问题行.xlsx"
    download.value.save_as(report)
    assert download.value.suggested_filename == "甲公司会员名册-问题行.xlsx"

    # confirm: the good rows are imported by the worker; the bar runs to the end
    page.click(f"button:has-text('确认导入（新增 {ROWS - len(bad)} 人）')")
    progress = watch(page, "导入完成")
    print("progress of the import", progress)
    assert progress[-1] == 100 and progress == sorted(progress), progress
    assert summary(page)["created"] == ROWS - len(bad)
    imported = Membership.objects.filter(union=union_a, ended_on__isnull=True)
    assert imported.count() == ROWS - len(bad)
    names = set(imported.values_list("person__name", flat=True))
    assert {"𠮷田", "买买提·艾力", "阿依古丽·买买提"} <= names
    full_width_id = rows[13][ID].translate(str.maketrans("０１２３４５６７８９Ｘ", "0123456789X"))
    assert imported.filter(person__id_hash=crypto.lookup_hash(full_width_id)).exists()
    assert imported.filter(person__mobile=good_mobile(rows[14][MOBILE])).exists()

    # the clerk corrects the report; a transfer from union B is not theirs to make, so that row goes
    book = openpyxl.load_workbook(report)
    sheet = book.worksheets[0]
    assert [c.value for c in sheet[1]] == ["原行号", *headers, "问题"]
    for r in range(sheet.max_row, 1, -1):
        number = int(sheet.cell(r, 1).value)
        kind = bad[number][0]
        if kind == "conflict":
            sheet.delete_rows(r)
        elif kind != "duplicate":  # a duplicate is the same person again: left as it is
            for col, value in enumerate(good[number], start=2):
                cell = sheet.cell(r, col)
                cell.value = (
                    datetime.combine(value, datetime.min.time()) if isinstance(value, date) else value
                )
                if isinstance(value, date):
                    cell.number_format = "yyyy-mm-dd"
    fixed = tmp_path / "问题行-已改正.xlsx"
    book.save(fixed)

    # re-import it: small enough to be checked and imported within the request
    page.get_by_role("link", name="返回导入页").click()
    page.set_input_files("#id_file", str(fixed))
    page.click("button:has-text('上传并检查')")
    expect(page.locator("#job-status .job-state b")).to_have_text("检查完成，待确认")
    corrected = len(bad) - 1 - EACH
    assert summary(page) == {
        "rows": errors,
        "created": corrected,
        "unchanged": EACH,
        "conflicts": 0,
        "errors": 0,
    }
    expect(page.locator("#job-status table.problems")).to_have_count(0)
    page.click(f"button:has-text('确认导入（新增 {corrected} 人）')")
    expect(page.locator("#job-status .job-state b")).to_have_text("导入完成")

    # the original file once more: everyone it could import is now unchanged, nothing is new
    page.get_by_role("link", name="返回导入页").click()
    page.set_input_files("#id_file", str(roster))
    page.click("button:has-text('上传并检查')")
    watch(page, "检查完成，待确认")
    assert summary(page) == {
        "rows": ROWS,
        "created": 0,
        "unchanged": ROWS - len(bad),
        "conflicts": 1,
        "errors": errors,
    }

    # nothing duplicated: each person once, one active membership each, one audit row per join
    members = ROWS - len(bad) + corrected
    assert imported.count() == members
    assert Person.objects.count() == members + 1  # and union B's member, not moved
    assert not Person.objects.values("id_hash").annotate(n=Count("id")).filter(n__gt=1).exists()
    assert Membership.objects.filter(union=member_b.union, person=member_b.person, ended_on=None).exists()
    joins = AuditLog.objects.filter(action="membership.join", detail__via="roster_import")
    assert joins.count() == members
    jobs = ImportJob.objects.order_by("pk")
    assert [(j.status, j.summary["created"], j.summary["unchanged"]) for j in jobs] == [
        ("done", ROWS - len(bad), 0),
        ("done", corrected, EACH),
        ("checked", 0, ROWS - len(bad)),
    ]


def good_mobile(text: str) -> str:
    return text.translate(str.maketrans("０１２３４５６７８９", "0123456789"))
