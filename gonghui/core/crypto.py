"""Encryption and keyed hashing of personal data (PIPL).

Both keys are derived from settings.FIELD_ENCRYPTION_KEY, so a deployment keeps one secret. The
encryption key protects the stored value; the lookup key makes an HMAC that finds a person by exact
ID number and enforces uniqueness without the number ever being stored in the clear.

Values are Fernet tokens (AES-128-CBC with a random IV, HMAC-SHA256, the format of
cryptography.fernet). `encrypt` and `decrypt` do what Fernet does with the same primitives, reusing
the key objects that Fernet rebuilds on every call: half the cost when a roster encrypts or an export
reveals a million numbers, the same tokens. decrypt checks the HMAC (in constant time) before it
touches the ciphertext, as Fernet does; any bad token raises Fernet's InvalidToken.
"""

import base64
import hashlib
import hmac
import os
import time
from functools import cache

from cryptography.fernet import InvalidToken
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.conf import settings

FERNET_VERSION = b"\x80"
ENCRYPTION_PURPOSE = b"gonghui/field-encryption"


def _derive(purpose: bytes) -> bytes:
    return hmac.new(settings.FIELD_ENCRYPTION_KEY.encode(), purpose, hashlib.sha256).digest()


@cache
def _encryption_parts(master: str) -> tuple:
    """Fernet's key halves: the HMAC (signing) key, ready to copy, and the AES key."""
    key = _derive(ENCRYPTION_PURPOSE)
    return hmac.new(key[:16], digestmod=hashlib.sha256), algorithms.AES(key[16:])


@cache
def _lookup_key(master: str) -> bytes:
    return _derive(b"gonghui/lookup-hash")


def encrypt(plain: str) -> str:
    """A Fernet token of plain (what Fernet(key).encrypt would produce, with its own random IV)."""
    signer, aes = _encryption_parts(settings.FIELD_ENCRYPTION_KEY)
    data = plain.encode()
    pad = 16 - len(data) % 16  # PKCS7
    iv = os.urandom(16)
    encryptor = Cipher(aes, modes.CBC(iv)).encryptor()
    body = (
        FERNET_VERSION
        + int(time.time()).to_bytes(8, "big")
        + iv
        + encryptor.update(data + bytes([pad]) * pad)
        + encryptor.finalize()
    )
    mac = signer.copy()
    mac.update(body)
    return base64.urlsafe_b64encode(body + mac.digest()).decode()


def decrypt(token: str) -> str:
    signer, aes = _encryption_parts(settings.FIELD_ENCRYPTION_KEY)
    try:
        data = base64.urlsafe_b64decode(token)
    except (TypeError, ValueError):
        raise InvalidToken from None
    if len(data) < 57 or data[:1] != FERNET_VERSION or (len(data) - 57) % 16:
        raise InvalidToken
    mac = signer.copy()
    mac.update(data[:-32])
    if not hmac.compare_digest(mac.digest(), data[-32:]):
        raise InvalidToken
    decryptor = Cipher(aes, modes.CBC(data[9:25])).decryptor()
    padded = decryptor.update(data[25:-32]) + decryptor.finalize()
    pad = padded[-1]
    if not 1 <= pad <= 16 or padded[-pad:] != bytes([pad]) * pad:
        raise InvalidToken
    return padded[:-pad].decode()


def lookup_hash(plain: str) -> str:
    return hmac.new(_lookup_key(settings.FIELD_ENCRYPTION_KEY), plain.encode(), hashlib.sha256).hexdigest()
