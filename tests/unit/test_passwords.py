"""Password rules and hashing (docs/security.md cases 1-3)."""

from __future__ import annotations

import re

import pytest
from passlib.context import CryptContext

from lms_reflex.services.accounts.passwords import (
    check_password_rules,
    hash_password,
    verify_password,
)
from lms_reflex.services.errors import InvalidInput

LONG_PASSWORD = "my favourite 🦜 parrot says hello " * 3  # 99 characters, spaces and emoji


def test_seven_character_password_is_refused_with_the_reason() -> None:
    with pytest.raises(InvalidInput, match="at least 8 characters"):
        check_password_rules("kq7#zp2")


def test_eight_character_password_is_accepted() -> None:
    check_password_rules("kq7#zp2w")


@pytest.mark.parametrize("password", ["abcdefghjk", "ABCDEFGHJK", "zzzzqqqqxxxx"])
def test_no_composition_rules_are_imposed(password: str) -> None:
    check_password_rules(password)


def test_long_password_with_spaces_and_emoji_is_accepted() -> None:
    assert len(LONG_PASSWORD) > 64
    check_password_rules(LONG_PASSWORD)


def test_long_password_is_never_truncated() -> None:
    stored = hash_password(LONG_PASSWORD)
    assert verify_password(LONG_PASSWORD, stored)[0]
    assert not verify_password(LONG_PASSWORD[:-1], stored)[0]
    assert not verify_password(LONG_PASSWORD[:72], stored)[0]


@pytest.mark.parametrize("password", ["password", "iloveyou", "qwertyuiop", "Sunshine1"])
def test_common_password_is_refused(password: str) -> None:
    with pytest.raises(InvalidInput, match="too common"):
        check_password_rules(password)


@pytest.mark.real_argon2
def test_hash_is_argon2id_with_at_least_owasp_parameters() -> None:
    stored = hash_password("a perfectly fine password")
    assert stored.startswith("$argon2id$")
    params = dict(re.findall(r"([mtp])=(\d+)", stored))
    assert int(params["m"]) >= 19_456
    assert int(params["t"]) >= 2


def test_same_password_twice_gives_different_hashes() -> None:
    assert hash_password("a perfectly fine password") != hash_password("a perfectly fine password")


def test_hash_does_not_contain_the_password() -> None:
    assert "perfectly" not in hash_password("a perfectly fine password")


def test_wrong_password_does_not_verify() -> None:
    stored = hash_password("a perfectly fine password")
    assert verify_password("a perfectly fine passwore", stored) == (False, None)


def test_unknown_account_is_checked_against_a_dummy_hash() -> None:
    assert verify_password("anything at all", None) == (False, None)


@pytest.mark.real_argon2
def test_weaker_old_hash_is_flagged_for_upgrade() -> None:
    weak = CryptContext(schemes=["argon2"], argon2__memory_cost=8192, argon2__time_cost=1)
    ok, new_hash = verify_password("an old password", weak.hash("an old password"))
    assert ok
    assert new_hash is not None and "m=19456,t=2" in new_hash


def test_garbage_hash_does_not_verify() -> None:
    assert verify_password("anything at all", "not-a-hash") == (False, None)
