import zipfile

import pytest
from django.http import Http404
from python_calamine import CalamineWorkbook

from gonghui.core import registry
from gonghui.core.models import AuditLog
from gonghui.core.roles import Role
from gonghui.members.models import Membership
from gonghui.members.tests.factories import make_member
from gonghui.rosters.services import EXPORT_HEADERS, roster_export, roster_import

pytestmark = pytest.mark.django_db


def read(path) -> list[list]:
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()


def test_a_union_admin_exports_their_union_in_full_and_it_is_audited(
    tmp_path, admin_a, union_a, member_a, member_b, django_assert_max_num_queries
):
    out = tmp_path / "out.xlsx"
    # 1 the organisation, in scope; 2 the memberships with person, union and employer (one query
    # however many rows); 3-6 the audit row (the chain head and the row) in its own transaction
    # (a savepoint inside the test's)
    with django_assert_max_num_queries(6):
        assert roster_export(user=admin_a, org=union_a, out=str(out)) == 1
    rows = read(out)
    assert rows[0] == EXPORT_HEADERS
    person = member_a.person
    assert rows[1][:3] == [person.name, person.reveal_id_number(), person.mobile]
    assert rows[1][-1] == "甲公司工会"
    log = AuditLog.objects.get(action="roster.export")
    assert (log.actor, log.detail) == (admin_a, {"org": "UA", "rows": 1, "masked": False, "full_ids": 1})


def test_another_unions_admin_gets_404(tmp_path, admin_b, union_a, member_a):
    with pytest.raises(Http404):
        roster_export(user=admin_b, org=union_a, out=str(tmp_path / "out.xlsx"))


def test_a_worker_gets_404(tmp_path, worker, union_a):
    with pytest.raises(Http404):
        roster_export(user=worker, org=union_a, out=str(tmp_path / "out.xlsx"))


def test_academy_staff_see_masked_numbers(tmp_path, academy_staff, zone, member_a, member_b):
    out = tmp_path / "out.xlsx"
    # academy staff see no organisation (scoping), so the export is refused outright
    with pytest.raises(Http404):
        roster_export(user=academy_staff, org=zone, out=str(out))


def test_federation_staff_export_their_subtree(tmp_path, officer, zone, member_a, member_b):
    out = tmp_path / "out.xlsx"
    assert roster_export(user=officer, org=zone, out=str(out)) == 2
    assert {row[-1] for row in read(out)[1:]} == {"甲公司工会", "乙公司工会"}


def test_cells_that_look_like_formulas_are_written_as_text(tmp_path, admin_a, union_a, enterprise_a):
    make_member(union_a, enterprise=enterprise_a, occupation="=cmd|' /C calc'!A0", skill_level="@SUM(1)")
    out = tmp_path / "out.xlsx"
    roster_export(user=admin_a, org=union_a, out=str(out))
    with zipfile.ZipFile(out) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet and "=cmd|" in sheet
    assert read(out)[1][8] == "=cmd|' /C calc'!A0"


def test_an_exported_file_imports_again_unchanged(tmp_path, admin_a, union_a, enterprise_a):
    for name in ("𠮷野家", "买买提·艾力", "单田芳"):
        make_member(union_a, name=name, enterprise=enterprise_a)
    out = tmp_path / "out.xlsx"
    roster_export(user=admin_a, org=union_a, out=str(out))
    result = roster_import(path=out, union=union_a, by=admin_a)
    assert result.summary() == {"rows": 3, "created": 0, "unchanged": 3, "conflicts": 0, "errors": 0}
    assert {row[0] for row in read(out)[1:]} == {"𠮷野家", "买买提·艾力", "单田芳"}
    assert Membership.objects.count() == 3


def test_masked_when_the_role_may_not_reveal(tmp_path, admin_a, union_a, member_a, monkeypatch):
    reveal = registry.capability("members.reveal_id", "", [Role.PLATFORM_ADMIN])  # not union admins
    monkeypatch.setitem(registry.capabilities._items, "members.reveal_id", reveal)
    out = tmp_path / "out.xlsx"
    roster_export(user=admin_a, org=union_a, out=str(out))
    person = member_a.person
    assert read(out)[1][1:3] == [person.id_masked, person.mobile_masked]
    assert AuditLog.objects.get(action="roster.export").detail["masked"] is True
