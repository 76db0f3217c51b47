from django.urls import reverse

from gonghui.core import registry
from gonghui.core.scope import NOBODY, scope_of


def navigation(request):
    """The menu: what each app registered (gonghui.core.registry.menu) and the user's scope shows."""
    scope = scope_of(getattr(request, "user", None))
    if scope is NOBODY:
        return {"nav_items": []}
    return {
        "nav_items": [(entry.label, reverse(entry.url_name)) for entry in registry.menu if entry.shown(scope)]
    }
