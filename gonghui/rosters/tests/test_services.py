from datetime import date, timedelta

import pytest
from django.http import Http404
from python_calamine import CalamineWorkbook

from gonghui.core import crypto
from gonghui.core.models import AuditLog
from gonghui.core.scope import SystemActor
from gonghui.demo.fake import Faker
from gonghui.members.models import Membership, Person
from gonghui.members.services import member_leave
from gonghui.members.tests.factories import SETUP, make_member
from gonghui.rosters.excel import RosterFileError
from gonghui.rosters.services import error_report_write, roster_import
from gonghui.rosters.tests.files import HEADERS, member_row, valid_id, write_xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture
def faker():
    return Faker(seed=99)


def run(tmp_path, rows, union, by, **kwargs):
    path = write_xlsx(tmp_path / "roster.xlsx", rows, headers=kwargs.pop("headers", HEADERS))
    return roster_import(path=path, union=union, by=by, **kwargs)


def reasons(result) -> list[str]:
    return [str(p) for p in result.problems]


def test_a_clean_roster_lands_with_history_encryption_and_audit(
    tmp_path, faker, union_a, enterprise_a, admin_a
):
    rows = [member_row(faker, enterprise_a.name) for _ in range(3)]
    result = run(tmp_path, rows, union_a, admin_a)
    assert result.summary() == {"rows": 3, "created": 3, "unchanged": 0, "conflicts": 0, "errors": 0}
    for row in rows:
        person = Person.objects.get(id_hash=crypto.lookup_hash(row[1]))
        assert person.name == row[0] and person.reveal_id_number() == row[1]
        assert person.id_encrypted != row[1] and person.name_initials
        membership = person.memberships.get()
        assert (membership.union, membership.enterprise, membership.started_on) == (
            union_a,
            enterprise_a,
            date(2024, 3, 1),
        )
        assert AuditLog.objects.filter(action="membership.join", object_id=str(membership.pk)).exists()
    assert AuditLog.objects.get(action="roster.import").detail["created"] == 3


def test_importing_the_same_file_twice_changes_nothing(tmp_path, faker, union_a, enterprise_a, admin_a):
    rows = [member_row(faker, enterprise_a.credit_code) for _ in range(4)]
    run(tmp_path, rows, union_a, admin_a)
    again = run(tmp_path, rows, union_a, admin_a)
    assert again.summary() == {"rows": 4, "created": 0, "unchanged": 4, "conflicts": 0, "errors": 0}
    assert Membership.objects.count() == 4 and Person.objects.count() == 4


def test_a_member_of_another_union_is_a_conflict_naming_it_never_moved(
    tmp_path, faker, union_a, enterprise_a, admin_a, member_b
):
    number = member_b.person.reveal_id_number()
    rows = [member_row(faker, enterprise_a.name, id_number=number, name=member_b.person.name)]
    result = run(tmp_path, rows, union_a, admin_a)
    assert result.summary()["conflicts"] == 1 and result.summary()["created"] == 0
    assert "乙公司工会" in reasons(result)[0] and "第2行" in reasons(result)[0]
    assert member_b.person.memberships.get().union == member_b.union


def test_a_former_member_rejoins(tmp_path, faker, union_a, enterprise_a, admin_a, member_b):
    member_leave(membership=member_b, on=date(2023, 1, 1), by=SETUP)
    person = member_b.person
    rows = [
        member_row(
            faker,
            enterprise_a.name,
            id_number=person.reveal_id_number(),
            name=person.name,
            mobile="13912345678",
            started_on=date(2024, 2, 1),
        )
    ]
    result = run(tmp_path, rows, union_a, admin_a)
    assert result.summary()["created"] == 1
    person.refresh_from_db()
    assert person.mobile == "13912345678"
    assert list(person.memberships.order_by("started_on").values_list("union__code", flat=True)) == [
        "UB",
        "UA",
    ]


def test_a_former_member_cannot_rejoin_before_their_last_membership_ended(
    tmp_path, faker, union_a, enterprise_a, admin_a, member_b
):
    member_leave(membership=member_b, on=date(2023, 1, 1), by=SETUP)
    person = member_b.person
    row = member_row(
        faker,
        enterprise_a.name,
        id_number=person.reveal_id_number(),
        name=person.name,
        started_on=date(2022, 12, 31),
    )
    result = run(tmp_path, [row], union_a, admin_a)
    assert [(p.row, p.column, p.reason) for p in result.problems] == [
        (2, "入会日期", "入会日期不能早于该人员上一段会员关系的结束日期2023-01-01")
    ]
    assert result.summary()["created"] == 0 and person.memberships.count() == 1


