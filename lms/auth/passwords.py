"""Argon2id password hashing and the password policy; the cost comes from the app config."""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from argon2 import PasswordHasher
from flask_babel import lazy_gettext as _l
from argon2.exceptions import InvalidHashError, VerificationError

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1024
PASSWORD_LENGTH_MESSAGE = _l("The password must have at least %(min)d characters (and at most %(max)d).",
                              min=MIN_PASSWORD_LENGTH, max=MAX_PASSWORD_LENGTH)
COMMON_PASSWORD_MESSAGE = _l("This password is too common or too easy to guess; choose another (a few unrelated words work well).")
COMMON_PASSWORDS_FILE = Path(__file__).resolve().parent / "data" / "common-passwords.txt"

# A password compared against this hash when the e-mail is unknown, so that a
# failed login takes as long whether or not the account exists.
_DUMMY_PASSWORD = "not-a-real-password-at-all"
# Digits and punctuation people pad a common word with ("password1234!", "!!qwerty2024").
_PADDING = re.compile(r"^[\W\d_]+|[\W\d_]+$")


class PasswordTooWeak(ValueError):
    """The password breaks the password policy."""


def make_hasher(time_cost: int = 3, memory_kib: int = 65536) -> PasswordHasher:
    """An Argon2id hasher with the given cost."""
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_kib, parallelism=1)


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """The shipped list of common passwords, lower case."""
    lines = COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip() and not line.startswith("#"))


def _repeats_a_short_unit(text: str) -> bool:
    """True for "aaaaaaaaaaaa", "abcabcabcabc" and the like."""
    return any(len(text) % n == 0 and text == text[:n] * (len(text) // n) for n in range(1, 5) if n < len(text))


def is_common(password: str) -> bool:
    """True when the password is, or merely pads or repeats, a common password."""
    lowered = password.lower()
    listed = common_passwords()
    if lowered in listed or _repeats_a_short_unit(lowered):
        return True
    core = _PADDING.sub("", lowered)
    if not core or core in listed:
        return True
    half = len(core) // 2
    return len(core) % 2 == 0 and core[:half] == core[half:] and core[:half] in listed


def check_policy(password: str) -> None:
    """Refuse passwords that are too short, too long or common; any characters are allowed."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise PasswordTooWeak(_l("The password must have at least %(num)d characters.", num=MIN_PASSWORD_LENGTH))
    if len(password) > MAX_PASSWORD_LENGTH:
        raise PasswordTooWeak(_l("The password may have at most %(num)d characters.", num=MAX_PASSWORD_LENGTH))
    if is_common(password):
        raise PasswordTooWeak(COMMON_PASSWORD_MESSAGE)


def verify(hasher: PasswordHasher, stored_hash: str | None, password: str) -> bool:
    """True when `password` matches `stored_hash`; a missing hash never matches."""
    if not stored_hash:
        hasher.hash(_DUMMY_PASSWORD)  # equalise timing with a real check
        return False
    try:
        return hasher.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False
