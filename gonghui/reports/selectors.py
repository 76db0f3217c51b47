"""The KPIs of PRODUCT.md ("What it reports") for an organisation subtree and a year.

Each app defines its KPIs once, with their wording and the function that computes them, and registers
them (gonghui.core.registry.kpis); this module reads the registry and names no app. Each group is ONE
aggregate query returning the value for the year and for the year before — so a report costs the same
number of queries for a union of ten members as for a province.
"""

from decimal import Decimal

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


def change(figure: dict) -> int | float | Decimal | None:
    """This year's value minus last year's; None when either is unknown. Money comes as a decimal
    string ("30000.00") and its change is a Decimal."""
    if figure["value"] is None or figure["previous"] is None:
        return None
    if isinstance(figure["value"], str):
        return Decimal(figure["value"]) - Decimal(figure["previous"])
    difference = figure["value"] - figure["previous"]
    return round(difference, 1) if isinstance(difference, float) else difference


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
