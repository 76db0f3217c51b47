from django import template

from gonghui.honours.models import EVIDENCE_LEVELS

register = template.Library()


@register.filter
def level_label(level: str) -> str:
    """An evidence level (national, city, zone…) as the pages say it."""
    return EVIDENCE_LEVELS.get(level, level)
