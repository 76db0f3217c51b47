"""Rosters going out: the error report of an import, the export of the members, the blank template.

Each is written in the template's columns (excel.py), streaming, with text cells as text. The export
shows ID numbers and phones in full only to a role that may reveal them, and is audited.
"""

from datetime import date
from pathlib import Path

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from gonghui.core import crypto
from gonghui.core.audit import audit_record
from gonghui.core.scope import get_or_404, scope_of
from gonghui.core.validators import mask_mobile
from gonghui.members.models import Membership
from gonghui.orgs.models import Enterprise, Organisation
from gonghui.rosters import excel
from gonghui.rosters.excel import COLUMNS
from gonghui.rosters.services.reading import EXAMPLE_ID_NUMBER, Problem


def error_report_write(*, path: Path, problems: list[Problem], out) -> int:
    """The original rows that had a problem, in their order, each with a reason column."""
    by_row: dict[int, list[Problem]] = {}
    for p in problems:
        by_row.setdefault(p.row, []).append(p)
    sheet = excel.open_roster(path)

    def rows():
        for number, cells in sheet.rows():
            if number in by_row:
                cells = list(cells) + [""] * (len(sheet.headers) - len(cells))
                reasons = "；".join(
                    f"{p.column}：{p.reason}" if p.column else p.reason for p in by_row[number]
                )
                yield [
                    number,
                    *(excel.cell_text(c) if not isinstance(c, date) else c for c in cells),
                    reasons,
                ]

    headers = [_("原行号"), *sheet.headers, _("问题")]
    widths = [8, *(14 for _h in sheet.headers), 60]
    return excel.write_rows(out, headers, rows(), widths=widths, text_columns=range(1, len(headers) - 1))


EXPORT_HEADERS = [c.header for c in COLUMNS] + [excel.EXPORT_UNION_HEADER]


def export_queryset(user, org: Organisation, *, reveal: bool = False):
    """The export's rows; the ID column is the ciphertext when revealing, else the masked number."""
    return (
        Membership.objects.visible_to(user)
        .active()
        .filter(Q(union__path__startswith=org.path))
        .order_by("union__path", "person__name_pinyin", "person_id")
        .values_list(
            "person__name",
            "person__id_encrypted" if reveal else "person__id_masked",
            "person__mobile",
            "enterprise__name",
            "started_on",
            "person__gender",
            "person__ethnicity",
            "person__education",
            "person__occupation",
            "person__skill_level",
            "card_number",
            "union__name",
        )
    )


def export_reveals(user, *, reveal: bool = True) -> bool:
    """Whether an export asking to reveal shows ID numbers and phones in full: only for a role that may."""
    return reveal and scope_of(user).can("members.reveal_id")


def roster_export(*, user, org: Organisation, out, reveal: bool = True) -> int:
    """Writes the active members under org that the user may see, in the template's columns plus the
    union, streaming. ID numbers and phones in full only when asked (`reveal`) by a role that may
    reveal them. Audited, with how many full ID numbers went out (`full_ids`)."""
    org = get_or_404(Organisation.objects.visible_to(user), pk=org.pk)
    reveal = export_reveals(user, reveal=reveal)
    decrypt = crypto.decrypt
    genders = {"M": "男", "F": "女"}

    def rows():
        for row in export_queryset(user, org, reveal=reveal).iterator(chunk_size=5000):
            name, id_number, mobile, enterprise, started_on, gender, *profile = row
            yield (
                name,
                decrypt(id_number) if reveal else id_number,
                mobile if reveal else mask_mobile(mobile),
                enterprise or "",
                started_on,
                genders.get(gender, ""),
                *profile,  # ethnicity, education, occupation, skill level, card number, union
            )

    widths = [c.width for c in COLUMNS] + [24]
    text_columns = [i for i, c in enumerate(COLUMNS) if c.text]
    count = excel.write_rows(out, EXPORT_HEADERS, rows(), widths=widths, text_columns=text_columns)
    with transaction.atomic():
        audit_record(
            actor=user,
            action="roster.export",
            obj=org,
            detail={"org": org.code, "rows": count, "masked": not reveal, "full_ids": count if reveal else 0},
        )
    return count


def roster_template_write(*, out, union: Organisation | None = None) -> None:
    """The template; for a union, its enterprises are listed (and offered as a dropdown when few)."""
    enterprises = (
        list(Enterprise.objects.filter(union=union).values_list("name", "credit_code")) if union else []
    )
    example = {
        "name": "张三",
        "id_number": EXAMPLE_ID_NUMBER,
        "mobile": "13800138000",
        "enterprise": enterprises[0][0] if enterprises else "某某锂电有限公司",
        "started_on": date(2024, 3, 1),
        "gender": "男",
        "ethnicity": "汉族",
        "education": "大专",
        "occupation": "电工",
        "skill_level": "中级工",
        "card_number": "",
    }
    excel.write_template(out, enterprises=enterprises, example=example)
