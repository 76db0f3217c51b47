"""Hostile and unusual files: each refused or read with a clear message, never a crash or a hang."""

import io
import zipfile

import pytest

from gonghui.demo.fake import Faker
from gonghui.rosters.excel import RosterFileError, open_roster
from gonghui.rosters.services import roster_import
from gonghui.rosters.tests.files import HEADERS, member_row, write_xlsx

BILLION_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
        for i in range(1, 10)
    )
    + b']><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&lol9;</t></si></sst>'
)


def rewrite(path, replace: dict[str, bytes]):
    """A copy of an xlsx with some parts replaced or added."""
    out = path.with_name("hostile.xlsx")
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            dst.writestr(item.filename, replace.pop(item.filename, src.read(item.filename)))
        for name, data in replace.items():
            dst.writestr(name, data)
    return out


@pytest.fixture
def roster(tmp_path):
    return write_xlsx(tmp_path / "r.xlsx", [member_row(Faker(seed=1), "甲锂电有限公司")])


def test_an_xml_entity_bomb_is_refused(roster):
    with pytest.raises(RosterFileError, match="实体或DTD"):
        open_roster(rewrite(roster, {"xl/sharedStrings.xml": BILLION_LAUGHS}))


def test_a_zip_bomb_is_refused_before_it_is_unpacked(roster):
    with pytest.raises(RosterFileError, match="压缩炸弹"):
        open_roster(rewrite(roster, {"xl/worksheets/sheet1.xml": b"<a>" + b" " * 50_000_000 + b"</a>"}))


def lying_about(path, name: str, declared: int):
    """A copy of an xlsx whose directory says `name` unpacks to `declared` bytes (it unpacks to more)."""
    data = bytearray(rewrite(path, {name: b"<a>" + b" " * 5_000_000 + b"</a>"}).read_bytes())
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):  # local header, directory
        start = 0
        while (start := data.find(signature, start)) != -1:
            name_at = start + (30 if signature == b"PK\x03\x04" else 46)
            length = int.from_bytes(data[start + offset + 4 : start + offset + 6], "little")
            if bytes(data[name_at : name_at + length]) == name.encode():
                data[start + offset : start + offset + 4] = declared.to_bytes(4, "little")
            start += 4
    out = path.with_name("lying.xlsx")
    out.write_bytes(bytes(data))
    return out


def test_a_zip_that_lies_about_its_sizes_is_refused(roster, admin_a, union_a):
    lying = lying_about(roster, "xl/worksheets/sheet1.xml", 2_000)
    with pytest.raises(RosterFileError, match="已损坏"):
        open_roster(lying)
    with pytest.raises(RosterFileError, match="已损坏"):
        roster_import(path=lying, union=union_a, by=admin_a)


def test_a_sheet_claiming_millions_of_rows_is_refused(roster):
    with zipfile.ZipFile(roster) as z:
        sheet = z.read("xl/worksheets/sheet1.xml")
    sheet = sheet.replace(b'<dimension ref="A1:K2"/>', b'<dimension ref="A1:XFD1048576"/>')
    assert b"XFD1048576" in sheet
    with pytest.raises(RosterFileError, match="列"):
        open_roster(rewrite(roster, {"xl/worksheets/sheet1.xml": sheet}))


def test_a_sheet_past_the_row_limit_is_refused(tmp_path, settings):
    settings.ROSTER_MAX_ROWS = 5
    path = write_xlsx(tmp_path / "r.xlsx", [member_row(Faker(seed=2), "x") for _ in range(8)])
    with pytest.raises(RosterFileError, match="超过每次导入5行的上限"):
        open_roster(path)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "空"),
        ("姓名,公民身份号码\n张三,1\n".encode(), "不是Excel文件"),
        (b"<html><table><tr><td>x</td></tr></table></html>", "不是Excel文件"),
        (b"PK\x03\x04" + b"\x00" * 100, "损坏"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "损坏"),
    ],
)
def test_files_that_are_not_workbooks(tmp_path, content, message):
    path = tmp_path / "r.xlsx"
    path.write_bytes(content)
    with pytest.raises(RosterFileError, match=message):
        open_roster(path)


def test_a_file_over_the_size_limit(tmp_path, settings, roster):
    settings.ROSTER_MAX_FILE_BYTES = 100
    with pytest.raises(RosterFileError, match="大小超过上限"):
        open_roster(roster)


def test_an_empty_first_sheet(tmp_path):
    with pytest.raises(RosterFileError, match="缺少必填列"):
        open_roster(write_xlsx(tmp_path / "r.xlsx", [], headers=["无关"]))


def ods(rows: list[list[str]]) -> bytes:
    """A minimal OpenDocument spreadsheet, as LibreOffice writes them (text cells)."""
    body = "".join(
        "<table:table-row>"
        + "".join(
            f'<table:table-cell office:value-type="string"><text:p>{v}</text:p></table:table-cell>'
            for v in row
        )
        + "</table:table-row>"
        for row in rows
    )
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f'<office:body><office:spreadsheet><table:table table:name="名册">{body}</table:table>'
        "</office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>'
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr(
            "mimetype", "application/vnd.oasis.opendocument.spreadsheet", compress_type=zipfile.ZIP_STORED
        )
        z.writestr("META-INF/manifest.xml", manifest)
        z.writestr("content.xml", content)
    return buffer.getvalue()


@pytest.mark.django_db
def test_an_ods_roster_imports(tmp_path, admin_a, union_a, enterprise_a):
    row = member_row(Faker(seed=3), enterprise_a.name, started_on="2024-03-01")
    path = tmp_path / "r.ods"
    path.write_bytes(ods([HEADERS, [str(v) for v in row]]))
    result = roster_import(path=path, union=union_a, by=admin_a)
    assert result.summary()["created"] == 1, [str(p) for p in result.problems]


@pytest.mark.django_db
def test_formulas_are_never_evaluated_only_their_cached_values_read(tmp_path, admin_a, union_a, enterprise_a):
    import xlsxwriter

    row = member_row(Faker(seed=4), enterprise_a.name, started_on="2024-03-01")
    path = tmp_path / "r.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    for col, header in enumerate(HEADERS):
        sheet.write_string(0, col, header)
    for col, value in enumerate(row):
        sheet.write_string(1, col, value)
    sheet.write_formula(1, 2, '=WEBSERVICE("http://example.invalid/")', None, "13800138000")
    book.close()
    result = roster_import(path=path, union=union_a, by=admin_a)
    assert result.summary()["created"] == 1
    assert union_a.memberships.get().person.mobile == "13800138000"
