"""Reads of union coverage: the campaign's figures and target list, a founding's page.

Definitions (the campaign page and the export use exactly these):
- rule enterprises: the enterprises in the campaign federation's subtree of a chosen category
  (key enterprise, headcount ≥ the campaign's minimum, new employment form); covered: they have a
  grassroots union. Coverage rate = covered / rule enterprises, overall and per category.
- targets: the rule enterprises that had no union when the campaign listed them; a target is
  covered once its enterprise has a union.
- past the line (Jiangxi, 2020): no union although the enterprise was established more than one
  year ago (founded_on before today minus one year).
- no recent visit: an uncovered target with no guidance visit in the last 90 days.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, DateField, F, Max, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from gonghui.core.dates import add_years
from gonghui.coverage.models import Campaign, Founding, GuidanceVisit, Step, Target
from gonghui.coverage.services import campaign_rule
from gonghui.orgs.models import Enterprise

VISIT_WINDOW_DAYS = 90

CATEGORIES = {
    "key": _("重点企业"),
    "large": _("百人以上企业"),
    "new_form": _("新就业形态企业"),
}
# Each order of the target list, as keyset keys (gonghui.core.keyset): NOT NULL, the id last. A
# sort by a column that may be empty reads it through a key that never is (SORT_KEYS): no founding
# date after the rest, never visited and no founding before the rest, on both databases alike.
SORTS = {
    "name": ("enterprise__name", "pk"),
    "-headcount": ("-enterprise__headcount", "enterprise__name", "pk"),
    "founded_on": ("founded_key", "enterprise__name", "pk"),
    "last_visit": ("visit_key", "enterprise__name", "pk"),
    "state": ("state_key", "enterprise__name", "pk"),
}
SORT_KEYS = {
    "founded_key": Coalesce("enterprise__founded_on", Value(date.max), output_field=DateField()),
    "visit_key": Coalesce(F("last_visit"), Value(date.min), output_field=DateField()),
    "state_key": Coalesce(F("founding_state"), Value("")),
}


def target_keys(sort: str) -> tuple[str, ...]:
    return SORTS.get(sort, SORTS["name"])


def line_cutoff(today: date) -> date:
    """Enterprises founded before this day are past the one-year line."""
    return add_years(today, -1)


def category_filter(campaign: Campaign, category: str, prefix: str = "enterprise__") -> Q:
    field, value = {
        "key": ("is_key", True),
        "large": ("headcount__gte", campaign.min_headcount),
        "new_form": ("is_new_employment_form", True),
    }[category]
    return Q(**{prefix + field: value})


def campaign_categories(campaign: Campaign) -> dict:
    chosen = {
        "key": campaign.include_key,
        "large": campaign.include_large,
        "new_form": campaign.include_new_form,
    }
    return {key: label for key, label in CATEGORIES.items() if chosen[key]}


@dataclass
class Share:
    label: str
    total: int
    covered: int

    @property
    def rate(self) -> float | None:
        return self.covered / self.total if self.total else None


def campaign_coverage(campaign: Campaign) -> dict:
    """Coverage of the rule enterprises (overall, by category) and of the targets: two queries."""
    covered = Q(union__isnull=False)
    counts = {"total": Count("pk"), "covered": Count("pk", filter=covered)}
    for key in campaign_categories(campaign):
        condition = category_filter(campaign, key, prefix="")
        counts[key] = Count("pk", filter=condition)
        counts[f"{key}_covered"] = Count("pk", filter=condition & covered)
    figures = Enterprise.objects.filter(campaign_rule(campaign)).aggregate(**counts)
    targets = campaign.targets.aggregate(
        total=Count("pk"), covered=Count("pk", filter=Q(enterprise__union__isnull=False))
    )
    rows = [
        Share(label, figures[key], figures[f"{key}_covered"])
        for key, label in campaign_categories(campaign).items()
    ]
    return {
        "overall": Share(_("合计"), figures["total"], figures["covered"]),
        "categories": rows,
        "targets": Share(_("目标企业"), targets["total"], targets["covered"]),
    }


def targets(
    campaign: Campaign,
    *,
    today: date,
    q: str = "",
    category: str = "",
    status: str = "",
    officer: str = "",
    sort: str = "name",
) -> QuerySet[Target]:
    """The target list, one query whatever its length: the enterprise, its union and officer joined in,
    the last visit and the latest founding's step as subqueries."""
    latest = Founding.objects.filter(enterprise=OuterRef("enterprise")).order_by("-created_at", "-pk")
    qs = campaign.targets.select_related("enterprise__union", "officer").annotate(
        last_visit=Subquery(
            GuidanceVisit.objects.filter(enterprise=OuterRef("enterprise"))
            .values("enterprise")
            .annotate(last=Max("visited_on"))
            .values("last")
        ),
        founding_id=Subquery(latest.values("pk")[:1]),
        founding_state=Subquery(latest.values("state")[:1]),
    )
    if q:
        qs = qs.filter(Q(enterprise__name__icontains=q) | Q(enterprise__credit_code=q.strip().upper()))
    if category in CATEGORIES:
        qs = qs.filter(category_filter(campaign, category))
    if status == "covered":
        qs = qs.filter(enterprise__union__isnull=False)
    elif status == "uncovered":
        qs = qs.filter(enterprise__union__isnull=True)
    elif status == "past_line":
        qs = past_line(qs, today)
    elif status == "no_visit":
        qs = without_recent_visit(qs, today)
    elif status == "not_started":
        qs = qs.filter(enterprise__union__isnull=True, founding_state__isnull=True)
    elif status in Step.values:
        qs = qs.filter(founding_state=status)
    if officer == "none":
        qs = qs.filter(officer__isnull=True)
    elif officer.isdigit():
        qs = qs.filter(officer_id=int(officer))
    keys = target_keys(sort)
    if keys[0] in SORT_KEYS:
        qs = qs.annotate(**{keys[0]: SORT_KEYS[keys[0]]})
    return qs.order_by(*keys)


def past_line(qs: QuerySet[Target], today: date) -> QuerySet[Target]:
    return qs.filter(enterprise__union__isnull=True, enterprise__founded_on__lt=line_cutoff(today))


def without_recent_visit(qs: QuerySet[Target], today: date) -> QuerySet[Target]:
    since = today - timedelta(days=VISIT_WINDOW_DAYS)
    return qs.filter(enterprise__union__isnull=True).filter(
        Q(last_visit__isnull=True) | Q(last_visit__lt=since)
    )


def founding_history(founding: Founding) -> list:
    """The steps with who recorded them and their documents (two queries)."""
    return list(founding.steps.select_related("by").prefetch_related("documents").order_by("at", "pk"))
