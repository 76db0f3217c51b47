from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string


class DatabaseUnavailableMiddleware:
    """A request that finds the database gone (restarted, unreachable) is answered 503 with a page that
    needs no database, instead of a 500; with CONN_HEALTH_CHECKS the next request connects afresh."""

    RETRY_AFTER = 30

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        response = HttpResponse(render_to_string("ops/unavailable.html"), status=503)
        response["Retry-After"] = str(self.RETRY_AFTER)
        return response
