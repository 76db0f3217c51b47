from datetime import date

from django import template
from django.utils import timezone

from gonghui.core.scope import scope_of
from gonghui.coverage.models import Founding, GuidanceVisit, Step
from gonghui.coverage.selectors import line_cutoff

register = template.Library()


@register.filter
def step_label(value: str) -> str:
    return Step(value).label if value in Step.values else ""


@register.inclusion_tag("coverage/enterprise_coverage.html", takes_context=True)
def enterprise_coverage(context, enterprise):
    """The enterprise page's founding and visits block (two queries)."""
    user = context["request"].user
    foundings = list(
        Founding.objects.visible_to(user).filter(enterprise=enterprise).order_by("-created_at", "-pk")
    )
    visits = list(
        GuidanceVisit.objects.visible_to(user)
        .filter(enterprise=enterprise)
        .prefetch_related("officers")
        .order_by("-visited_on", "-pk")
    )
    founded: date | None = enterprise.founded_on
    return {
        "enterprise": enterprise,
        "foundings": foundings,
        "open_founding": next((f for f in foundings if f.is_open), None),
        "visits": visits,
        "past_line": enterprise.union_id is None
        and founded is not None
        and founded < line_cutoff(timezone.localdate()),
        "may_run": scope_of(user).can("coverage.run"),
    }
