"""Charts drawn on the server as SVG with pygal: one drawing per chart, for the page (served as its own
document, with pygal's tooltip script from the pygaljs package, served by the app) and for the PDF
(the same SVG inline, without the script). Nothing is fetched from outside."""

import re

import pygal
from django.templatetags.static import static
from pygal.style import Style

from gonghui.core.registry import Chart, ChartData

TOOLTIPS = "2.0.x/pygal-tooltips.min.js"  # the pygaljs package's static file
STYLE = Style(
    font_family='"Noto Sans CJK SC", "Noto Sans CJK", sans-serif',
    background="#ffffff",
    plot_background="#ffffff",
    foreground="#1f2328",
    foreground_strong="#1f2328",
    foreground_subtle="#d0d7de",
    colors=("#c8102e", "#0b5cad", "#2e7d32", "#f0b35b", "#6f42c1"),
    title_font_size=20,
    label_font_size=16,
    major_label_font_size=16,
    legend_font_size=16,
    value_font_size=14,
    tooltip_font_size=16,
)
KINDS = {"bar": pygal.Bar, "line": pygal.Line}


def render_svg(chart: Chart, data: ChartData, *, for_print: bool = False) -> str:
    """The chart as an SVG document (a 600 × 400 drawing that scales to its box). for_print: without
    scripts, values written on the bars (a PDF has no tooltips)."""
    drawing = KINDS[chart.kind](
        style=STYLE,
        width=600,
        height=400,
        title=str(chart.title),
        js=[] if for_print else [static(TOOLTIPS)],
        disable_xml_declaration=True,
        legend_at_bottom=True,
        legend_at_bottom_columns=len(data.series),
        print_values=for_print,
        show_minor_y_labels=False,
        truncate_label=-1,
        no_data_text="",
        value_formatter=lambda v: _number(v, data.unit),
        margin=12,
    )
    drawing.x_labels = data.x_labels
    drawing.y_labels = axis_ticks(max((v for _n, values in data.series for v in values if v), default=0))
    for name, values in data.series:
        drawing.add(name, values)
    svg = drawing.render(is_unicode=True)
    if for_print:
        svg = re.sub(r"<script\b[^>]*?(/>|>.*?</script>)", "", svg, flags=re.S)
    return svg


def axis_ticks(top) -> list[int]:
    """Whole-number ticks from 0 past top, four or five of them, in steps of 1, 2 or 5 × 10ⁿ."""
    step = 1
    while step * 5 < top:
        for factor in (2, 2.5, 2):
            step = int(step * factor)
            if step * 5 >= top:
                break
    return list(range(0, int(top) + step + 1, step)) if top else [0, 1]


def _number(value, unit: str) -> str:
    if value is None:
        return "—"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"{value:,}{unit}"


def add_nonce(svg: str, nonce: str) -> str:
    """pygal's inline configuration script, allowed by the SVG document's own policy."""
    return svg.replace('<script type="text/javascript">', f'<script type="text/javascript" nonce="{nonce}">')
