"""The KPIs of PRODUCT.md ("What it reports") for an organisation subtree and a year.

Each app defines its KPIs once, with their wording and the function that computes them, and registers
them (gonghui.core.registry.kpis); this module reads the registry and names no app. Each group is ONE
aggregate query returning the value for the year and for the year before — so a report costs the same
number of queries for a union of ten members as for a province.
"""

from django.utils.translation import gettext as _

from gonghui.core import registry
from gonghui.core.figures import Figures
from gonghui.core.registry import Kpi
from gonghui.core.scope import scope_of
from gonghui.orgs.models import Organisation


def kpi_definitions() -> dict[str, Kpi]:
    """Every registered KPI by key, in the report's order."""
    return {kpi.key: kpi for group in registry.kpis for kpi in group.kpis}


def kpis_for(root: Organisation, year: int) -> Figures:
    """Every KPI for root's subtree and the year, each {"value": …, "previous": …}, in the report's order."""
    figures: Figures = {}
    for group in registry.kpis:
        figures.update(group.compute(root, year))
    return {key: figures[key] for key in kpi_definitions()}


def change(figure: dict) -> int | float | dict | None:
    """This year's value minus last year's (key by key for a mapping); None when either is unknown."""
    if figure["value"] is None or figure["previous"] is None:
        return None
    if isinstance(figure["value"], dict):
        return {
            k: change({"value": v, "previous": figure["previous"].get(k)}) for k, v in figure["value"].items()
        }
    difference = figure["value"] - figure["previous"]
    return round(difference, 1) if isinstance(difference, float) else difference


def as_text(value, kpi: Kpi, *, signed: bool = False):
    """A mapping value as one line for pages and workbooks ("全国：劳动模范1、五一劳动奖章1；…"), with
    the KPI's labels for its keys; any other value as it is."""
    if not isinstance(value, dict):
        return value
    labels = dict(kpi.parts)

    def text(v):
        if isinstance(v, dict):
            return _("、").join(f"{labels.get(k, k)}{text(inner)}" for k, inner in v.items())
        if v is None:
            return "—"
        return f"+{v}" if signed and v > 0 else str(v)

    return _("；").join(
        _("%(part)s：%(value)s") % {"part": labels.get(k, k), "value": text(v)} for k, v in value.items()
    )


def report_sentences(root: Organisation, figures: Figures) -> list[str]:
    """The annual report's sentences, e.g. 全区共有企业工会195家，较去年新增16家，新增工会会员1800余人."""
    return [
        sentence
        for group in registry.kpis
        if group.sentences is not None
        for sentence in group.sentences(root, figures)
    ]


def report_roots(user):
    """Organisations whose figures the user may read: federation staff their subtree, platform admins all."""
    if not scope_of(user).can("reports.read"):
        return Organisation.objects.none()
    return Organisation.objects.visible_to(user)
