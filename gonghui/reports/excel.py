"""The report as an Excel workbook — a sheet of the figures with their definitions and the sentences,
then a sheet per chart with the chart's data — and the rows behind a figure as a workbook of their
own. Text is written as text (core.xlsx)."""

from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _

from gonghui.core.registry import Rows
from gonghui.core.xlsx import workbook as new_workbook
from gonghui.reports.selectors import Report, kpi_definitions


def _flat(value) -> list[tuple[str, object]]:
    """A nested figure (by level and kind) as (path, number) pairs; a plain figure as one pair."""
    if isinstance(value, dict):
        return [(f"{k}.{sub}" if sub else str(k), v) for k, inner in value.items() for sub, v in _flat(inner)]
    return [("", value)]


def _cell(value):
    if isinstance(value, Decimal):
        return float(value)
    return value


def _sheet_name(title: str, used: set) -> str:
    name = "".join(c for c in str(title) if c not in "[]:*?/\\")[:28] or _("图表")
    while name in used:
        name = f"{name[:26]}{len(used)}"
    used.add(name)
    return name


def write_xlsx(report: Report, out) -> None:
    """out: a path or a binary file object."""
    workbook = new_workbook(out, in_memory=True)
    bold = workbook.add_format({"bold": True})
    wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
    sheet = workbook.add_worksheet(_("指标"))
    year = report.year
    sheet.write(0, 0, _("%(org)s %(year)d年度工作报告") % {"org": report.root.name, "year": year}, bold)
    header = [
        _("指标"),
        _("键"),
        _("%(y)d年") % {"y": year},
        _("%(y)d年") % {"y": year - 1},
        _("变化"),
        _("单位"),
        _("口径"),
    ]
    sheet.write_row(2, 0, header, bold)
    row = 3
    for key, kpi in kpi_definitions().items():
        figure = report.figures[key]
        previous = dict(_flat(figure["previous"]))
        for part, value in _flat(figure["value"]):
            before = previous.get(part)
            change = (
                value - before if isinstance(value, int | float) and isinstance(before, int | float) else None
            )
            label = f"{kpi.label}（{part}）" if part else str(kpi.label)
            sheet.write_row(row, 0, [label, f"{key}.{part}" if part else key])
            sheet.write_row(row, 2, [_cell(value), _cell(before), _cell(change), str(kpi.unit)])
            sheet.write(row, 6, str(kpi.definition), wrap)
            row += 1
    row += 1
    for sentence in report.sentences:
        sheet.write(row, 0, sentence)
        row += 1
    sheet.set_column(0, 0, 26)
    sheet.set_column(1, 1, 26)
    sheet.set_column(2, 5, 10)
    sheet.set_column(6, 6, 60)
    sheet.freeze_panes(3, 0)
    used = {_("指标")}
    for chart, data in report.charts:
        page = workbook.add_worksheet(_sheet_name(chart.title, used))
        page.write(0, 0, str(chart.title), bold)
        page.write_row(2, 0, ["", *[name for name, _values in data.series]], bold)
        for i, label in enumerate(data.x_labels, start=3):
            page.write(i, 0, label)
            page.write_row(i, 1, [_cell(values[i - 3]) for _name, values in data.series])
        page.set_column(0, 0, 20)
        page.set_column(1, len(data.series), 14)
    workbook.close()


def write_rows_xlsx(title: str, rows: Rows, out) -> int:
    """The rows behind a figure, streamed (constant memory); returns how many were written."""
    workbook = new_workbook(out, constant_memory=True)
    bold = workbook.add_format({"bold": True})
    dates = workbook.add_format({"num_format": "yyyy-mm-dd"})
    sheet = workbook.add_worksheet(_("明细"))
    sheet.write(0, 0, title, bold)
    sheet.write_row(1, 0, [str(c) for c in rows.columns], bold)
    count = 0
    for count, obj in enumerate(rows.queryset.iterator(chunk_size=2000), start=1):
        for column, value in enumerate(rows.cells(obj)):
            if isinstance(value, date):
                sheet.write_datetime(count + 1, column, value, dates)
            elif value is None:
                sheet.write_blank(count + 1, column, None)
            elif isinstance(value, int | float | Decimal) and not isinstance(value, bool):
                sheet.write_number(count + 1, column, float(value))
            else:
                sheet.write_string(count + 1, column, str(value))
    sheet.set_column(0, len(rows.columns) - 1, 18)
    workbook.close()
    return count
