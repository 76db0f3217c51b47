"""Roster files: the columns, reading a workbook safely, and writing templates, reports and exports.

Reading goes through python-calamine (.xlsx, .xls, .ods; about 150k rows/s). Before calamine sees a
file, `open_roster` checks what it really is: the magic bytes, the size, and for the zip-based
formats every member's declared size and compression ratio (zip bombs), every XML part's prologue
(DTDs and entity declarations: XML bombs, refused with defusedxml) and the sheet's declared
dimension (a sheet past the row limit). Formulas are never evaluated: calamine yields the value
Excel cached, and every text cell we write is written as text.
"""

import re
import unicodedata
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from defusedxml import ElementTree as SafeElementTree
from defusedxml.common import DefusedXmlException
from django.conf import settings
from django.utils.translation import gettext as _
from python_calamine import CalamineWorkbook

from gonghui.core.xlsx import workbook
from gonghui.members.vocabulary import EDUCATION


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    required: bool = False
    width: int = 14
    text: bool = False  # written as text (@), so Excel keeps every digit


# PRODUCT.md's roster template, in its order. Headers are the contract; keys name them in code.
COLUMNS = (
    Column("name", "姓名", required=True, width=12),
    Column("id_number", "公民身份号码", required=True, width=22, text=True),
    Column("mobile", "手机号码", required=True, width=15, text=True),
    Column("enterprise", "用工单位", required=True, width=28),
    Column("started_on", "入会日期", required=True, width=12),
    Column("gender", "性别", width=6),
    Column("ethnicity", "民族", width=8),
    Column("education", "学历", width=8),
    Column("occupation", "工种", width=14),
    Column("skill_level", "技能等级", width=10),
    Column("card_number", "会员证号", width=16, text=True),
)
COLUMN_BY_HEADER = {c.header: c for c in COLUMNS}
COLUMN_BY_KEY = {c.key: c for c in COLUMNS}
EXPORT_UNION_HEADER = "所属工会"
GENDERS = ("男", "女")

XLSX_MAGIC = b"PK\x03\x04"
XLS_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MAX_RATIO = 100  # a sheet's XML compresses 5–20 times; a bomb, thousands of times
DIMENSION_RE = re.compile(rb'<(?:\w+:)?dimension\s+ref="[A-Z]+\d+(?::([A-Z]+)(\d+))?"')


class RosterFileError(Exception):
    """The file as a whole cannot be read; the message says why, in the user's language."""


def _limit(name: str, default: int) -> int:
    return getattr(settings, name, default)


def max_rows() -> int:
    return _limit("ROSTER_MAX_ROWS", 1_048_575)  # Excel's own sheet holds 1,048,576 rows with its header


def max_file_bytes() -> int:
    return _limit("ROSTER_MAX_FILE_BYTES", 200 * 1024 * 1024)


def max_unpacked_bytes() -> int:
    return _limit("ROSTER_MAX_UNPACKED_BYTES", 2 * 1024 * 1024 * 1024)


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters.decode():
        n = n * 26 + ord(ch) - 64
    return n


def _check_zip(path: Path) -> None:
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise RosterFileError(_("文件已损坏，无法作为Excel文件打开")) from None
    with archive:
        members = archive.infolist()
        if sum(m.file_size for m in members) > max_unpacked_bytes():
            raise RosterFileError(_("文件解压后超过大小上限，拒绝读取（疑似压缩炸弹）"))
        for member in members:
            if member.file_size > 1024 * 1024 and member.file_size > MAX_RATIO * max(member.compress_size, 1):
                raise RosterFileError(_("文件的压缩比异常，拒绝读取（疑似压缩炸弹）"))
            try:
                _check_member(archive, member)
            except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError):
                # A part that unpacks to more (or other) than its declared size fails its CRC: the
                # sizes the bomb checks trusted were lies.
                raise RosterFileError(_("文件已损坏：压缩包中的内容与其声明的大小不符")) from None


