import base64

import pytest
from cryptography.fernet import Fernet, InvalidToken

from gonghui.core import crypto


def fernet() -> Fernet:
    """cryptography's own Fernet under the key our tokens use."""
    return Fernet(base64.urlsafe_b64encode(crypto._derive(crypto.ENCRYPTION_PURPOSE)))


@pytest.mark.parametrize(
    "plain", ["", "360902199001011233", "36090219900101123X", "买买提·艾力 𠮷", "x" * 40]
)
def test_encrypt_makes_fernet_tokens_that_decrypt_reads(plain):
    token = crypto.encrypt(plain)
    assert crypto.decrypt(token) == plain
    assert fernet().decrypt(token.encode()).decode() == plain


def test_encrypt_uses_a_fresh_iv_every_time():
    tokens = {crypto.encrypt("360902199001011233") for _i in range(50)}
    assert len(tokens) == 50


def test_a_token_made_by_fernet_itself_still_decrypts():
    assert crypto.decrypt(fernet().encrypt(b"360902199001011233").decode()) == "360902199001011233"


def test_a_tampered_token_is_refused():
    raw = bytearray(base64.urlsafe_b64decode(crypto.encrypt("360902199001011233")))
    raw[30] ^= 1
    with pytest.raises(InvalidToken):
        crypto.decrypt(base64.urlsafe_b64encode(bytes(raw)).decode())


@pytest.mark.parametrize("token", ["", "not base64!", "gAAAAA", "x" * 120])
def test_garbage_is_refused_like_fernet_refuses_it(token):
    with pytest.raises(InvalidToken):
        crypto.decrypt(token)
    with pytest.raises(InvalidToken):
        fernet().decrypt(token)


def test_a_token_under_another_key_is_refused():
    other = Fernet(Fernet.generate_key()).encrypt(b"360902199001011233").decode()
    with pytest.raises(InvalidToken):
        crypto.decrypt(other)
