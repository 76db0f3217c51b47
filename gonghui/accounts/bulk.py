"""Bulk personal data: an action that releases more than BULK_ID_NUMBERS full ID numbers at once
needs a second factor verified within STEP_UP_WINDOW, and a user may do it BULK_ID_RELEASES_PER_DAY
times a day (counted from the audit log, so every app server sees the same count)."""

from datetime import datetime, time

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.accounts.second_factor import StepUpRequired, is_fresh
from gonghui.core.models import AuditLog


class BulkReleaseLimit(Exception):
    def __init__(self):
        super().__init__(
            _("您今天导出大量完整公民身份号码已达%(n)d次上限，请明天再试或导出脱敏名册。")
            % {"n": settings.BULK_ID_RELEASES_PER_DAY}
        )


def is_bulk(rows: int) -> bool:
    return rows > settings.BULK_ID_NUMBERS


def bulk_id_release_check(*, user, rows: int, session, action: str) -> None:
    """Raises StepUpRequired or BulkReleaseLimit before `rows` full ID numbers go out in one `action`
    (its audit rows carry `full_ids`: how many went out)."""
    if not is_bulk(rows):
        return
    if not is_fresh(session):
        raise StepUpRequired
    today = datetime.combine(timezone.localdate(), time.min, timezone.get_current_timezone())
    done = AuditLog.objects.filter(
        actor_id=user.pk, action=action, at__gte=today, detail__full_ids__gt=settings.BULK_ID_NUMBERS
    ).count()
    if done >= settings.BULK_ID_RELEASES_PER_DAY:
        raise BulkReleaseLimit
