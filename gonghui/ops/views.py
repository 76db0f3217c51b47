import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.defaults import server_error as django_server_error

RETRY_AFTER = 30


def server_error(request):
    """The site's handler500. A request that finds the database gone (restarted, unreachable) — in a
    view or in a middleware such as the one loading the session's user — is answered 503 with a page
    that needs no database; with CONN_HEALTH_CHECKS the next request connects afresh."""
    if not isinstance(sys.exc_info()[1], OperationalError | InterfaceError):
        return django_server_error(request)
    if request.path.startswith("/api/"):
        response = JsonResponse(
            {
                "type": "about:blank",
                "title": _("服务暂时不可用"),
                "status": 503,
                "detail": _("数据库暂时不可用，请稍后重试"),
            },
            status=503,
            content_type="application/problem+json",
            json_dumps_params={"ensure_ascii": False},
        )
    else:
        response = HttpResponse(render_to_string("ops/unavailable.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER)
    return response
