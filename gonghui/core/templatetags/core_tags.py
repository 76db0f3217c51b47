from django import template
from django.template.loader import get_template
from django.utils.safestring import SafeString, mark_safe

from gonghui.core import registry

register = template.Library()


@register.simple_tag(takes_context=True)
def query_replace(context, **changes) -> str:
    """The current query string with some parameters replaced (for pagination links)."""
    query = context["request"].GET.copy()
    for key, value in changes.items():
        query[key] = value
    return query.urlencode()


@register.simple_tag(takes_context=True)
def panels(context, page: str) -> SafeString:
    """The sections other apps add to this page (gonghui.core.registry.panels), in their order."""
    flat = context.flatten()
    parts = [
        get_template(panel.template).render(flat, context.get("request"))
        for panel in registry.panels
        if panel.page == page
    ]
    return mark_safe("".join(parts))  # noqa: S308 (each part is a rendered, autoescaped template)


@register.simple_tag(takes_context=True)
def keyset_query(context, cursor: str) -> str:
    """The current query string on another keyset page: the cursor in, a jump and a page number out."""
    query = context["request"].GET.copy()
    for key in ("from", "page"):
        query.pop(key, None)
    query["cursor"] = cursor
    return query.urlencode()


@register.simple_tag(takes_context=True)
def jump_query(context, value: str) -> str:
    """The current query string jumping to a value of a keyset list's first key (a letter, a date)."""
    query = context["request"].GET.copy()
    for key in ("cursor", "page"):
        query.pop(key, None)
    query["from"] = value
    return query.urlencode()


@register.simple_tag(takes_context=True)
def kept_query(context) -> list[tuple[str, str]]:
    """The current query's parameters but a keyset list's position (for a jump form's hidden fields,
    so that a jump keeps the list's filters)."""
    return [
        (key, value)
        for key, values in context["request"].GET.lists()
        if key not in ("cursor", "from", "page")
        for value in values
    ]
