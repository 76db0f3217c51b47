from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from rest_framework.throttling import BaseThrottle

from gonghui.api.models import ApiToken, TokenWindow


class PerToken(BaseThrottle):
    """API_TOKEN_RATE requests a minute per token, counted in the database (every app server sees the
    same count); a request past it gets 429 with Retry-After until the minute ends."""

    def allow_request(self, request, view):
        token = request.auth
        if not isinstance(token, ApiToken):
            return True
        now = timezone.now()
        minute = now.replace(second=0, microsecond=0)
        self.wait_seconds = 60 - now.second
        updated = TokenWindow.objects.filter(token=token, minute=minute).update(count=F("count") + 1)
        if not updated:
            try:
                with transaction.atomic():
                    TokenWindow.objects.create(token=token, minute=minute, count=1)
            except IntegrityError:
                TokenWindow.objects.filter(token=token, minute=minute).update(count=F("count") + 1)
            TokenWindow.objects.filter(token=token, minute__lt=minute).delete()
        count = TokenWindow.objects.filter(token=token, minute=minute).values_list("count", flat=True).first()
        return (count or 0) <= settings.API_TOKEN_RATE

    def wait(self):
        return self.wait_seconds
