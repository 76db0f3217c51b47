"""The campaign's target list as an Excel workbook (xlsxwriter).

Every text cell is written with write_string, so a value that starts with = + - @ stays text and is
never evaluated as a formula when the file is opened (CSV/formula injection).
"""

import io
from datetime import date

from django.utils.translation import gettext as _

from gonghui.core.xlsx import workbook
from gonghui.coverage.models import Step


def targets_workbook(campaign, rows, *, today: date, cutoff: date) -> bytes:
    buffer = io.BytesIO()
    book = workbook(buffer, in_memory=True, constant_memory=True)
    sheet = book.add_worksheet(_("目标企业"))
    header = book.add_format({"bold": True, "bg_color": "#F2F2F2"})
    dates = book.add_format({"num_format": "yyyy-mm-dd"})
    columns = [
        (_("企业名称"), 32),
        (_("统一社会信用代码"), 22),
        (_("行业"), 12),
        (_("职工人数"), 10),
        (_("类别"), 24),
        (_("企业成立日期"), 14),
        (_("成立超过一年未建会"), 12),
        (_("责任人"), 14),
        (_("建会步骤"), 18),
        (_("最近走访"), 14),
        (_("所属基层工会"), 28),
    ]
    for col, (title, width) in enumerate(columns):
        sheet.set_column(col, col, width)
        sheet.write_string(0, col, title, header)
    sheet.freeze_panes(1, 0)
    row_number = 0
    for row_number, target in enumerate(rows, start=1):
        e = target.enterprise
        state = Step(target.founding_state).label if target.founding_state else _("未启动")
        past = e.union_id is None and e.founded_on is not None and e.founded_on < cutoff
        values = [
            e.name,
            e.credit_code,
            e.industry,
            e.headcount,
            "、".join(str(c) for c in e.categories()),
            e.founded_on,
            _("是") if past else "",
            (target.officer.get_full_name() or target.officer.username) if target.officer else "",
            state,
            target.last_visit,
            e.union.name if e.union else "",
        ]
        for col, value in enumerate(values):
            if value is None or value == "":
                continue
            if isinstance(value, date):
                sheet.write_datetime(row_number, col, value, dates)
            elif isinstance(value, int):
                sheet.write_number(row_number, col, value)
            else:
                sheet.write_string(row_number, col, str(value))
    sheet.write_string(
        row_number + 2, 0, _("%(name)s · 导出于%(today)s") % {"name": campaign.name, "today": today}
    )
    book.close()
    return buffer.getvalue()
