"""``Idempotency-Key`` on every POST of the API (the IETF httpapi draft "The Idempotency-Key HTTP Header
Field"): :func:`.openapi.operation` wraps each POST view in :func:`idempotent`, so an operation added later
takes keys too. The keys, their fingerprints and stored answers are the accounts' (:mod:`workflow.accounts
.idempotency`); this module only reads the header and turns refusals into problems:

- no header: the request runs as ever;
- a key that is empty, longer than 255 characters or not printable ASCII: 400;
- the same key and request again: the first answer, replayed with ``Idempotent-Replayed: true``, the
  operation not run again;
- the same key with another request (method, path or body): 422; while its first request runs: 409 (for 10
  minutes at most: one that has not finished by then died, and the retry runs in its place).

Only 2xx answers are stored: a refused request (a stale ETag, a mistake in the body) releases its key, so the
client may correct it and retry with the same key.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Response, current_app, g, request

from workflow.accounts.idempotency import Fingerprint, IdempotencyKeyError, StoredAnswer, valid_key

from ..errors import problem
from ..extensions import _
from ..services import now, services

HEADER = "Idempotency-Key"
REPLAYED = "Idempotent-Replayed"
#: what :func:`.openapi.operation` declares for the header (no space at either end: a header value has none)
KEY_SCHEMA = {"type": "string", "minLength": 1, "maxLength": 255, "pattern": r"^[!-~]([ -~]*[!-~])?$"}
F = Callable[..., Any]


def idempotent(view: F) -> F:
    """``view`` honouring ``Idempotency-Key`` as this module describes."""

    @wraps(view)
    def run(*args: Any, **kwargs: Any) -> Any:
        key = request.headers.get(HEADER)
        if key is None:
            return view(*args, **kwargs)
        if not valid_key(key):
            return problem(400, _("Idempotency-Key must be 1 to 255 printable ASCII characters."))
        accounts, person_id = services().accounts, g.actor.person_id
        try:
            reservation = accounts.reserve(person_id, key, _fingerprint(), now())
        except IdempotencyKeyError as exc:
            return _refused(exc)
        if reservation.replay is not None:
            return _replay(reservation.replay)
        answer: StoredAnswer | None = None
        try:
            response = current_app.make_response(view(*args, **kwargs))
            answer = StoredAnswer(response.status_code, response.get_data(as_text=True), dict(response.headers))
            return response
        finally:  # a refusal raised as an exception (not allowed, not found) releases the key, as an error does
            accounts.complete(reservation.key_id, answer)

    return run


def _fingerprint() -> Fingerprint:
    return Fingerprint.of(request.method, request.path, request.get_data(cache=True))


def _refused(exc: IdempotencyKeyError) -> Response:
    if exc.reason == "mismatch":
        return problem(
            422,
            _("This Idempotency-Key was used with a different request. Use a new key for a new request."),
            _("Idempotency-Key reused"),
            kind="urn:banns:problem:idempotency-key-reused",
        )
    response = problem(
        409,
        _("The first request with this Idempotency-Key is still being processed. Retry in a moment."),
        _("Request in progress"),
        kind="urn:banns:problem:idempotency-key-in-use",
    )
    response.headers["Retry-After"] = "1"
    return response


def _replay(answer: StoredAnswer) -> Response:
    response = Response(answer.body, answer.status, headers=answer.headers)
    response.headers["Cache-Control"] = "no-store"
    response.headers[REPLAYED] = "true"
    return response
