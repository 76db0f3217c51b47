from datetime import datetime, timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
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


# Pages a signed-in user may open before the steps of their sign-in are done.
SIGN_IN_STEP_PAGES = frozenset(
    {
        "accounts:login",
        "accounts:logout",
        "accounts:second_factor",
        "accounts:password_change",
        "set_language",
    }
)


class SignInStepsMiddleware:
    """Staff verify their second factor (or enrol one), and anyone whose password is a first, a reset
    or too old changes it, before any other page. Reads the session and the user, no query."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        from gonghui.accounts.passwords import must_change_password
        from gonghui.accounts.second_factor import is_verified

        user = request.user
        if not user.is_authenticated or request.resolver_match.view_name in SIGN_IN_STEP_PAGES:
            return None
        if user.needs_second_factor and not is_verified(request.session):
            step = "accounts:second_factor"
        elif must_change_password(user):
            step = "accounts:password_change"
        else:
            return None
        return redirect(f"{reverse(step)}?{urlencode({'next': request.get_full_path()})}")
