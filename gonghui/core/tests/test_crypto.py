"""Field encryption: AES-256-GCM by default, SM4-GCM with HMAC-SM3 keys when chosen, a key version
in every token, the Fernet tokens of before still read; key rotation in batches that resumes."""

import base64
import hashlib
import hmac

import pytest
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import hmac as sm_hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.apps import apps
from django.core.management import CommandError, call_command

from gonghui.core import crypto, registry
from gonghui.core.models import AuditLog
from gonghui.core.scope import SystemActor
from gonghui.members.models import Person
from gonghui.members.tests.factories import make_member

NUMBER = "360902199001011233"


def fernet() -> Fernet:
    """cryptography's own Fernet under the key the tokens of before used."""
    return Fernet(base64.urlsafe_b64encode(crypto._derive(crypto.ENCRYPTION_PURPOSE)))


@pytest.fixture
def two_keys(settings):
    settings.FIELD_ENCRYPTION_KEYS = {
        1: settings.FIELD_ENCRYPTION_KEY,
        2: "second-field-key-for-tests-0123456789",
    }
    settings.FIELD_KEY_VERSION = 2
    return settings


@pytest.mark.parametrize("plain", ["", NUMBER, "36090219900101123X", "买买提·艾力 𠮷", "x" * 400])
@pytest.mark.parametrize("cipher", ["aes", "sm4"])
def test_tokens_name_their_cipher_and_key_and_decrypt(settings, cipher, plain):
    settings.FIELD_CIPHER = cipher
    token = crypto.encrypt(plain)
    assert token.startswith(f"{cipher}:1:")
    assert crypto.decrypt(token) == plain


def test_aes_tokens_are_aes_256_gcm_with_the_header_as_associated_data():
    raw = base64.urlsafe_b64decode(crypto.encrypt(NUMBER).removeprefix("aes:1:"))
    key = crypto._derive(crypto.ENCRYPTION_PURPOSE + b"/aes-256-gcm")
    assert AESGCM(key).decrypt(raw[:12], raw[12:], b"aes:1").decode() == NUMBER


def test_sm4_tokens_are_sm4_gcm_under_a_key_derived_by_hmac_sm3(settings):
    settings.FIELD_CIPHER = "sm4"
    raw = base64.urlsafe_b64decode(crypto.encrypt(NUMBER).removeprefix("sm4:1:"))
    mac = sm_hmac.HMAC(settings.FIELD_ENCRYPTION_KEY.encode(), hashes.SM3())
    mac.update(crypto.ENCRYPTION_PURPOSE + b"/sm4-gcm")
    decryptor = Cipher(algorithms.SM4(mac.finalize()[:16]), modes.GCM(raw[:12], raw[-16:])).decryptor()
    decryptor.authenticate_additional_data(b"sm4:1")
    assert (decryptor.update(raw[12:-16]) + decryptor.finalize()).decode() == NUMBER


def test_every_token_has_its_own_nonce():
    assert len({crypto.encrypt(NUMBER) for _i in range(50)}) == 50


def test_the_fernet_tokens_of_before_still_decrypt(two_keys):
    assert crypto.decrypt(fernet().encrypt(NUMBER.encode()).decode()) == NUMBER


@pytest.mark.parametrize("cipher", ["aes", "sm4"])
def test_a_tampered_token_is_refused(settings, cipher):
    settings.FIELD_CIPHER = cipher
    prefix, body = crypto.encrypt(NUMBER).rsplit(":", 1)
    raw = bytearray(base64.urlsafe_b64decode(body))
    raw[14] ^= 1
    with pytest.raises(InvalidToken):
        crypto.decrypt(f"{prefix}:{base64.urlsafe_b64encode(bytes(raw)).decode()}")


def test_a_token_cannot_pass_for_another_cipher_or_version(two_keys):
    token = crypto.encrypt(NUMBER)
    for forged in (token.replace("aes:2:", "aes:1:"), token.replace("aes:2:", "sm4:2:")):
        with pytest.raises(InvalidToken):
            crypto.decrypt(forged)


