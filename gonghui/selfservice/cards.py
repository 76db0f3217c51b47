"""Member card tokens: a small JSON payload signed with Ed25519, carried in the card's QR code.

The private key is derived from settings.CARD_SIGNING_KEY and never leaves the server; a door phone
holds only the public key, so it can check a card offline but cannot make one. The payload names the
person by their record's number and a masked name (never the ID number), the event the card admits
to (0 for the plain membership card) and when it expires. The browser checks the same bytes with
WebCrypto's Ed25519 (static/selfservice/door.js).
"""

import base64
import functools
import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _


class BadCard(ValueError):
    """The token is not a card this server signed, or no longer valid; str() says why, in Chinese."""


@dataclass(frozen=True)
class Card:
    person_id: int
    event_id: int  # 0: the membership card, for no event in particular
    name: str  # masked (张*明)
    union: str  # the union's name
    expires_at: datetime


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@functools.cache
def _key(secret: str) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(hashlib.sha256(b"gonghui.card:" + secret.encode()).digest())


def private_key() -> Ed25519PrivateKey:
    return _key(settings.CARD_SIGNING_KEY)


def public_key_b64() -> str:
    """The raw 32-byte public key, base64url: what a door page embeds."""
    return _b64(private_key().public_key().public_bytes(Encoding.Raw, PublicFormat.Raw))


def make(*, person_id: int, event_id: int, name: str, union: str, now: datetime | None = None) -> Card:
    """A card valid for CARD_TOKEN_HOURS from now."""
    now = now or timezone.now()
    expires_at = (now + timedelta(hours=settings.CARD_TOKEN_HOURS)).replace(microsecond=0)
    return Card(person_id=person_id, event_id=event_id, name=name, union=union, expires_at=expires_at)


def encode(card: Card) -> str:
    payload = json.dumps(
        {
            "p": card.person_id,
            "e": card.event_id,
            "n": card.name,
            "u": card.union,
            "x": int(card.expires_at.timestamp()),
        },
        ensure_ascii=False,
        separators=(",", ":"),
    ).encode()
    return f"{_b64(payload)}.{_b64(private_key().sign(payload))}"


def decode(token: str, *, event_id: int, now: datetime | None = None) -> Card:
    """The card in token, checked: signed by this server, for this event, not expired. BadCard if not."""
    try:
        payload_b64, signature_b64 = (token or "").strip().split(".")
        payload, signature = _unb64(payload_b64), _unb64(signature_b64)
        private_key().public_key().verify(signature, payload)
    except (ValueError, InvalidSignature):
        raise BadCard(_("会员卡二维码无效：不是本平台签发的会员卡，或已被改动")) from None
    try:
        data = json.loads(payload)
        card = Card(
            person_id=int(data["p"]),
            event_id=int(data["e"]),
            name=str(data["n"]),
            union=str(data["u"]),
            expires_at=datetime.fromtimestamp(int(data["x"]), tz=UTC),
        )
    except (ValueError, KeyError, TypeError):
        raise BadCard(_("会员卡二维码无效：内容不完整")) from None
    if card.event_id != event_id:
        raise BadCard(_("这张会员卡二维码不是本次活动的入场码"))
    if card.expires_at <= (now or timezone.now()):
        raise BadCard(_("会员卡二维码已过期，请持卡人刷新“我的会员卡”页面"))
    return card
