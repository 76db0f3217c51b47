from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import logout
from django.utils import timezone

LAST_SEEN = "gonghui_last_seen"
SIGNED_IN_AT = "gonghui_signed_in_at"
# Activity is recorded at most once a minute, so a page view does not always write the session.
SEEN_RESOLUTION = timedelta(minutes=1)


class SessionTimeoutMiddleware:
    """Signs out a session idle for SESSION_IDLE_TIMEOUT or older than SESSION_ABSOLUTE_TIMEOUT."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = timezone.now()
            session = request.session
            last_seen = session.get(LAST_SEEN)
            signed_in_at = session.setdefault(SIGNED_IN_AT, now.isoformat())
            if (last_seen and now - datetime.fromisoformat(last_seen) > settings.SESSION_IDLE_TIMEOUT) or (
                now - datetime.fromisoformat(signed_in_at) > settings.SESSION_ABSOLUTE_TIMEOUT
            ):
                logout(request)
            elif not last_seen or now - datetime.fromisoformat(last_seen) > SEEN_RESOLUTION:
                session[LAST_SEEN] = now.isoformat()
        return self.get_response(request)
