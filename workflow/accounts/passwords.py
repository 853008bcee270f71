"""Passwords: the rules a new one must meet, and hashing and checking them with argon2."""

from __future__ import annotations

import re

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from zxcvbn import zxcvbn

from ..engine.errors import N_, BannsError

MIN_PASSWORD = 12
MAX_PASSWORD = 128

_hasher = PasswordHasher()
# Verifying against this keeps the time of a wrong email the same as a wrong password.
_DUMMY_HASH = _hasher.hash("banns-dummy-password-for-timing")


class WeakPasswordError(BannsError):
    """Why a password is not acceptable, as a msgid and its values (raised as an
    :class:`~.errors.AccountInputError` ``password_weak``, which carries them on)."""


def password_problem(password: str, *, email: str = "", name: str = "") -> WeakPasswordError | None:
    """Why ``password`` is not acceptable, or ``None``: length, then common or guessable passwords."""
    if len(password) < MIN_PASSWORD:
        return WeakPasswordError(N_("Password must be at least {minimum} characters"), minimum=MIN_PASSWORD)
    if len(password) > MAX_PASSWORD:
        return WeakPasswordError(N_("Password must be {maximum} characters or fewer"), maximum=MAX_PASSWORD)
    if zxcvbn(password[:64], user_inputs=_personal_words(email, name))["score"] < 3:
        return WeakPasswordError(N_("Password is too common or easy to guess; try a few unrelated words together"))
    return None


def _personal_words(email: str, name: str) -> list[str]:
    """What a guesser knows about the person: their name (also run together, as in ``tomhardy``), and the
    parts of their email address (``tom.hardy``, ``tom``, ``northbridge``)."""
    local, _, domain = email.lower().partition("@")
    names = name.lower().split()
    parts = [p for p in re.split(r"[._+-]", local) if p]
    words = [email.lower(), local, domain, *names, "".join(names), "".join(parts), *parts, *domain.split(".")]
    return list(dict.fromkeys(w for w in words if w))


def hash_password(password: str) -> str:
    """An argon2 hash of the password, salted (what is stored)."""
    return _hasher.hash(password)


def verify_password(stored: str | None, password: str) -> bool:
    """Whether ``password`` matches the stored hash; as slow for no hash (no such person) as for a wrong one."""
    try:
        return _hasher.verify(stored or _DUMMY_HASH, password) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str) -> bool:
    """Whether a hash was made with weaker settings than today's (rehash it at the next good sign-in)."""
    return _hasher.check_needs_rehash(stored)
