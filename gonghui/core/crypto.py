"""Encryption and keyed hashing of personal data (PIPL).

Both keys are derived from settings.FIELD_ENCRYPTION_KEY, so a deployment keeps one secret. The
encryption key protects the stored value; the lookup key makes an HMAC that finds a person by exact
ID number and enforces uniqueness without the number ever being stored in the clear.
"""

import base64
import hashlib
import hmac
from functools import cache

from cryptography.fernet import Fernet
from django.conf import settings


def _derive(purpose: bytes) -> bytes:
    return hmac.new(settings.FIELD_ENCRYPTION_KEY.encode(), purpose, hashlib.sha256).digest()


@cache
def _fernet(master: str) -> Fernet:
    return Fernet(base64.urlsafe_b64encode(_derive(b"gonghui/field-encryption")))


@cache
def _lookup_key(master: str) -> bytes:
    return _derive(b"gonghui/lookup-hash")


def encrypt(plain: str) -> str:
    return _fernet(settings.FIELD_ENCRYPTION_KEY).encrypt(plain.encode()).decode()


def decrypt(token: str) -> str:
    return _fernet(settings.FIELD_ENCRYPTION_KEY).decrypt(token.encode()).decode()


def lookup_hash(plain: str) -> str:
    return hmac.new(_lookup_key(settings.FIELD_ENCRYPTION_KEY), plain.encode(), hashlib.sha256).hexdigest()
