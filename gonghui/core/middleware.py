from django.utils.cache import patch_cache_control

from gonghui.core.audit import client_ip, current_ip

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
