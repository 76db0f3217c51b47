import json
import os
import signal
from io import StringIO

import pytest
from django.core.management import call_command
from python_calamine import CalamineWorkbook

from gonghui.core.models import AuditLog
from gonghui.demo.fake import Faker
from gonghui.members.models import Membership
from gonghui.rosters.tests.files import HEADERS, member_row, roster_rows, write_xlsx

pytestmark = pytest.mark.django_db


def command(*args) -> tuple[int, str, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command(*args, stdout=out, stderr=err)
        code = 0
    except SystemExit as e:
        code = e.code
    except Exception as e:  # CommandError outside run_from_argv
        code = getattr(e, "returncode", 1)
        err.write(str(e))
    return code, out.getvalue(), err.getvalue()


def test_import_members_json_contract(tmp_path, union_a, enterprise_a):
    faker = Faker(seed=5)
    rows = [member_row(faker, enterprise_a.name) for _ in range(3)] + [
        member_row(faker, enterprise_a.name, mobile="1")
    ]
    path = write_xlsx(tmp_path / "r.xlsx", rows)
    code, out, _err = command("import_members", str(path), "--union", "UA", "--json")
    assert code == 0
    assert json.loads(out) == {"rows": 4, "created": 3, "unchanged": 0, "conflicts": 0, "errors": 1}
    code, out, _err = command("import_members", str(path), "--union", "UA", "--json")
    assert json.loads(out)["unchanged"] == 3 and Membership.objects.count() == 3


def test_dry_run_and_error_report(tmp_path, union_a, enterprise_a):
    faker = Faker(seed=6)
    rows = [member_row(faker, enterprise_a.name), member_row(faker, enterprise_a.name, started_on="昨天")]
    path = write_xlsx(tmp_path / "r.xlsx", rows)
    report = tmp_path / "errors.xlsx"
    code, out, _err = command(
        "import_members", str(path), "--union", "UA", "--dry-run", "--error-report", str(report)
    )
    assert code == 0 and "试运行" in out and "第3行 入会日期" in out
    assert not Membership.objects.exists()
    sheet = CalamineWorkbook.from_path(str(report)).get_sheet_by_index(0).to_python()
    assert len(sheet) == 2 and sheet[1][-1].startswith("入会日期：")


class Terminal(StringIO):
    def isatty(self) -> bool:
        return True


def test_on_a_terminal_a_progress_bar_runs_to_the_end_then_says_it_is_writing(
    tmp_path, monkeypatch, union_a, enterprise_a
):
    path = write_xlsx(tmp_path / "r.xlsx", roster_rows(5, [enterprise_a.name]))
    terminal = Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    assert command("import_members", str(path), "--union", "UA")[0] == 0
    shown = terminal.getvalue()
    assert shown.rstrip().endswith("\r处理 [" + "#" * 30 + "] 5/5\n正在写入数据库……")


@pytest.mark.parametrize("content", [b"", b"name,id\n\xe5\xbc\xa0,1\n", b"PK\x03\x04 not a zip at all"])
def test_an_unreadable_file_exits_2(tmp_path, union_a, content):
    path = tmp_path / "r.xlsx"
    path.write_bytes(content)
    code, _out, err = command("import_members", str(path), "--union", "UA")
    assert code == 2 and err


def test_an_unknown_union_or_one_outside_the_actor_scope_exits_2(tmp_path, union_a, enterprise_a, admin_b):
    path = write_xlsx(tmp_path / "r.xlsx", [member_row(Faker(seed=1), enterprise_a.name)])
    assert command("import_members", str(path), "--union", "NOPE")[0] == 2
    code, _out, err = command("import_members", str(path), "--union", "UA", "--as", "admin-b")
    assert code == 2 and "管理范围" in err
    assert not Membership.objects.exists()


def test_acting_as_a_union_admin_is_audited_as_them(tmp_path, union_a, enterprise_a, admin_a):
    path = write_xlsx(tmp_path / "r.xlsx", [member_row(Faker(seed=2), enterprise_a.name)])
    assert command("import_members", str(path), "--union", "UA", "--as", "admin-a", "--json")[0] == 0
    assert AuditLog.objects.get(action="roster.import").actor == admin_a


def test_roster_template_command(tmp_path):
    out = tmp_path / "template.xlsx"
    assert command("roster_template", str(out))[0] == 0
    book = CalamineWorkbook.from_path(str(out))
    assert book.sheet_names == ["会员名册", "填写说明"]
    assert book.get_sheet_by_index(0).to_python()[0] == HEADERS


def test_kill_9_midway_leaves_the_database_unchanged_and_the_file_can_be_rerun(scratch):
    path = write_xlsx(scratch.path / "big.xlsx", roster_rows(12_000, ["甲锂电有限公司"], seed=77))
    process = scratch.gonghui_paused_while_writing("import-members", str(path), "--union", "UA", "--json")
    try:
        assert scratch.counts()["people"] == 0  # the written batches are not visible to others
        os.kill(process.pid, signal.SIGKILL)
    finally:
        process.kill()
        process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL
    assert scratch.counts() == {"people": 0, "memberships": 0, "audit": 0}
    again = scratch.gonghui("import-members", str(path), "--union", "UA", "--json")
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["created"] == 12_000
    assert scratch.counts() == {"people": 12_000, "memberships": 12_000, "audit": 12_001}


def test_the_template_example_row_is_refused_if_left_in(tmp_path, union_a, enterprise_a):
    out = tmp_path / "template.xlsx"
    assert command("roster_template", str(out), "--union", "UA")[0] == 0
    code, out_text, _err = command("import_members", str(out), "--union", "UA")
    assert code == 0 and "示例行" in out_text and not Membership.objects.exists()