def test_every_row_rule_names_row_column_and_reason(
    tmp_path, faker, union_a, enterprise_a, enterprise_b, admin_a
):
    good = valid_id(faker)
    female = valid_id(faker, gender="F")
    too_young = valid_id(faker, born=date.today() - timedelta(days=365 * 15 + 30))
    rows = [
        member_row(faker, enterprise_a.name, id_number=good),  # 2: fine
        member_row(faker, enterprise_a.name, id_number=good),  # 3: duplicate of row 2
        member_row(faker, enterprise_a.name, id_number="360902199001011235"),  # 4: checksum
        member_row(faker, enterprise_a.name, mobile="1234"),  # 5: mobile
        member_row(faker, enterprise_b.name),  # 6: another union's enterprise
        member_row(faker, enterprise_a.name, started_on=date.today() + timedelta(days=3)),  # 7: future
        member_row(faker, enterprise_a.name, id_number=female, gender="男"),  # 8: gender mismatch
        member_row(faker, enterprise_a.name, id_number=too_young, started_on=date.today()),  # 9: age
        member_row(faker, enterprise_a.name, started_on="2024-02-30"),  # 10: bad date
        member_row(faker, enterprise_a.name, name='=HYPERLINK("x")'),  # 11: formula as a name
        member_row(faker, enterprise_a.name, id_number=3.60902199001011e17),  # 12: ID as a number
        member_row(
            faker, enterprise_a.name, id_number=good[:17] if good[17] == "X" else good[:17]
        ),  # 13: 17 digits
        member_row(faker, "", name=""),  # 14: required cells empty
    ]
    result = run(tmp_path, rows, union_a, admin_a)
    problems = reasons(result)
    expected = [
        "第3行 公民身份号码：与第2行重复",
        "第4行 公民身份号码：公民身份号码校验码错误",
        "第5行 手机号码：手机号码应为11位",
        "第6行 用工单位：“乙新能源有限公司”不是本工会覆盖的企业",
        "第7行 入会日期：不能晚于今天",
        "第8行 性别：与公民身份号码中的性别不一致",
        "第9行 公民身份号码：入会时年龄为15周岁",
        "第10行 入会日期：应为Excel日期或 YYYY-MM-DD",
        "第11行 姓名：含有不能用于姓名的字符",
        "第12行 公民身份号码：单元格是数字格式",
        "第13行 公民身份号码：公民身份号码应为18位，当前为17位（末位X可能丢失）",
        "第14行 姓名：必填",
        "第14行 用工单位：必填",
    ]
    for text in expected:
        assert any(p.startswith(text) for p in problems), (text, problems)
    assert result.summary() == {"rows": 13, "created": 1, "unchanged": 0, "conflicts": 0, "errors": 12}
    assert Membership.objects.count() == 1


def test_characters_outside_the_bmp_middle_dots_full_width_and_floats(
    tmp_path, faker, union_a, enterprise_a, admin_a
):
    number = valid_id(faker)
    full_width = "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in number)
    rows = [
        member_row(faker, enterprise_a.name, name="𠮷𪚥", id_number=f" {full_width[:6]} {full_width[6:]} "),
        member_row(faker, enterprise_a.name, name="买买提•艾力", mobile=13800138000.0),
        member_row(
            faker, f" {enterprise_a.name} ", name="王　芳", mobile="138 0013 8001", started_on="2024/3/5"
        ),
    ]
    result = run(tmp_path, rows, union_a, admin_a)
    assert result.summary()["created"] == 3, reasons(result)
    names = set(Person.objects.values_list("name", flat=True))
    assert names == {"𠮷𪚥", "买买提·艾力", "王 芳"}
    assert Person.objects.get(name="𠮷𪚥").reveal_id_number() == number
    assert Person.objects.get(name="买买提·艾力").mobile == "13800138000"
    assert Membership.objects.get(person__name="王 芳").started_on == date(2024, 3, 5)


def test_a_dry_run_writes_nothing_but_the_audit_row(tmp_path, faker, union_a, enterprise_a, admin_a):
    rows = [member_row(faker, enterprise_a.name) for _ in range(2)]
    result = run(tmp_path, rows, union_a, admin_a, dry_run=True)
    assert result.summary()["created"] == 2
    assert not Person.objects.exists() and not Membership.objects.exists()
    assert AuditLog.objects.filter(action="roster.check").count() == 1


def test_missing_required_columns_is_one_error_for_the_file(tmp_path, faker, union_a, enterprise_a, admin_a):
    rows = [member_row(faker, enterprise_a.name)[:3]]
    with pytest.raises(RosterFileError, match="缺少必填列：用工单位、入会日期"):
        run(tmp_path, rows, union_a, admin_a, headers=HEADERS[:3])


def test_extra_columns_and_header_spacing_are_tolerated(tmp_path, faker, union_a, enterprise_a, admin_a):
    headers = ["序号", *(f" {h} " for h in HEADERS), "备注"]
    rows = [[1, *member_row(faker, enterprise_a.name), "x"]]
    assert run(tmp_path, rows, union_a, admin_a, headers=headers).summary()["created"] == 1


def test_another_unions_admin_cannot_import_into_union_a(tmp_path, faker, union_a, enterprise_a, admin_b):
    with pytest.raises(Http404):
        run(tmp_path, [member_row(faker, enterprise_a.name)], union_a, admin_b)


