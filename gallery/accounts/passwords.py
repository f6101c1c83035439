"""Password hashing (argon2id) and the password policy: long enough, not common, not guessable."""

from __future__ import annotations

import enum
import re
from functools import cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_babel import gettext as _

MIN_LENGTH = 8
# Long enough for any passphrase, short enough that hashing cannot be used to tie up the server.
MAX_LENGTH = 256
SITE_WORDS = frozenset({"stickergallery", "sticker gallery", "stickers", "gallery"})

# argon2's default parameters; DUMMY_HASH below must carry the same.
_hasher = PasswordHasher()
_TRAILING = re.compile(r"[\d\W_]+$")
_NOISE = re.compile(r"[\d\W_]+")


class PasswordProblem(enum.StrEnum):
    """Why a new password is refused."""

    TOO_SHORT = "too_short"
    TOO_LONG = "too_long"
    COMMON = "common"
    GUESSABLE = "guessable"


def hash_password(password: str) -> str:
    """Return the argon2id hash of ``password`` with the current parameters."""
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Tell whether ``password`` matches ``password_hash`` (never raises for a bad hash)."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """Tell whether the hash was made with older parameters and should be replaced."""
    try:
        return _hasher.check_needs_rehash(password_hash)
    except InvalidHashError:
        return True


# Verifying against this keeps a login for an unknown account as slow as for a known one.
# Written out rather than hashed at import: one argon2 hash costs about as much as importing
# the whole framework, and every command and server worker imports this module. A test checks
# that it still carries the hasher's current parameters (else timing would differ).
DUMMY_HASH = (
    "$argon2id$v=19$m=65536,t=3,p=4$rYdplkcipSNk5tdCFN0NXg$"
    "AUTZL0j63eycZlVOfNY9JWtv+xsMHO8uE5Kh8g6zNgw"
)


def burn_time(password: str) -> None:
    """Spend the time of one verification so timing does not tell whether an account exists."""
    verify_password(DUMMY_HASH, password)


@cache
def common_passwords() -> frozenset[str]:
    """Return the shipped list of common passwords, lowercased."""
    path = Path(__file__).with_name("common-passwords.txt")
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip() and line[0] != "#")


def _variants(password: str) -> set[str]:
    """Return the password lowercased, and without a trailing run of digits or symbols."""
    lowered = password.strip().lower()
    base = _TRAILING.sub("", lowered).strip()
    return {lowered, base} - {""}


def password_problem(password: str, *, login: str = "") -> PasswordProblem | None:
    """Return why ``password`` is refused for ``login``, or None when it is acceptable.

    Length and known-bad lists only; no composition rules (they make passwords worse).
    """
    if len(password) < MIN_LENGTH:
        return PasswordProblem.TOO_SHORT
    if len(password) > MAX_LENGTH:
        return PasswordProblem.TOO_LONG
    variants = _variants(password)
    if variants & common_passwords():
        return PasswordProblem.COMMON
    if _only_guessable_words(password, login):
        return PasswordProblem.GUESSABLE
    return None


def _only_guessable_words(password: str, login: str) -> bool:
    """Tell whether the password is the login or the site's name, repeated or with digits."""
    rest = password.lower()
    words = sorted({*SITE_WORDS, login.lower(), login.lower()[::-1]} - {""}, key=len, reverse=True)
    for word in words:
        rest = rest.replace(word, "")
    return not _NOISE.sub("", rest)


def problem_message(problem: PasswordProblem) -> str:
    """Explain a refused password to the person choosing it."""
    messages = {
        PasswordProblem.TOO_SHORT: _(
            "Please use at least %(n)s characters. A few unrelated words make a good password.",
            n=MIN_LENGTH,
        ),
        PasswordProblem.TOO_LONG: _("Please use at most %(n)s characters.", n=MAX_LENGTH),
        PasswordProblem.COMMON: _(
            "This password is one of the most common ones and easy to guess. Please choose another."
        ),
        PasswordProblem.GUESSABLE: _(
            "This password is too close to your login or the site's name. Please choose another."
        ),
    }
    return messages[problem]
