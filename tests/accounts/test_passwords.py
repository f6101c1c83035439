"""The password policy: long enough, not common, not the login; no composition rules."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher

from gallery.accounts.passwords import (
    DUMMY_HASH,
    PasswordProblem,
    common_passwords,
    hash_password,
    password_problem,
    verify_password,
)


def test_the_common_list_is_shipped_and_substantial():
    """A few hundred of the most used passwords at least."""
    words = common_passwords()
    assert len(words) >= 500
    assert {"123456", "password", "qwerty123", "iloveyou", "123456789"} <= words


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("seven77", PasswordProblem.TOO_SHORT),
        ("x" * 257, PasswordProblem.TOO_LONG),
        ("password", PasswordProblem.COMMON),
        ("PASSWORD123", PasswordProblem.COMMON),
        ("qwertyuiop!", PasswordProblem.COMMON),
        ("sunshine2025", PasswordProblem.COMMON),
        ("maria.k2025", PasswordProblem.GUESSABLE),
        ("k.airam123", PasswordProblem.GUESSABLE),
        ("Sticker Gallery!", PasswordProblem.GUESSABLE),
        ("stickergallery", PasswordProblem.COMMON),
    ],
)
def test_refused_passwords(password, problem):
    """Each refusal names its reason."""
    assert password_problem(password, login="maria.k") is problem


@pytest.mark.parametrize(
    "password", ["lowercase only words", "12 rue des lilas", "кот и луна вместе", "Zz9!Zz9!"]
)
def test_no_composition_rules(password):
    """Length and the lists decide; no demand for digits, capitals or symbols."""
    assert password_problem(password, login="maria.k") is None


def test_hashes_are_argon2id_salted_and_verify():
    """Same password, different hashes; only the right password verifies."""
    first, second = hash_password("a long pass phrase"), hash_password("a long pass phrase")
    assert first != second and first.startswith("$argon2id$")
    assert verify_password(first, "a long pass phrase")
    assert not verify_password(first, "a long pass phrasE")
    assert not verify_password("not a hash", "anything")


def test_the_timing_hash_matches_the_current_parameters():
    """Logins for unknown accounts verify against a written-out hash: it must cost the same.

    A hash made with other parameters (after an argon2 upgrade) would make a login for an
    unknown account faster or slower than one for a real account.
    """
    # The app hashes with argon2's defaults; this suite swaps in a cheap hasher for speed.
    assert not PasswordHasher().check_needs_rehash(DUMMY_HASH)
    assert not verify_password(DUMMY_HASH, "anything at all")
    assert verify_password(DUMMY_HASH, "not a real password, only for timing")
