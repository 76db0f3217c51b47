"""Encryption and keyed hashing of personal data (PIPL).

A token names its cipher and key version: "<cipher>:<version>:<base64url(nonce ‖ ciphertext ‖ tag)>".
settings.FIELD_CIPHER picks the cipher of new tokens and settings.FIELD_KEY_VERSION their key, one of
settings.FIELD_ENCRYPTION_KEYS (version 1 is GONGHUI_FIELD_KEY). Both ciphers are authenticated
(AEAD), with the token's "<cipher>:<version>" as associated data, so a token cannot be passed off as
another cipher's or version's; a random 96-bit nonce per value:

- "aes": AES-256-GCM (cryptography's AESGCM), key HMAC-SHA256(master, purpose).
- "sm4": SM4-GCM (GB/T 32907 in the GCM mode of NIST SP 800-38D, from OpenSSL through cryptography's
  Cipher(SM4, GCM) with its 128-bit tag), key the first 128 bits of HMAC-SM3(master, purpose).

Tokens of before (no colon) are Fernet tokens under key version 1 and keep reading: AES-128-CBC with
HMAC-SHA256, checked in constant time before the ciphertext is touched, as cryptography.fernet does.
`gonghui rotate-field-key` (rotate below) re-encrypts every registered field with the current cipher
and key. Any token that does not read raises Fernet's InvalidToken.

The lookup key (an HMAC-SHA256 finding a person by exact ID number and keeping numbers unique without
storing them) is derived from key version 1 and never rotates: every stored id_hash depends on it.
"""

import base64
import hashlib
import hmac
import os
from dataclasses import dataclass
from functools import cache

from cryptography.exceptions import InvalidTag
from cryptography.fernet import InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import hmac as sm_hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.db.models import Q

FERNET_VERSION = b"\x80"
ENCRYPTION_PURPOSE = b"gonghui/field-encryption"
NONCE = 12
TAG = 16


def _derive(purpose: bytes, master: str | None = None) -> bytes:
    master = settings.FIELD_ENCRYPTION_KEY if master is None else master
    return hmac.new(master.encode(), purpose, hashlib.sha256).digest()


@cache
def _fernet_parts(master: str) -> tuple:
    """Fernet's key halves: the HMAC (signing) key, ready to copy, and the AES key."""
    key = _derive(ENCRYPTION_PURPOSE, master)
    return hmac.new(key[:16], digestmod=hashlib.sha256), algorithms.AES(key[16:])


@cache
def _lookup_key(master: str) -> bytes:
    return _derive(b"gonghui/lookup-hash", master)


class _AesGcm:
    def __init__(self, master: str):
        self.aead = AESGCM(_derive(ENCRYPTION_PURPOSE + b"/aes-256-gcm", master))

    def seal(self, nonce: bytes, data: bytes, header: bytes) -> bytes:
        return self.aead.encrypt(nonce, data, header)

    def open(self, nonce: bytes, sealed: bytes, header: bytes) -> bytes:
        return self.aead.decrypt(nonce, sealed, header)


class _Sm4Gcm:
    def __init__(self, master: str):
        mac = sm_hmac.HMAC(master.encode(), hashes.SM3())
        mac.update(ENCRYPTION_PURPOSE + b"/sm4-gcm")
        self.key = algorithms.SM4(mac.finalize()[:16])

    def seal(self, nonce: bytes, data: bytes, header: bytes) -> bytes:
        encryptor = Cipher(self.key, modes.GCM(nonce)).encryptor()
        encryptor.authenticate_additional_data(header)
        body = encryptor.update(data) + encryptor.finalize()
        return body + encryptor.tag

    def open(self, nonce: bytes, sealed: bytes, header: bytes) -> bytes:
        decryptor = Cipher(self.key, modes.GCM(nonce, sealed[-TAG:])).decryptor()
        decryptor.authenticate_additional_data(header)
        return decryptor.update(sealed[:-TAG]) + decryptor.finalize()


CIPHERS = {"aes": _AesGcm, "sm4": _Sm4Gcm}


