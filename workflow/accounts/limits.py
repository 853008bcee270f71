"""Sign-in limits that hold exactly under concurrent tries, and that a stranger cannot turn against a person.

**Policy.** Each limit counts failed sign-ins per key in a fixed 15-minute window that opens at the key's
first failure. A key at its limit refuses every attempt until its window closes, so no lock lasts longer
than 15 minutes; attempts refused by a limit are not counted, so hammering a locked key never extends it.

- ``pair``: 5 failures per email and address. On a browser *known* for the email (it has signed in to that
  account before: the web's device cookie), the attempt is counted per email and browser (``device``, 5)
  and by nothing else.
- ``address``: 30 failures per address, whatever the email: one address cannot spray many accounts.
- ``email``: 20 failures per email from browsers not known for it, whatever the address: a guesser with many
  addresses gets at most 20 guesses in a quarter of an hour.

**What a stranger can do to a person** who knows their email: fail from the stranger's own addresses, which
fills the stranger's pair and address counters and the email's counter. On a browser where the person has
signed in before, only its own ``device`` counter applies, so the stranger cannot keep them out at all. On a
new browser the ``email`` counter refuses them while the stranger keeps failing, but never past the moment
they open a password reset link: a reset clears every counter of the email, signs them in and makes that
browser known. A person's own failures lock only their own pair (or browser), for at most 15 minutes.

**Exactness.** An attempt first *charges* each of its keys: an upsert that adds one and returns the new
count, under the row's lock, keys in a fixed order (no deadlocks); if any key is over its limit the charge
is rolled back and the attempt refused, else the charge commits before the password is checked. Concurrent
attempts therefore get distinct counts, and no more of them than the limit ever reach the password check,
on PostgreSQL (row locks) and SQLite (serial write transactions) alike. A success refunds its charge and
clears its own pair or browser counter.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Table, case, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from .models import SignInLimit

WINDOW = timedelta(minutes=15)
PAIR_LIMIT = 5
ADDRESS_LIMIT = 30
EMAIL_LIMIT = 20
#: password changes: wrong current passwords per person
CHANGE_LIMIT = 5
#: password reset emails per email address, and reset requests per address, in a window
RESET_EMAIL_LIMIT = 3
RESET_ADDRESS_LIMIT = 20
#: bad API tokens per address in a window (``token_address``: see :mod:`.tokens`)
TOKEN_ADDRESS_LIMIT = 30
#: the counters of the attempt's own address or browser, cleared when it succeeds
OWN_SCOPES = frozenset({"pair", "device"})
#: counters whose window closed longer ago than this are deleted
KEEP = timedelta(days=1)


@dataclass(frozen=True)
class Key:
    """One counter: what it counts (``scope``), its hashed name, the hash of the email it concerns (if any)
    and its limit."""

    scope: str
    digest: str
    email_hash: str | None
    limit: int


@dataclass(frozen=True)
class Charge:
    """A failure counted in advance on ``key``, in the window that started at ``window_start``."""

    key: Key
    window_start: datetime


def email_hash(email: str) -> str:
    """What the counters keep of an email address, to clear them all after a reset."""
    return hashlib.sha256(("email\0" + email).encode()).hexdigest()


def key(scope: str, limit: int, email: str = "", other: str = "") -> Key:
    """The counter for ``scope`` (``pair``, ``device``, ``address``, ``email``, ...) of an email and an
    address or browser; only hashes are stored."""
    digest = hashlib.sha256(f"{scope}\0{email}\0{other}".encode()).hexdigest()
    return Key(scope, digest, email_hash(email) if email else None, limit)


def sign_in_keys(email: str, ip: str, device: str | None) -> list[Key]:
    """The counters a sign-in attempt charges (see the policy above)."""
    if device:
        return [key("device", PAIR_LIMIT, email, device)]
    return [
        key("pair", PAIR_LIMIT, email, ip),
        key("address", ADDRESS_LIMIT, other=ip),
        key("email", EMAIL_LIMIT, email),
    ]


def charge(session: Session, keys: list[Key], now: datetime) -> tuple[list[Charge], datetime | None]:
    """Add one failure to each key, in a fixed order. Returns the charges, and when any key is over its limit
    the time its window closes (the caller must then roll back, so that the refused attempt is not counted)."""
    charges: list[Charge] = []
    until: datetime | None = None
    for k in sorted(keys, key=lambda k: k.digest):
        failures, window_start = _add_one(session, k, now)
        charges.append(Charge(k, window_start))
        if failures > k.limit:
            closes = window_start + WINDOW
            until = closes if until is None else max(until, closes)
    return charges, until


def over(session: Session, keys: list[Key], now: datetime) -> datetime | None:
    """When the latest window of any of these keys that is over its limit closes, or ``None`` if none is:
    a read, for checks that charge only failures (bad API tokens)."""
    rows = session.scalars(select(SignInLimit).where(SignInLimit.key.in_([k.digest for k in keys])))
    limit_of = {k.digest: k.limit for k in keys}
    closing = [r.window_start + WINDOW for r in rows if r.window_start > now - WINDOW and r.failures >= limit_of[r.key]]
    return max(closing, default=None)


def refund(session: Session, charges: list[Charge]) -> None:
    """Take back failures charged in advance (the attempt succeeded), if their window is still the same."""
    for c in charges:
        session.execute(
            update(SignInLimit)
            .where(
                SignInLimit.key == c.key.digest,
                SignInLimit.window_start == c.window_start,
                SignInLimit.failures > 0,
            )
            .values(failures=SignInLimit.failures - 1)
        )


def clear(session: Session, keys: list[Key]) -> None:
    """Forget these counters (an attempt from their address or browser succeeded)."""
    session.execute(delete(SignInLimit).where(SignInLimit.key.in_([k.digest for k in keys])))


def clear_email(session: Session, email: str) -> None:
    """Forget every counter of an email (its pairs, browsers and own counter), as after a password reset."""
    session.execute(delete(SignInLimit).where(SignInLimit.email_hash == email_hash(email)))


def purge(session: Session, now: datetime) -> None:
    """Delete counters whose window closed more than a day ago."""
    session.execute(delete(SignInLimit).where(SignInLimit.window_start < now - WINDOW - KEEP))


def _add_one(session: Session, k: Key, now: datetime) -> tuple[int, datetime]:
    """Add one failure to a counter atomically, opening a new window if its window has closed."""
    table: Table = SignInLimit.__table__  # type: ignore[assignment]
    dialect = session.get_bind().dialect.name
    if dialect not in ("postgresql", "sqlite"):
        return _add_one_locked(session, k, now)
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = insert(table).values(key=k.digest, email_hash=k.email_hash, window_start=now, failures=1)
    closed = table.c.window_start <= now - WINDOW
    upsert = stmt.on_conflict_do_update(
        index_elements=[table.c.key],
        set_={
            "failures": case((closed, 1), else_=table.c.failures + 1),
            "window_start": case((closed, stmt.excluded.window_start), else_=table.c.window_start),
        },
    ).returning(table.c.failures, table.c.window_start)
    row = session.execute(upsert).one()
    return int(row.failures), row.window_start


def _add_one_locked(session: Session, k: Key, now: datetime) -> tuple[int, datetime]:
    """Any other database: lock the row (creating it first if absent)."""
    row = session.get(SignInLimit, k.digest, with_for_update=True)
    if row is None:
        with session.begin_nested():
            session.add(SignInLimit(key=k.digest, email_hash=k.email_hash, window_start=now, failures=0))
        row = session.get(SignInLimit, k.digest, with_for_update=True)
        assert row is not None
    if row.window_start <= now - WINDOW:
        row.window_start, row.failures = now, 0
    row.failures += 1
    session.flush()
    return row.failures, row.window_start
