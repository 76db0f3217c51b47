"""Reading one roster row: its cells turned into clean values, with every problem of the row.

Each problem names the row, the column and the reason (`Problem`), so that the error report can
quote them beside the original row. Nothing here touches the database except the union's
enterprises, read once per file.
"""

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from gonghui.core.validators import (
    birth_date_of,
    gender_of,
    normalise_number,
    validate_mobile,
    validate_person_name,
    validate_resident_id,
)
from gonghui.members import rules
from gonghui.members.models import Membership, Person
from gonghui.orgs.models import Enterprise, Organisation
from gonghui.rosters import excel
from gonghui.rosters.excel import COLUMN_BY_KEY

TEXT_LIMITS = {
    key: (Person if key != "card_number" else Membership)._meta.get_field(key).max_length
    for key in ("ethnicity", "education", "occupation", "skill_level", "card_number")
}
DATE_RE = re.compile(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?")

EXAMPLE_ID_NUMBER = "360902199001011233"  # the template's example row (a made-up number)


@dataclass(frozen=True)
class Problem:
    row: int
    column: str  # the header, e.g. 公民身份号码; "" for the whole row
    reason: str
    kind: str = "error"  # or "conflict"

    def __str__(self):
        where = _("第%(row)d行") % {"row": self.row}
        return f"{where} {self.column}：{self.reason}" if self.column else f"{where}：{self.reason}"


class RowReader:
    """Turns the cells of one row into clean values, collecting every problem of the row."""

    ENTERPRISES_REMEMBERED = 10_000  # distinct employer cells whose outcome is kept (typos included)

    def __init__(self, *, union: Organisation, positions: dict[str, int], today: date):
        self.positions = list(positions.items())
        self.today = today
        enterprises = list(Enterprise.objects.filter(union=union).only("id", "name", "credit_code"))
        self.by_code = {e.credit_code: e.pk for e in enterprises}
        self.by_name: dict[str, list[int]] = {}
        for e in enterprises:
            self.by_name.setdefault(_compact_name(e.name), []).append(e.pk)
        self.employers: dict = {}  # an employer cell → its enterprise id, or the reason it has none

    def cells(self, cells: list) -> dict:
        """The row's cells by column key; None for an empty cell or a column the file lacks."""
        width = len(cells)
        return {
            key: None if position >= width or cells[position] == "" else cells[position]
            for key, position in self.positions
        }

    def employer(self, value) -> int | str:
        """The enterprise an employer cell names (by credit code or by exact name), or why none."""
        key = (value.__class__, value)  # 1, 1.0 and True are equal keys but read differently
        if key in self.employers:
            return self.employers[key]
        text = excel.cell_text(value).strip()
        code = normalise_number(text)
        if code in self.by_code:
            found = self.by_code[code]
        else:
            matches = self.by_name.get(_compact_name(text), [])
            if len(matches) == 1:
                found = matches[0]
            elif matches:
                found = _("有多家企业同名，请填写统一社会信用代码")
            else:
                found = _("“%(name)s”不是本工会覆盖的企业（按全称或统一社会信用代码查找）") % {"name": text}
        if len(self.employers) < self.ENTERPRISES_REMEMBERED:
            self.employers[key] = found
        return found

    def read(self, number: int, cells: list) -> tuple[dict, list[Problem]]:
        problems: list[Problem] = []

        def problem(key: str, reason: str) -> None:
            problems.append(Problem(number, COLUMN_BY_KEY[key].header, reason))

        raw = self.cells(cells)
        values: dict = {}
        for key in ("name", "id_number", "mobile", "enterprise", "started_on"):
            if raw.get(key) is None:
                problem(key, _("必填，不能为空"))
        if problems:
            return values, problems

        try:
            values["name"] = validate_person_name(raw["name"])
        except ValidationError as e:
            problem("name", e.messages[0])
            values["name"] = ""

        raw_id = raw["id_number"]
        if isinstance(raw_id, int | float):
            problem(
                "id_number",
                _("单元格是数字格式，Excel只保留15位有效数字，末几位已丢失；请把该列设为文本后重新录入"),
            )
        else:
            try:
                values["id_number"] = validate_resident_id(raw_id, today=self.today)
                if values["id_number"] == EXAMPLE_ID_NUMBER:
                    problem("id_number", _("这是模板中的示例行，请删除后再导入"))
            except ValidationError as e:
                reason = e.messages[0]
                if len(normalise_number(raw_id)) == 17:
                    reason += _("（末位X可能丢失）")
                problem("id_number", reason)

        raw_mobile = raw["mobile"]
        if isinstance(raw_mobile, float) and raw_mobile.is_integer():
            raw_mobile = int(raw_mobile)
        try:
            values["mobile"] = validate_mobile(raw_mobile)
        except ValidationError as e:
            problem("mobile", e.messages[0])

        employer = self.employer(raw["enterprise"])
        if isinstance(employer, int):
            values["enterprise_id"] = employer
        else:
            problem("enterprise", employer)

        started_on = _parse_date(raw["started_on"])
        if started_on is None:
            problem("started_on", _("应为Excel日期或 YYYY-MM-DD 格式的日期"))
        elif started_on > self.today:
            problem("started_on", _("不能晚于今天"))
        else:
            values["started_on"] = started_on
            if "id_number" in values and (
                reason := rules.age_problem(birth_date_of(values["id_number"]), started_on)
            ):
                problem("id_number", reason)

        gender = excel.cell_text(raw.get("gender")).strip()
        if gender:
            if gender not in excel.GENDERS:
                problem("gender", _("应为“男”或“女”"))
            elif "id_number" in values and {"男": "M", "女": "F"}[gender] != gender_of(values["id_number"]):
                problem("gender", _("与公民身份号码中的性别不一致"))

        for key, limit in TEXT_LIMITS.items():
            text = excel.cell_text(raw.get(key)).strip()
            if len(text) > limit:
                problem(key, _("不能超过%(n)d个字符") % {"n": limit})
            values[key] = text
        return values, problems


def _compact_name(name: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", name))


def _parse_date(value) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        return None  # an Excel serial number in a General cell is ambiguous: ask for a date
    match = DATE_RE.fullmatch(unicodedata.normalize("NFKC", value).strip())
    if not match:
        return None
    try:
        return date(*(int(part) for part in match.groups()))
    except ValueError:
        return None
