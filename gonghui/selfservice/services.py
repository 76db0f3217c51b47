"""Worker self-service: activation codes, signing in with one, and the member card checked at the door.

Everything a worker does on their own pages beyond these (sign-ups, legal questions) goes through the
services of the app that owns it, which check that a worker acts only for themself.
"""

import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from gonghui.accounts.lockout import record_failure, sign_in_refusal
from gonghui.accounts.models import User
from gonghui.core.audit import audit_record
from gonghui.core.errors import field_error, on_field
from gonghui.core.models import AuditLog
from gonghui.core.roles import Role
from gonghui.core.scope import NotInScope, SystemActor, scope_of
from gonghui.core.validators import mask_name
from gonghui.homes import services as homes
from gonghui.homes.models import CheckIn, Event, EventRegistration
from gonghui.members.models import Membership, Person
from gonghui.selfservice import cards
from gonghui.selfservice.models import ActivationCode

# Ten characters of 32 (no 0/O, 1/I): 50 bits, read aloud or typed from paper without confusion.
ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
CODE_LENGTH = 10


def normalise_code(raw: str) -> str:
    """What a person types (lower case, spaces, the hyphen of the printed form) → the code."""
    return "".join(c for c in (raw or "").upper() if c.isalnum())


def printed(code: str) -> str:
    """ABCDE-FGHJK: how the code is shown and printed."""
    return f"{code[:5]}-{code[5:]}"


def _code_hash(code: str) -> str:
    return salted_hmac("gonghui.selfservice.activation", code, algorithm="sha256").hexdigest()


def _user(by):
    return None if isinstance(by, SystemActor) else by


@transaction.atomic
def activation_code_issue(*, person: Person, by) -> tuple[ActivationCode, str]:
    """A new code for a member of a union the actor keeps; the member's earlier unused code stops
    working. Returns the row and the code itself, which is shown once and never stored."""
    membership = (
        Membership.objects.writable_by(by).active().filter(person=person).select_related("union").first()
    )
    if membership is None:
        raise NotInScope
    if not person.mobile:
        raise field_error("person", _("该会员没有登记手机号码，请先补充手机号码再发放激活码"))
    now = timezone.now()
    replaced = (
        ActivationCode.objects.select_for_update()
        .filter(person=person, used_at__isnull=True, replaced_at__isnull=True)
        .update(replaced_at=now)
    )
    code = "".join(secrets.choice(ALPHABET) for _i in range(CODE_LENGTH))
    row = ActivationCode.objects.create(
        person=person,
        union=membership.union,
        code_hash=_code_hash(code),
        issued_by=_user(by),
        issued_at=now,
        expires_at=now + timedelta(days=settings.ACTIVATION_CODE_DAYS),
    )
    audit_record(
        actor=by,
        action="selfservice.activation_issue",
        obj=person,
        detail={"union": membership.union.code, "replaced": replaced, "code": row.pk},
    )
    return row, code