@cache
def _cipher(name: str, master: str):
    return CIPHERS[name](master)


def current_prefix() -> str:
    """How every token made now begins: "<cipher>:<version>:"."""
    return f"{settings.FIELD_CIPHER}:{settings.FIELD_KEY_VERSION}:"


def encrypt(plain: str) -> str:
    """A token of plain under the current cipher and key version, with its own random nonce."""
    prefix = current_prefix()
    cipher = _cipher(settings.FIELD_CIPHER, settings.FIELD_ENCRYPTION_KEYS[settings.FIELD_KEY_VERSION])
    nonce = os.urandom(NONCE)
    sealed = cipher.seal(nonce, plain.encode(), prefix[:-1].encode())
    return prefix + base64.urlsafe_b64encode(nonce + sealed).decode()


def decrypt(token: str) -> str:
    name, version, body = token.split(":", 2) if token.count(":") == 2 else ("", "", token)
    if not name:
        return _fernet_decrypt(token)
    master = settings.FIELD_ENCRYPTION_KEYS.get(int(version)) if version.isdigit() else None
    if name not in CIPHERS or master is None:
        raise InvalidToken
    try:
        data = base64.urlsafe_b64decode(body)
    except (TypeError, ValueError):
        raise InvalidToken from None
    if len(data) < NONCE + TAG:
        raise InvalidToken
    try:
        plain = _cipher(name, master).open(data[:NONCE], data[NONCE:], f"{name}:{version}".encode())
        return plain.decode()
    except (InvalidTag, UnicodeDecodeError):
        raise InvalidToken from None


def _fernet_decrypt(token: str) -> str:
    signer, aes = _fernet_parts(settings.FIELD_ENCRYPTION_KEYS[1])
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
    return hmac.new(
        _lookup_key(settings.FIELD_ENCRYPTION_KEYS[1]), plain.encode(), hashlib.sha256
    ).hexdigest()


@dataclass
class Rotated:
    """What a rotation re-encrypted: rows per registered model ("app.Model" → n)."""

    rows: dict


def rotate(*, actor, batch_size: int = 500, on_batch=None) -> Rotated:
    """Re-encrypts, batch by batch, every value of the registered encrypted fields
    (registry.encrypted_fields) that is not under the current cipher and key. Each batch is its own
    transaction, its rows locked while they are rewritten, so the site keeps running and a rotation
    stopped anywhere resumes where it stopped (the rows done no longer match); every value reads
    throughout, whichever token it holds. on_batch(label, n) is told after each batch. Only the
    server's operator rotates; the run is audited."""
    from gonghui.core import registry
    from gonghui.core.audit import audit_record
    from gonghui.core.scope import SystemActor

    if not isinstance(actor, SystemActor):
        raise PermissionError("only the server's operator rotates the field key")

    prefix, done = current_prefix(), {}
    for entry in registry.encrypted_fields:
        model = apps.get_model(entry.key)
        stale = Q()
        for name in entry.fields:
            stale |= ~Q(**{f"{name}__startswith": prefix}) & ~Q(**{name: ""})
        done[entry.key], after = 0, None
        while True:
            with transaction.atomic():
                rows = (
                    model._base_manager.select_for_update().filter(stale).order_by("pk").only(*entry.fields)
                )
                batch = list((rows.filter(pk__gt=after) if after is not None else rows)[:batch_size])
                if not batch:
                    break
                for row in batch:
                    for name in entry.fields:
                        token = getattr(row, name)
                        if token and not token.startswith(prefix):
                            setattr(row, name, encrypt(decrypt(token)))
                model._base_manager.bulk_update(batch, entry.fields)
            after, done[entry.key] = batch[-1].pk, done[entry.key] + len(batch)
            if on_batch:
                on_batch(entry.key, len(batch))
    detail = {"cipher": settings.FIELD_CIPHER, "key_version": settings.FIELD_KEY_VERSION, "rows": done}
    audit_record(actor=actor, action="crypto.rotate_field_key", detail=detail)
    return Rotated(done)
