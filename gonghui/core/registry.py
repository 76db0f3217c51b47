"""Extension points: what each app contributes, registered from its own `registrations` module.

Core, the reports and the demo command name no app: they read these registries, which the apps fill at
start-up (CoreConfig.ready discovers `gonghui.<app>.registrations`, as Django's admin discovers
`admin` modules). An app contributes its capabilities (what a role may do), its menu entries, the cards of the home
page, the sections it adds to other apps' pages, its KPIs with the functions that compute them, its
demo data, the labels of its audit actions, the evidence it adds to a worker's talent record, the
queues it puts on officers' home pages and the columns it keeps encrypted (for key rotation).
"""

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ImproperlyConfigured

from gonghui.core.rollups import Total, read_totals


class Registry:
    """Items keyed by name, in the order given by their `order` (then registration)."""

    def __init__(self, what: str):
        self.what = what
        self._items: dict[str, Any] = {}

    def register(self, *items) -> None:
        for item in items:
            if item.key in self._items:
                raise ImproperlyConfigured(f"{self.what} {item.key!r} is registered twice")
            self._items[item.key] = item

    def __iter__(self) -> Iterator:
        return iter(sorted(self._items.values(), key=lambda item: getattr(item, "order", 0)))

    def __getitem__(self, key: str):
        return self._items[key]

    def __contains__(self, key: str) -> bool:
        return key in self._items

    def get(self, key: str, default=None):
        return self._items.get(key, default)


@dataclass(frozen=True)
class Capability:
    """Something a role may do beyond reaching rows: reveal an ID number, read the reports…"""

    key: str
    label: str
    roles: frozenset[str]


class CapabilityRegistry(Registry):
    def held_by(self, role: str) -> frozenset[str]:
        return frozenset(c.key for c in self if role in c.roles)


@dataclass(frozen=True)
class MenuEntry:
    key: str
    label: str
    url_name: str
    order: int
    shown: Callable[[Any], bool]  # of the user's Scope


@dataclass(frozen=True)
class HomeCard:
    """A figure on the home page: count(user) for the user's scope (None: a link without a figure)."""

    key: str
    label: str
    url_name: str
    order: int
    count: Callable[[Any], int | None]
    shown: Callable[[Any], bool]  # of the user's Scope


@dataclass(frozen=True)
class Panel:
    """A template an app adds to another app's page (`{% panels "orgs:organisation_detail" %}`),
    rendered with that page's context."""

    key: str
    page: str
    template: str
    order: int = 0


@dataclass(frozen=True)
class Rows:
    """The rows behind a figure, for its drill-down page and its download: column headings, a
    queryset already limited to the organisation's subtree, the year and what the user may see, and
    cells(obj) → that row's cells (text, numbers, dates) in the order of the headings."""

    columns: tuple
    queryset: Any
    cells: Callable[[Any], tuple]


@dataclass(frozen=True)
class Kpi:
    """One figure of the report. definition says, in an officer's words, what is counted.
    rows(root, year, user) → Rows: the records the figure counts, within what the user may see (None:
    the figure has no drill-down). For a count, rows.queryset.count() equals the figure's value (for
    an officer who sees the whole subtree); for a rate, the rows of its whole, a column saying which
    are counted. parts: for a value that is a mapping (honours_5y: level → kind → n), the label of
    each key."""

    key: str
    label: str
    unit: str
    definition: str
    rows: Callable | None = None
    parts: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class KpiGroup:
    """KPIs computed together, for the year and the year before.

    Either totals: key → rollups.Total, sums of the root's own roll-up rows, which the report reads
    for all its groups in one statement, and derive(totals) → the group's figures from them (none:
    the totals are its figures); or compute(root, year) → the figures in one aggregate query of its
    own. Figures are {key: {"value": …, "previous": …}} for each of its KPIs; group.compute(root,
    year) gives them for either kind. sentences(root, figures): the annual report's sentences.
    """

    key: str
    order: int
    kpis: tuple[Kpi, ...]
    compute: Callable | None = None
    sentences: Callable | None = None
    totals: dict[str, Total] = field(default_factory=dict)
    derive: Callable | None = None

    def __post_init__(self):
        if (self.compute is None) == (not self.totals):
            raise ImproperlyConfigured(f"KPI group {self.key!r} needs either compute or totals")
        if self.compute is None:
            object.__setattr__(self, "compute", lambda root, year: figures_of([self], root, year))


def figures_of(groups: Iterable[KpiGroup], root, year: int) -> dict:
    """The figures of these groups: the totals of them all in one statement, then one query for each
    group that computes its own."""
    groups = list(groups)
    read = read_totals(
        root.pk, year, {(g.key, key): total for g in groups for key, total in g.totals.items()}
    )
    figures: dict = {}
    for group in groups:
        if not group.totals:
            figures.update(group.compute(root, year))
            continue
        totals = {key: read[group.key, key] for key in group.totals}
        figures.update(group.derive(totals) if group.derive else totals)
    return figures


