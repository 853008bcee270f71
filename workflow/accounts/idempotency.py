"""Idempotency keys on the API's POSTs (the IETF httpapi draft "The Idempotency-Key HTTP Header Field"): a
client that sends a key with a request may retry it, after a lost answer or a timeout, without doing the work
twice.

Keys are the person's own (two people's same key are two keys), each kept with the request's fingerprint
(method, path and the SHA-256 of its body) for :data:`LIFETIME`. The web reserves a key before running the
request (:meth:`IdempotencyUseCases.reserve`) and completes it afterwards
(:meth:`IdempotencyUseCases.complete`). The same key again:

- with the same request, once the first is done: its stored answer, replayed without running it again;
- with a different request: refused (``mismatch``; the web answers 422);
- while the first request still runs: refused (``running``; the web answers 409), unless it has "run" for
  :data:`ABANDONED` (its process died): then the retry runs in its place.

Only successful (2xx) answers are stored: a refused or failed request releases its key, so the client may fix
what was wrong (a stale ETag, a missing partner) and retry with the same key. Expired keys are purged on the
next reservation, and a key past its expiry is free to be used again.

No Flask here: the fingerprint and the answer are plain values.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from .base import AccountsBase
from .models import IdempotencyKey

#: how long a key is kept (the draft suggests 24 hours as a sensible window)
LIFETIME = timedelta(hours=24)
#: a first request still "running" after this long died with its process (no request of the app runs for
#: minutes): a retry with its key may run instead, rather than be told to wait for a day
ABANDONED = timedelta(minutes=10)
MAX_KEY = 255
#: the headers of an answer that are stored and replayed with its body
REPLAYED_HEADERS = ("Content-Type", "ETag", "Location")

KeyRefusal = Literal["mismatch", "running"]


class IdempotencyKeyError(Exception):
    """The key cannot be used for this request: ``mismatch`` (it came with a different request) or
    ``running`` (its first request is still being processed)."""

    def __init__(self, reason: KeyRefusal) -> None:
        self.reason: KeyRefusal = reason
        super().__init__(reason)


@dataclass(frozen=True)
class Fingerprint:
    """What identifies a request for its key: the method, the path and the SHA-256 of the body."""

    method: str
    path: str
    body_sha256: str

    @classmethod
    def of(cls, method: str, path: str, body: bytes) -> Fingerprint:
        return cls(method.upper(), path, hashlib.sha256(body).hexdigest())


@dataclass(frozen=True)
class StoredAnswer:
    """A successful answer as stored for replay: status, body and the headers in :data:`REPLAYED_HEADERS`."""

    status: int
    body: str
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Reservation:
    """A key taken for a request: ``replay`` is the stored answer when the request was done already (do not run
    it again), else ``None`` (run it, then :meth:`IdempotencyUseCases.complete` the reservation)."""

    key_id: int
    replay: StoredAnswer | None


@dataclass(frozen=True)
class KeyRecord:
    """A key as stored (for inspection): its request, when it expires, and its answer once done."""

    person_id: int
    key: str
    fingerprint: Fingerprint
    created_at: datetime
    expires_at: datetime
    answer: StoredAnswer | None


def valid_key(key: str) -> bool:
    """Whether ``key`` may be an idempotency key: 1 to 255 characters of printable ASCII."""
    return 1 <= len(key) <= MAX_KEY and all(" " <= c <= "~" for c in key)


def _answer(row: IdempotencyKey) -> StoredAnswer | None:
    if row.status is None:
        return None
    return StoredAnswer(row.status, row.response_body or "", dict(row.response_headers or {}))


class IdempotencyUseCases(AccountsBase):
    def reserve(self, person_id: int, key: str, request: Fingerprint, now: datetime) -> Reservation:
        """Take ``key`` of the person for ``request`` (purging every expired key first), or find it done.

        Raises:
            IdempotencyKeyError: ``mismatch`` (the key came with another request), ``running`` (its first
                request is not done yet).
            ValueError: not a valid key (see :func:`valid_key`).
        """
        if not valid_key(key):
            raise ValueError("an idempotency key has 1 to 255 printable ASCII characters")
        with self.db.write() as session:
            session.execute(delete(IdempotencyKey).where(IdempotencyKey.expires_at <= now))
            try:
                with session.begin_nested():
                    row = IdempotencyKey(
                        person_id=person_id,
                        key=key,
                        method=request.method,
                        path=request.path,
                        body_sha256=request.body_sha256,
                        created_at=now,
                        expires_at=now + LIFETIME,
                    )
                    session.add(row)
                return Reservation(row.id, None)
            except IntegrityError:  # the key is taken (by an earlier request, or one running at this moment)
                pass
            found = session.scalar(
                select(IdempotencyKey)
                .where(IdempotencyKey.person_id == person_id, IdempotencyKey.key == key)
                .with_for_update()
            )
            if found is None:  # taken, then released by its own request meanwhile: a new try will find it free
                raise IdempotencyKeyError("running")
            if Fingerprint(found.method, found.path, found.body_sha256) != request:
                raise IdempotencyKeyError("mismatch")
            answer = _answer(found)
            if answer is None and found.created_at > now - ABANDONED:
                raise IdempotencyKeyError("running")
            if answer is None:  # abandoned: this request runs in its place
                found.created_at, found.expires_at = now, now + LIFETIME
            return Reservation(found.id, answer)

    def complete(self, key_id: int, answer: StoredAnswer | None) -> None:
        """Store the answer of the request the key was reserved for, if it succeeded (2xx); otherwise (a
        refusal, an error: ``answer`` not 2xx or ``None``) release the key, so that the request may be retried
        with it."""
        with self.db.write() as session:
            row = session.get(IdempotencyKey, key_id, with_for_update=True)
            if row is None:
                return
            if answer is None or not 200 <= answer.status < 300:
                session.delete(row)
                return
            row.status = answer.status
            row.response_body = answer.body
            row.response_headers = {k: v for k, v in answer.headers.items() if k in REPLAYED_HEADERS}

    def find_key(self, person_id: int, key: str, now: datetime) -> KeyRecord | None:
        """The person's key as stored, or ``None`` (never sent, released, or expired)."""
        with self.db.read() as session:
            row = session.scalar(
                select(IdempotencyKey).where(
                    IdempotencyKey.person_id == person_id, IdempotencyKey.key == key, IdempotencyKey.expires_at > now
                )
            )
            if row is None:
                return None
            fingerprint = Fingerprint(row.method, row.path, row.body_sha256)
            return KeyRecord(row.person_id, row.key, fingerprint, row.created_at, row.expires_at, _answer(row))
