from datetime import date

from django.core import checks
from django.db import DatabaseError
from django.utils import timezone

from gonghui.core import workdays


def next_year_calendar(app_configs=None, today: date | None = None, **kwargs) -> list[checks.CheckMessage]:
    """Warns in November and December while next year's holidays are not loaded (gonghui check, server start)."""
    today = today or timezone.localdate()
    try:
        message = workdays.next_year_warning(today)
    except DatabaseError:
        message = workdays.next_year_warning(today, package_only=True)
    return [checks.Warning(message, id="gonghui.W001")] if message else []