class _Failed(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code, self.message = code, message


def activation_redeem(*, mobile: str, code: str, password: str, ip: str | None) -> User:
    """Signs a member up with their mobile number and activation code and sets their password.

    A wrong, used, replaced or expired code counts as a failed sign-in of that mobile number (the
    lockout of gonghui.accounts.lockout), and while the number is locked or slowed no code is
    checked. A password the validators refuse is not a failure: the code stays unused.
    """
    mobile = "".join((mobile or "").split())
    refusal = sign_in_refusal(username=mobile, ip=ip)
    if refusal is not None:
        raise field_error("code", refusal.message, code=refusal.code)
    try:
        with transaction.atomic():
            return _redeem(mobile=mobile, code=normalise_code(code), password=password, ip=ip)
    except _Failed as failure:
        with transaction.atomic():
            record_failure(username=mobile, ip=ip)
            audit_record(
                actor=None,
                username=mobile,
                action="selfservice.activation_failed",
                ip=ip,
                result=AuditLog.Result.FAILED,
                detail={"reason": failure.code},
            )
        raise field_error("code", failure.message, code=failure.code) from None


def _redeem(*, mobile: str, code: str, password: str, ip: str | None) -> User:
    row = (
        ActivationCode.objects.select_for_update()
        .select_related("person")
        .filter(code_hash=_code_hash(code))
        .first()
        if len(code) == CODE_LENGTH
        else None
    )
    if row is None or not mobile or not constant_time_compare(row.person.mobile, mobile):
        raise _Failed("wrong", _("手机号码或激活码不正确，请核对工会发给您的激活码"))
    if row.used_at is not None:
        raise _Failed("used", _("该激活码已经使用过，不能再次使用；忘记密码请找工会管理员领取新的激活码"))
    if row.replaced_at is not None:
        raise _Failed("replaced", _("该激活码已作废（工会已发放新的激活码），请使用最新的激活码"))
    now = timezone.now()
    if row.expires_at <= now:
        raise _Failed(
            "expired",
            _("该激活码已于%(at)s过期（有效期%(days)d天），请找工会管理员领取新的激活码")
            % {
                "at": timezone.localtime(row.expires_at).strftime("%Y-%m-%d %H:%M"),
                "days": settings.ACTIVATION_CODE_DAYS,
            },
        )
    person = row.person
    if not Membership.objects.active().filter(person=person).exists():
        raise field_error("code", _("您目前不是在册会员，不能激活账号，请联系工会"))
    user = User.objects.select_for_update().filter(person=person).first()
    if user is not None and (user.role != Role.WORKER or user.is_superuser):
        # An officer's sign-in is never reset by a code a union admin can issue.
        raise field_error("code", _("该会员的账号是工作人员账号，不能用激活码设置密码，请联系平台管理员"))
    if user is not None and not user.is_active:
        raise field_error("code", _("该账号已停用，请联系工会管理员"))
    if user is None:
        if User.objects.filter(username=mobile).exists():
            raise field_error("code", _("该手机号码已被其他账号使用，请联系工会管理员"))
        user = User(username=mobile, role=Role.WORKER, person=person, first_name=person.name)
    on_field("password", lambda value: validate_password(value, user), password)
    if ActivationCode.objects.filter(pk=row.pk, used_at__isnull=True).update(used_at=now) != 1:
        raise _Failed("used", _("该激活码已经使用过，不能再次使用；忘记密码请找工会管理员领取新的激活码"))
    user.set_password(password)
    user.save()
    audit_record(actor=user, action="selfservice.activate", obj=user, ip=ip, detail={"code": row.pk})
    return user


# --- the member card ---


def require_worker(user):
    """A worker with their own person record, or NotInScope: who self-service is for."""
    scope = scope_of(user)
    if scope.role != Role.WORKER or scope.person_id is None:
        raise NotInScope
    return scope


def member_card(*, user, event: Event | None = None) -> tuple[cards.Card, str]:
    """The worker's card (for an event they hold a seat at, its entry pass), signed: (card, token)."""
    require_worker(user)
    membership = Membership.objects.visible_to(user).active().select_related("union", "person").first()
    if membership is None:
        raise field_error("event", _("您目前不是在册会员，没有会员卡"))
    if event is not None:
        seated = EventRegistration.objects.visible_to(user).filter(
            event=event, status=EventRegistration.Status.CONFIRMED
        )
        if not seated.exists():
            raise field_error(
                "event", _("您没有本次活动的正式名额（未报名、已取消或在候补名单中），没有入场码")
            )
    card = cards.make(
        person_id=membership.person_id,
        event_id=event.pk if event is not None else 0,
        name=mask_name(membership.person.name),
        union=membership.union.name,
    )
    return card, cards.encode(card)


@dataclass(frozen=True)
class CardCheck:
    card: cards.Card
    registration: EventRegistration | None  # among those the officer may check in

    @property
    def admits(self) -> bool:
        return (
            self.registration is not None and self.registration.status == EventRegistration.Status.CONFIRMED
        )


def card_verify(*, token: str, event: Event, by) -> CardCheck:
    """What the server says of a card shown at the door of event: signed here, for this event, not
    expired, and the holder's registration among those the officer checks in."""
    scope_of(by).require("events.checkin")
    event = Event.objects.visible_to(by).require(event)
    try:
        card = cards.decode(token, event_id=event.pk)
    except cards.BadCard as bad:
        raise field_error("token", str(bad)) from None
    registration = (
        EventRegistration.objects.writable_by(by)
        .filter(event=event, person_id=card.person_id)
        .select_related("person", "union", "check_in")
        .first()
    )
    return CardCheck(card=card, registration=registration)


@transaction.atomic
def card_check_in(*, token: str, event: Event, by) -> CheckIn:
    """Checks the card's holder in (homes.services.checkin_create, by card)."""
    check = card_verify(token=token, event=event, by=by)
    if check.registration is None:
        raise field_error("token", _("持卡人未报名本次活动（或不是您负责签到的工会的会员），不能签到"))
    try:
        return homes.checkin_create(
            event=event, person=check.registration.person, by=by, method=CheckIn.Method.CARD
        )
    except ValidationError as error:
        raise ValidationError({"token": error.messages}) from None
