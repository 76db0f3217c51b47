import math
import time

from django.core.cache import cache
from django.utils.cache import patch_cache_control

from gonghui.core.audit import audit_record, client_ip, current_ip
from gonghui.core.models import AuditLog
from gonghui.core.scope import NotInScope

# Every asset is served by the app itself (government intranets have no internet).
CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "frame-ancestors 'none'",
        "form-action 'self'",
        "base-uri 'self'",
        "object-src 'none'",
    ]
)


class ContentSecurityPolicyMiddleware:
    """Sets the CSP header and remembers the client address for the audit log."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_ip.set(client_ip(request))
        try:
            response = self.get_response(request)
        finally:
            current_ip.reset(token)
        response.headers.setdefault("Content-Security-Policy", CSP)
        return response


class NoStoreMiddleware:
    """Cache-Control: no-store, private on every response that reaches it.

    Pages and files hold personal data (a revealed ID number, a roster export, founding documents):
    no browser cache or proxy may keep them. Static assets are answered by WhiteNoise before this
    middleware and keep their own caching.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        patch_cache_control(response, no_store=True, private=True)
        return response


REFUSAL_WINDOW_SECONDS = 600


class RefusalAuditMiddleware:
    """Writes refused access (NotInScope: another union's object, a page the role may not open) to the
    audit log, without flooding it: per user and ten-minute window, the 1st, 10th, 100th… refusal is
    written, each with the count so far. A prober trying ids leaves a trail an auditor can follow."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        user = getattr(request, "user", None)
        if not isinstance(exception, NotInScope) or user is None or not user.is_authenticated:
            return None
        key = f"gonghui:refusals:{user.pk}:{int(time.time()) // REFUSAL_WINDOW_SECONDS}"
        cache.add(key, 0, REFUSAL_WINDOW_SECONDS)
        count = cache.incr(key)
        if count == 10 ** int(math.log10(count)):
            audit_record(
                actor=user,
                action="access.denied",
                result=AuditLog.Result.DENIED,
                detail={"method": request.method, "path": request.path[:200], "refusals_in_window": count},
            )
        return None