def _check_member(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> None:
    """Unpacks one part to its end (zipfile stops at the declared size and checks the CRC), reading the
    XML prologue on the way."""
    with archive.open(member) as stream:
        head = stream.read(64 * 1024)
        xml = member.filename.endswith((".xml", ".rels"))
        if xml:
            _check_xml_prologue(head)
        if xml and member.file_size <= 1024 * 1024:
            _check_small_xml(head + stream.read())
        else:
            while stream.read(1024 * 1024):
                pass


def _check_small_xml(data: bytes) -> None:
    try:
        SafeElementTree.fromstring(data, forbid_dtd=True)
    except DefusedXmlException:
        raise RosterFileError(_("文件含有XML实体或DTD声明，出于安全原因拒绝读取")) from None
    except SafeElementTree.ParseError:
        raise RosterFileError(_("文件已损坏，其中的XML无法解析")) from None


def _check_xml_prologue(head: bytes) -> None:
    """A big sheet part: a DTD must come before the root element, so its first bytes tell."""
    if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
        raise RosterFileError(_("文件含有XML实体或DTD声明，出于安全原因拒绝读取"))
    if (match := DIMENSION_RE.search(head)) and match.group(2):
        rows, columns = int(match.group(2)), _column_number(match.group(1))
        if rows - 1 > max_rows():
            raise RosterFileError(
                _("工作表有%(n)d行，超过每次导入%(max)d行的上限") % {"n": rows, "max": max_rows()}
            )
        if columns > 1000:
            raise RosterFileError(_("工作表有%(n)d列，超过上限") % {"n": columns})


def check_file(path: Path) -> None:
    """Refuses a file that is not a workbook, too big, or built to exhaust memory. Raises RosterFileError."""
    try:
        size = path.stat().st_size
        with path.open("rb") as f:
            head = f.read(8)
    except OSError:
        raise RosterFileError(_("无法读取文件")) from None
    if size == 0:
        raise RosterFileError(_("文件是空的"))
    if size > max_file_bytes():
        raise RosterFileError(_("文件大小超过上限（%(mb)d MB）") % {"mb": max_file_bytes() // (1024 * 1024)})
    if head.startswith(XLSX_MAGIC):
        _check_zip(path)
    elif head != XLS_MAGIC:
        raise RosterFileError(_("这不是Excel文件：请上传 .xlsx、.xls 或 .ods 格式的名册"))


def normalise_header(value) -> str:
    text = unicodedata.normalize("NFKC", str(value or ""))
    return re.sub(r"\s+", "", text).strip("*")


@dataclass
class RosterSheet:
    """The first sheet of a roster: the header row mapped to our columns, then the data rows."""

    positions: dict[str, int]  # column key → position in the row
    headers: list[str]  # the file's own header row, for the error report
    height: int
    _rows: Iterator[list]

    def rows(self) -> Iterator[tuple[int, list]]:
        """(Excel row number, cells) for each non-empty data row; the header is row 1."""
        for number, cells in enumerate(self._rows, start=2):
            if any(cell not in ("", None) for cell in cells):
                yield number, cells


def open_roster(path: Path) -> RosterSheet:
    check_file(path)
    try:
        workbook = CalamineWorkbook.from_path(str(path))
        sheet = workbook.get_sheet_by_index(0)
    except Exception:  # calamine raises its own errors and also Rust panics for garbage input
        raise RosterFileError(_("文件已损坏或不是有效的Excel文件，无法读取")) from None
    if sheet.total_height - 1 > max_rows():
        raise RosterFileError(
            _("工作表有%(n)d行，超过每次导入%(max)d行的上限") % {"n": sheet.total_height, "max": max_rows()}
        )
    try:
        rows = iter(sheet.iter_rows())
        header = next(rows, None)
    except Exception:
        raise RosterFileError(_("文件已损坏或不是有效的Excel文件，无法读取")) from None
    if not header:
        raise RosterFileError(_("第一个工作表是空的，第1行应为表头"))
    positions: dict[str, int] = {}
    for position, value in enumerate(header):
        column = COLUMN_BY_HEADER.get(normalise_header(value))
        if column is None:
            continue  # extra columns are ignored
        if column.key in positions:
            raise RosterFileError(_("表头中“%(h)s”出现了两次") % {"h": column.header})
        positions[column.key] = position
    missing = [c.header for c in COLUMNS if c.required and c.key not in positions]
    if missing:
        raise RosterFileError(
            _("第一个工作表的表头（第1行）缺少必填列：%(cols)s。请使用名册模板。")
            % {"cols": "、".join(missing)}
        )
    return RosterSheet(positions, [str(h or "") for h in header], sheet.total_height, rows)


def cell_text(value) -> str:
    """A cell as the text a person would read in it (dates as YYYY-MM-DD, 12.0 as 12)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


# -- writing -------------------------------------------------------------------------------------


def _formats(book):
    return {
        "header": book.add_format({"bold": True, "bg_color": "#F2F2F2", "border": 1}),
        "text": book.add_format({"num_format": "@"}),
        "date": book.add_format({"num_format": "yyyy-mm-dd"}),
        "wrap": book.add_format({"text_wrap": True, "valign": "top"}),
    }


def _header_row(sheet, fmt, headers: list[str], widths: list[int]) -> None:
    for i, (header, width) in enumerate(zip(headers, widths, strict=True)):
        sheet.write_string(0, i, header, fmt["header"])
        sheet.set_column(i, i, width)
    sheet.freeze_panes(1, 0)


def write_template(out, *, enterprises: list[tuple[str, str]] = (), example: dict | None = None) -> None:
    """The roster template: one sheet to fill in (dropdowns, text columns, an example row) and one of
    instructions. enterprises: (name, credit code) the union covers, listed in the instructions."""
    book = workbook(out, in_memory=True)
    fmt = _formats(book)
    sheet = book.add_worksheet("会员名册")
    _header_row(sheet, fmt, [c.header for c in COLUMNS], [c.width for c in COLUMNS])
    last = max_rows()
    for i, column in enumerate(COLUMNS):
        if column.text:
            sheet.set_column(i, i, column.width, fmt["text"])
        elif column.key == "started_on":
            sheet.set_column(i, i, column.width, fmt["date"])
    position = {c.key: i for i, c in enumerate(COLUMNS)}
    sheet.data_validation(
        1, position["gender"], last, position["gender"], {"validate": "list", "source": list(GENDERS)}
    )
    sheet.data_validation(
        1,
        position["education"],
        last,
        position["education"],
        {"validate": "list", "source": list(EDUCATION), "error_type": "warning"},
    )
    if enterprises and sum(len(name) + 1 for name, _code in enterprises) < 250:
        sheet.data_validation(
            1,
            position["enterprise"],
            last,
            position["enterprise"],
            {"validate": "list", "source": [name for name, _code in enterprises], "error_type": "warning"},
        )
    for key, value in (example or {}).items():
        if isinstance(value, date):
            sheet.write_datetime(1, position[key], datetime.combine(value, datetime.min.time()), fmt["date"])
        else:
            sheet.write_string(1, position[key], value, fmt["text"] if COLUMN_BY_KEY[key].text else None)

    notes = book.add_worksheet("填写说明")
    notes.set_column(0, 0, 16)
    notes.set_column(1, 1, 90, fmt["wrap"])
    lines = [
        (
            "说明",
            "第一个工作表的第1行是表头，请勿修改表头文字；从第2行起每行一名会员。第2行是示例，导入前请删除。",
        ),
        ("姓名", "必填。与身份证一致；少数民族姓名中的间隔号请用“·”，如 买买提·艾力。"),
        (
            "公民身份号码",
            "必填，18位，末位可为X。该列已设为文本格式，请勿改为数字（数字格式会丢失末几位）。入会时年龄须在16至70周岁之间。",
        ),
        ("手机号码", "必填，11位大陆手机号。"),
        ("用工单位", "必填。填写本工会覆盖企业的全称或统一社会信用代码。"),
        ("入会日期", "必填。Excel日期或 YYYY-MM-DD，不能晚于今天。"),
        ("性别", "选填，男或女，须与公民身份号码一致。"),
        ("民族、学历、工种、技能等级、会员证号", "选填。"),
        (
            "重复导入",
            "已是本工会在册会员的人员不会重复登记；已在其他工会在册的人员不会被转走，会列为冲突，请办理会员关系接转。",
        ),
    ]
    for name, code in enterprises:
        lines.append(("覆盖企业", f"{name}（{code}）"))
    for row, (label, text) in enumerate(lines):
        notes.write_string(row, 0, label, fmt["header"] if row == 0 else None)
        notes.write_string(row, 1, text, fmt["wrap"])
    book.close()


def write_rows(out, headers: list[str], rows, *, widths: list[int] | None = None, text_columns=()) -> int:
    """Streams rows into a one-sheet workbook (constant memory). Strings are always written as strings,
    so a cell starting with = + - @ stays text and never becomes a formula. Returns the row count."""
    book = workbook(out, constant_memory=True)
    fmt = _formats(book)
    sheet = book.add_worksheet("会员名册")
    _header_row(sheet, fmt, headers, widths or [14] * len(headers))
    for i in text_columns:
        sheet.set_column(i, i, (widths or [14] * len(headers))[i], fmt["text"])
    count = 0
    # The methods behind write_string/write_datetime, which only add A1-notation parsing: a tenth of
    # an export's time at a million cells (xlsxwriter is pinned in pyproject.toml).
    write_string, write_datetime, date_fmt = sheet._write_string, sheet._write_datetime, fmt["date"]
    midnight = datetime.min.time()
    for count, row in enumerate(rows, start=1):
        for col, value in enumerate(row):
            if value is None or value == "":
                continue
            if isinstance(value, date):
                write_datetime(count, col, datetime.combine(value, midnight), date_fmt)
            else:
                write_string(count, col, str(value))
    book.close()
    return count
