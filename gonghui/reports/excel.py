"""The report as an Excel workbook: one row per KPI (this year, last year, change, definition)."""

from django.utils.translation import gettext as _

from gonghui.core.figures import Figures
from gonghui.core.xlsx import workbook as new_workbook
from gonghui.orgs.models import Organisation
from gonghui.reports.selectors import as_text, change, kpi_definitions, report_sentences


def write_xlsx(root: Organisation, year: int, figures: Figures, out) -> None:
    """out: a path or a binary file object."""
    workbook = new_workbook(out, in_memory=True)
    kpis = kpi_definitions()
    sheet = workbook.add_worksheet(_("指标"))
    bold = workbook.add_format({"bold": True})
    wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
    sheet.write(0, 0, _("%(org)s %(year)d年度统计") % {"org": root.name, "year": year}, bold)
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
    for row, (key, kpi) in enumerate(kpis.items(), start=3):
        figure = figures[key]
        sheet.write_row(
            row,
            0,
            [
                str(kpi.label),
                key,
                as_text(figure["value"], kpi),
                as_text(figure["previous"], kpi),
                as_text(change(figure), kpi, signed=True),
                str(kpi.unit),
            ],
        )
        sheet.write(row, 6, str(kpi.definition), wrap)
    row = 4 + len(kpis)
    for sentence in report_sentences(root, figures):
        sheet.write(row, 0, sentence)
        row += 1
    sheet.set_column(0, 0, 22)
    sheet.set_column(1, 1, 26)
    sheet.set_column(2, 5, 10)
    sheet.set_column(6, 6, 60)
    sheet.freeze_panes(3, 0)
    workbook.close()