@dataclass(frozen=True)
class DemoStep:
    """Part of the demo world, built in order into one transaction. build(world) reads what earlier
    steps left in `world` (a namespace) and adds its own; sign_ins are the accounts it creates and
    sign_in_notes what else signing in to them takes (printed beside them); on_start(stdout) runs each
    time `gonghui demo` starts (housekeeping a deployment would schedule)."""

    key: str
    order: int
    build: Callable | None = None
    sign_ins: tuple[tuple[str, str], ...] = ()
    on_start: Callable | None = None
    sign_in_notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class AuditAction:
    """The label the audit log shows for an action code (auth.login → 登录)."""

    key: str
    label: str
    security: bool = False  # sign-ins, failures, lockouts, refusals: shown to whoever audits


@dataclass(frozen=True)
class Evidence:
    """One entry of a worker's talent record: a class completed, a certificate, a contest result,
    an honour. Eligibility rules (the honours app) read these, whichever app recorded them."""

    kind: str  # the source's key: "academy.certificate", "contests.result", "honours.award"…
    on: date
    title: str
    level: str = ""  # national / provincial / city / zone / enterprise
    place: int | None = None  # a contest's place (1 = first); None where there is none
    craft: str = ""  # the craft or event (电气, 叉车…)
    hours: Decimal = Decimal(0)  # class hours credited
    url: str = ""  # where an officer in scope reads it
    ref: str = ""  # "app.model:pk", attached to a nomination as its evidence
    revoked: bool = False


@dataclass(frozen=True)
class TalentSource:
    """What an app adds to a worker's talent record: evidence(person) lists that person's entries;
    the talent page shows them side by side and checks them against the federation's rules."""

    key: str
    label: str
    order: int
    evidence: Callable[[Any], list[Evidence]]


@dataclass(frozen=True)
class Todo:
    """A queue on an officer's home page (claims waiting for review, cases near their deadline…):
    count(user) of what waits in the user's scope, None when the queue is not theirs."""

    key: str
    label: str
    url_name: str
    order: int
    count: Callable[[Any], int | None]


@dataclass(frozen=True)
class ChartData:
    """What a chart shows: one label per point on the x axis and named series of numbers (None: no
    value). The page, the PDF and the workbook's sheet of the chart all draw from this."""

    x_labels: list[str]
    series: list[tuple[str, list]]
    unit: str = ""


@dataclass(frozen=True)
class Chart:
    """A chart of the dashboard and the annual report: data(root, year) → ChartData for root's
    subtree; kind is "bar" or "line"; kpi names the figure whose rows the chart
    opens (optional). E.g. training hours by month: kind="bar", x_labels the twelve months."""

    key: str
    title: str
    order: int
    kind: str
    data: Callable[[Any, int], ChartData]
    kpi: str = ""


@dataclass(frozen=True)
class Rollup:
    """Figures kept up to date as the data changes, which the KPIs read instead of the raw rows: a
    model with `organisation` and `month` (its first day) whose rows count the organisation's whole
    subtree (gonghui.core.rollups). rebuild() recomputes them all from the raw rows (`gonghui
    rollups-rebuild`) and returns how many rows it wrote. The reports read the months present to know
    which years have records, unless dated_records is False (months that date something other than
    the federation's own records, such as the founding of the enterprises it targets)."""

    key: str
    label: str
    order: int
    model: Any
    rebuild: Callable[[], int]
    dated_records: bool = True


@dataclass(frozen=True)
class EncryptedFields:
    """The columns of an app's model that hold gonghui.core.crypto tokens, which `gonghui
    rotate-field-key` re-encrypts under the current cipher and key. key: the model, "app.Model"."""

    key: str
    fields: tuple[str, ...]


capabilities = CapabilityRegistry("capability")
menu = Registry("menu entry")
home_cards = Registry("home card")
panels = Registry("panel")
kpis = Registry("KPI group")
demo = Registry("demo step")
audit_actions = Registry("audit action")
talent = Registry("talent source")
todos = Registry("to-do")
charts = Registry("chart")
rollups = Registry("roll-up")
encrypted_fields = Registry("encrypted fields of")


def capability(key: str, label, roles: Iterable[str]) -> Capability:
    return Capability(key, label, frozenset(roles))


def actions(labels: dict, *, security: Iterable[str] = ()) -> list[AuditAction]:
    security = set(security)
    return [AuditAction(key, label, key in security) for key, label in labels.items()]


@dataclass
class DemoWorld:
    """What demo steps hand on to later ones (the faker, the zone, the unions, the worker…)."""

    seed: int
    year: int
    values: dict = field(default_factory=dict)

    def __getattr__(self, name):
        try:
            return self.values[name]
        except KeyError:
            raise AttributeError(name) from None

    def __setattr__(self, name, value):
        if name in {"seed", "year", "values"}:
            super().__setattr__(name, value)
        else:
            self.values[name] = value
