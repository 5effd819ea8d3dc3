"""Password hashing and tokens, without a server: the stored forms and the refusals."""

from __future__ import annotations

import hashlib

import pytest

from api import auth
from api.users import check_new_user
from flows.errors import InvalidInput
from flows.model import Role


def test_hash_is_scrypt_with_parameters_and_random_salt() -> None:
    first, second = auth.hash_password("s3cret-pass"), auth.hash_password("s3cret-pass")
    scheme, n, r, p, salt, key = first.split("$")
    assert (scheme, int(n), int(r), int(p)) == ("scrypt", auth.SCRYPT_N, auth.SCRYPT_R, auth.SCRYPT_P)
    assert salt
    assert key
    assert "s3cret" not in first
    assert first != second  # per-user random salt


def test_verify_accepts_the_password_and_nothing_else() -> None:
    stored = auth.hash_password("s3cret-pass")
    assert auth.verify_password("s3cret-pass", stored)
    assert not auth.verify_password("s3cret-pasS", stored)
    assert not auth.verify_password("", stored)


def test_verify_honours_the_parameters_in_the_hash() -> None:
    cheap = auth.hash_password("pw-123456", n=2**10, r=4, p=1)
    assert cheap.startswith("scrypt$1024$4$1$")
    assert auth.verify_password("pw-123456", cheap)


@pytest.mark.parametrize(
    "stored",
    [
        pytest.param("", id="empty"),
        pytest.param("plain-text-password", id="not a hash"),
        pytest.param("bcrypt$16384$8$1$c2FsdA$a2V5", id="other scheme"),
        pytest.param("scrypt$1000$8$1$c2FsdA$a2V5", id="n not a power of two"),
        pytest.param(f"scrypt${2**24}$8$1$c2FsdA$a2V5", id="n beyond the memory bound"),
        pytest.param("scrypt$x$8$1$c2FsdA$a2V5", id="n not a number"),
    ],
)
def test_malformed_hashes_never_match(stored: str) -> None:
    assert not auth.verify_password("anything", stored)


def test_tokens_are_random_and_only_their_sha256_is_kept() -> None:
    token, digest = auth.new_token()
    other, _ = auth.new_token()
    assert token != other
    assert len(token) >= 43
    assert digest == hashlib.sha256(token.encode()).hexdigest()
    assert token not in digest


@pytest.mark.parametrize(
    ("username", "password", "field"),
    [
        pytest.param("a", "long-enough", "username", id="user name too short"),
        pytest.param("Nurse", "long-enough", "username", id="user name upper case"),
        pytest.param("x" * 33, "long-enough", "username", id="user name too long"),
        pytest.param("li si", "long-enough", "username", id="user name with a space"),
        pytest.param("nurse1", "short", "password", id="password under 8"),
        pytest.param("nurse123", "nurse123", "password", id="password equals user name"),
        pytest.param("nurse123", "NURSE123", "password", id="password equals user name in capitals"),
    ],
)
def test_new_user_refusals_name_the_field(username: str, password: str, field: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        check_new_user(username, "名字", Role.NURSE, password)
    assert caught.value.field == field


def test_new_user_role_must_be_known() -> None:
    with pytest.raises(InvalidInput, match="role must be one of") as caught:
        check_new_user("nurse1", "名字", "janitor", "long-enough")
    assert caught.value.field == "role"
    assert check_new_user("dr.wang-2", "王医生", "doctor", "long-enough") is Role.DOCTOR