@pytest.mark.parametrize(
    "token",
    ["", "not base64!", "gAAAAA", "x" * 120, "aes:1:", "aes:1:!!", "aes:9:AAAA", "des:1:AAAA", "aes:x:AAAA"],
)
def test_garbage_is_refused(token):
    with pytest.raises(InvalidToken):
        crypto.decrypt(token)


def test_old_versions_read_until_their_key_is_withdrawn(two_keys):
    two_keys.FIELD_KEY_VERSION = 1
    old = crypto.encrypt(NUMBER)
    two_keys.FIELD_KEY_VERSION = 2
    new = crypto.encrypt(NUMBER)
    assert (old[:6], new[:6]) == ("aes:1:", "aes:2:")
    assert crypto.decrypt(old) == crypto.decrypt(new) == NUMBER
    two_keys.FIELD_ENCRYPTION_KEYS = {2: two_keys.FIELD_ENCRYPTION_KEYS[2]}
    with pytest.raises(InvalidToken):
        crypto.decrypt(old)


def test_the_lookup_hash_does_not_move_with_the_key(two_keys):
    expected = hmac.new(crypto._derive(b"gonghui/lookup-hash"), NUMBER.encode(), hashlib.sha256).hexdigest()
    assert crypto.lookup_hash(NUMBER) == expected


def test_every_encrypted_column_is_registered_for_rotation():
    columns = {
        (model._meta.label, field.name)
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if field.name.endswith("_encrypted") and field.concrete
    }
    registered = {(entry.key, name) for entry in registry.encrypted_fields for name in entry.fields}
    assert columns == registered


@pytest.mark.django_db
def test_an_interrupted_rotation_resumes_and_every_value_reads_throughout(two_keys, union_a):
    """Members written as Fernet tokens and under key 1, rotated to SM4 under key 2 in batches of 2:
    stopped after the first batch, every number still reads; run again, it finishes the rest."""
    numbers = {}
    for i in range(5):
        membership = make_member(union_a)
        person = membership.person
        numbers[person.pk] = person.reveal_id_number()
        legacy = fernet().encrypt(numbers[person.pk].encode()).decode() if i % 2 else None
        if legacy:
            Person.objects.filter(pk=person.pk).update(id_encrypted=legacy)
    two_keys.FIELD_CIPHER = "sm4"

    def interrupt(label, n):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        crypto.rotate(actor=SystemActor("ops"), batch_size=2, on_batch=interrupt)
    tokens = dict(Person.objects.values_list("pk", "id_encrypted"))
    assert sum(t.startswith("sm4:2:") for t in tokens.values()) == 2
    assert {p.pk: p.reveal_id_number() for p in Person.objects.all()} == numbers

    result = crypto.rotate(actor=SystemActor("ops"), batch_size=2)
    assert result.rows["members.Person"] == 3
    assert all(t.startswith("sm4:2:") for t in Person.objects.values_list("id_encrypted", flat=True))
    assert {p.pk: p.reveal_id_number() for p in Person.objects.all()} == numbers
    assert AuditLog.objects.get(action="crypto.rotate_field_key").detail["rows"]["members.Person"] == 3


@pytest.mark.django_db
def test_rotate_field_key_reports_and_refuses_a_bad_batch_size(two_keys, union_a, capsys):
    two_keys.FIELD_KEY_VERSION = 1
    make_member(union_a)
    two_keys.FIELD_KEY_VERSION = 2
    call_command("rotate_field_key")
    assert "members.Person：重新加密 1 行" in capsys.readouterr().out
    with pytest.raises(CommandError, match="--batch-size 至少为 1"):
        call_command("rotate_field_key", "--batch-size", "0")
    with pytest.raises(PermissionError):
        crypto.rotate(actor=union_a, batch_size=10)