def test_the_system_actor_is_audited_as_the_os_user(tmp_path, faker, union_a, enterprise_a):
    run(tmp_path, [member_row(faker, enterprise_a.name)], union_a, SystemActor("ops"))
    assert set(AuditLog.objects.values_list("actor_username", flat=True)) == {"system:ops"}


def test_a_database_refusal_midway_leaves_nothing(
    tmp_path, faker, union_a, enterprise_a, admin_a, monkeypatch
):
    from gonghui.rosters import bulk

    rows = [member_row(faker, enterprise_a.name) for _ in range(3)]
    calls = []
    original = bulk.insert

    def failing_insert(model, fields, rows, **options):
        calls.append(model)
        if model is Membership:
            raise RuntimeError("disk full")
        original(model, fields, rows, **options)

    monkeypatch.setattr(bulk, "insert", failing_insert)
    with pytest.raises(RuntimeError):
        run(tmp_path, rows, union_a, admin_a)
    assert (
        calls
        and not Person.objects.exists()
        and not AuditLog.objects.filter(action__startswith="roster").exists()
    )


def test_the_error_report_is_the_original_rows_plus_a_reason(tmp_path, faker, union_a, enterprise_a, admin_a):
    rows = [member_row(faker, enterprise_a.name), member_row(faker, enterprise_a.name, mobile="12")]
    path = write_xlsx(tmp_path / "roster.xlsx", rows)
    result = roster_import(path=path, union=union_a, by=admin_a, dry_run=True)
    out = tmp_path / "report.xlsx"
    assert error_report_write(path=path, problems=result.problems, out=str(out)) == 1
    sheet = CalamineWorkbook.from_path(str(out)).get_sheet_by_index(0).to_python()
    assert sheet[0] == ["原行号", *HEADERS, "问题"]
    assert sheet[1][1:4] == rows[1][:3] and sheet[1][0] == "3"
    assert sheet[1][-1].startswith("手机号码：")


def test_a_known_person_under_another_name_is_an_error(
    tmp_path, faker, union_a, enterprise_a, admin_a, member_a
):
    rows = [member_row(faker, enterprise_a.name, id_number=member_a.person.reveal_id_number(), name="张四")]
    result = run(tmp_path, rows, union_a, admin_a)
    assert "姓名不一致" in reasons(result)[0] and "张三" not in reasons(result)[0]


def test_members_join_through_the_service_match_imported_ones(
    tmp_path, faker, union_a, enterprise_a, admin_a
):
    row = member_row(faker, enterprise_a.name, name="单田芳")
    run(tmp_path, [row], union_a, admin_a)
    imported = Person.objects.get()
    joined = make_member(union_a, name="单田芳").person
    assert (imported.name_initials, imported.name_pinyin) == (joined.name_initials, joined.name_pinyin)


@pytest.mark.parametrize("dry_run", [True, False])
def test_checking_in_several_processes_gives_the_same_result_in_the_same_order(
    tmp_path, faker, union_a, enterprise_a, enterprise_b, admin_a, settings, monkeypatch, dry_run
):
    from gonghui.rosters import services
    from gonghui.rosters.services import checking

    monkeypatch.setattr(checking, "CHUNK", 7)  # many chunks, several in flight at once
    good = valid_id(faker)
    rows = []
    for i in range(120):
        if i % 10 == 3:
            rows.append(member_row(faker, enterprise_a.name, id_number=good))  # duplicates of row 2
        elif i % 10 == 5:
            rows.append(member_row(faker, enterprise_b.name, mobile="1234"))
        elif i % 10 == 7:
            rows.append(member_row(faker, enterprise_a.name, id_number="360902199001011235"))
        elif i == 0:
            rows.append(member_row(faker, enterprise_a.name, id_number=good))
        else:
            rows.append(member_row(faker, enterprise_a.name))
    path = write_xlsx(tmp_path / "roster.xlsx", rows)
    results = {}
    for processes in (1, 2):
        settings.ROSTER_PARALLEL_MIN_ROWS = 1 if processes > 1 else 10**9
        settings.ROSTER_PROCESSES = processes
        results[processes] = roster_import(path=path, union=union_a, by=admin_a, dry_run=True)
    assert results[1].summary() == results[2].summary()
    assert results[1].problems == results[2].problems
    assert results[1].problems[0] == services.Problem(5, "公民身份号码", results[1].problems[0].reason)
    if not dry_run:  # still with two processes: the people land in the file's order
        result = roster_import(path=path, union=union_a, by=admin_a)
        assert result.summary() == results[2].summary() and result.problems == results[2].problems
        bad_rows = {p.row for p in result.problems}
        expected = [row[1] for number, row in enumerate(rows, start=2) if number not in bad_rows]
        people = Person.objects.order_by("id")
        assert [crypto.decrypt(p.id_encrypted) for p in people] == expected
