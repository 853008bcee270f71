"""Approve-from-email tokens: signed, bound to a person and a gate, expiring, single use.

A token is the signed form (``itsdangerous``, keyed by the instance ``SECRET_KEY``) of a small payload:
a random nonce naming a row of ``sign_off_tokens``, the person, the programme, and the gate (stage and
visit). The row records when it was issued and when it was used; the signature proves the payload was
ours; the row makes it single use. Signing is deterministic, so a message re-sent after a crash carries
the same link. The link carries the token in its query string (``/sign?t=...``), which access logs leave
out, never in its path.

The web page calls :func:`check_token` on GET (showing the decision form, changing nothing) and again on
POST, then records the decision with :meth:`workflow.engine.programmes.Programmes.sign`. The outbox listener
consumes the person's tokens for that gate inside that same transaction (:func:`consume_for_gate`), so a
link can never record two decisions. :func:`consume_token` is there for callers that record otherwise.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from workflow.engine.db import Database
from workflow.engine.errors import N_, BannsError, Day, InvalidError, NotAllowedError
from workflow.engine.models import Programme, SignOff
from workflow.settings import Settings, load_settings

from .models import SignOffToken

SALT = "banns.sign-off"
DEFAULT_MAX_AGE_DAYS = 14
SIGN_PATH = "/sign"


class TokenError(BannsError):
    """A sign-off link that cannot be used; the message says why and what to do instead."""


class TokenTamperedError(TokenError):
    """The link was altered or was not issued by this instance."""


class TokenExpiredError(TokenError):
    """The link is older than the configured maximum age."""


class TokenUsedError(TokenError):
    """The link was used already (or its holder has already decided)."""


class GateClosedError(TokenError):
    """The gate the link was for is decided or no longer open for sign-off."""


class TokenPersonError(TokenError, NotAllowedError):
    """The link belongs to someone else than the person signed in."""


@dataclass(frozen=True)
class TokenClaim:
    """What a valid token allows: ``person_id`` to decide on the gate of ``programme_id``."""

    nonce: str
    person_id: int
    programme_id: int
    stage: str
    stage_visit: int
    subject: str
    round: int
    expires_at: datetime


def secret_of(settings: Settings | None) -> str:
    """The instance's secret key.

    Raises:
        InvalidError: no SECRET_KEY is configured (run ``banns init``).
    """
    settings = settings or load_settings()
    if not settings.secret_key:
        raise InvalidError(N_("no SECRET_KEY is configured; run `banns init` to create one"), field="SECRET_KEY")
    return settings.secret_key


def max_age(settings: Settings | None) -> timedelta:
    values = (settings or load_settings()).values
    return timedelta(days=float(values.get("TOKEN_MAX_AGE_DAYS", DEFAULT_MAX_AGE_DAYS)))


def new_nonce() -> str:
    """A nonce for a new token: random, never derived from anything guessable."""
    return secrets.token_urlsafe(24)


def new_token_row(
    session: Session,
    *,
    person_id: int,
    programme_id: int,
    stage: str,
    stage_visit: int,
    subject: str,
    round_: int,
    now: datetime,
    nonce: str | None = None,
) -> SignOffToken:
    """Add a token row (not yet signed: see :func:`sign`)."""
    row = SignOffToken(
        nonce=nonce or new_nonce(),
        person_id=person_id,
        programme_id=programme_id,
        stage=stage,
        stage_visit=stage_visit,
        subject=subject,
        round=round_,
        issued_at=now,
    )
    session.add(row)
    return row


def sign(row: SignOffToken | dict[str, Any], secret_key: str) -> str:
    """The token string for a row (the same string every time)."""
    get = row.get if isinstance(row, dict) else lambda k: getattr(row, k)
    payload = {
        "n": get("nonce"),
        "p": get("person_id"),
        "g": get("programme_id"),
        "s": get("stage"),
        "v": get("stage_visit"),
    }
    return URLSafeSerializer(secret_key, salt=SALT).dumps(payload)


def issue_token(
    session: Session,
    *,
    person_id: int,
    programme_id: int,
    stage: str,
    stage_visit: int,
    subject: str,
    round_: int,
    now: datetime,
    settings: Settings | None = None,
) -> str:
    """Issue a new token for a person to decide on a gate; returns the signed string."""
    row = new_token_row(
        session,
        person_id=person_id,
        programme_id=programme_id,
        stage=stage,
        stage_visit=stage_visit,
        subject=subject,
        round_=round_,
        now=now,
    )
    session.flush()
    return sign(row, secret_of(settings))


def link(base_url: str, token: str) -> str:
    """The address of the sign-off page for ``token``: in the query string, which access logs leave out."""
    return base_url.rstrip("/") + SIGN_PATH + "?" + urlencode({"t": token})


def check_token(
    db: Database, token: str, now: datetime, *, person_id: int | None = None, settings: Settings | None = None
) -> TokenClaim:
    """Check a token without changing anything (safe on GET). ``person_id``: who is signed in, if anyone.

    Raises:
        TokenTamperedError, TokenExpiredError, TokenUsedError, GateClosedError, TokenPersonError
    """
    try:
        payload = URLSafeSerializer(secret_of(settings), salt=SALT).loads(token)
    except BadSignature:
        raise TokenTamperedError(
            N_(
                "this sign-off link is not valid: it may have been cut short or altered. "
                "Sign in to see what waits for your decision."
            )
        ) from None
    with db.read() as session:
        row = session.scalar(select(SignOffToken).where(SignOffToken.nonce == payload.get("n")))
        if row is None or (row.person_id, row.programme_id, row.stage, row.stage_visit) != (
            payload.get("p"),
            payload.get("g"),
            payload.get("s"),
            payload.get("v"),
        ):
            raise TokenTamperedError(
                N_("this sign-off link is not valid. Sign in to see what waits for your decision.")
            )
        claim = TokenClaim(
            row.nonce,
            row.person_id,
            row.programme_id,
            row.stage,
            row.stage_visit,
            row.subject,
            row.round,
            row.issued_at + max_age(settings),
        )
        if person_id is not None and person_id != claim.person_id:
            raise TokenPersonError(N_("this sign-off link was sent to someone else; sign in as yourself to decide"))
        if row.used_at is not None:
            raise TokenUsedError(
                N_(
                    "this sign-off link was used on {day} at {time} UTC and works only once. Sign in to see or "
                    "change your decision."
                ),
                day=Day(row.used_at.date()),
                time=f"{row.used_at:%H:%M}",
            )
        if now >= claim.expires_at:
            raise TokenExpiredError(
                N_(
                    "this sign-off link expired on {day}. Sign in to decide, or ask the programme manager to send "
                    "the request again."
                ),
                day=Day(claim.expires_at.date()),
            )
        _check_gate_open(session, claim)
        return claim


def _check_gate_open(session: Session, claim: TokenClaim) -> None:
    programme = session.get(Programme, claim.programme_id)
    if programme is None or programme.state != claim.stage or programme.stage_visit != claim.stage_visit:
        raise GateClosedError(
            N_(
                "the gate this link was for has been decided and the programme has moved on; sign in to see where "
                "it is now"
            )
        )
    if programme.sign_off_subject is None:
        raise GateClosedError(
            N_(
                "sign-off is no longer requested for this gate (the evidence changed or the request was withdrawn); "
                "you will get a new link when it is requested again"
            )
        )
    if (programme.sign_off_subject, programme.sign_off_round) != (claim.subject, claim.round):
        # a link answers the request it was sent for: never a later resubmission, nor a waiver instead of a gate
        raise GateClosedError(
            N_(
                "a newer request has replaced the one this link was sent for; use the link in the latest email, or "
                "sign in to decide"
            )
        )
    decided = session.scalar(
        select(SignOff.id)
        .where(
            SignOff.programme_id == claim.programme_id,
            SignOff.stage == claim.stage,
            SignOff.stage_visit == claim.stage_visit,
            SignOff.subject == programme.sign_off_subject,
            SignOff.round == programme.sign_off_round,
            SignOff.person_id == claim.person_id,
        )
        .limit(1)
    )
    if decided is not None:
        raise TokenUsedError(N_("you have already decided on this gate in the current round; sign in to see it"))


def consume_token(session: Session, claim: TokenClaim, now: datetime) -> None:
    """Mark the token used, in the caller's transaction.

    Raises:
        TokenUsedError: it was used meanwhile.
    """
    done = session.execute(
        update(SignOffToken)
        .where(SignOffToken.nonce == claim.nonce, SignOffToken.used_at.is_(None))
        .values(used_at=now)
    )
    if done.rowcount != 1:  # type: ignore[attr-defined]
        raise TokenUsedError(N_("this sign-off link has just been used; it works only once"))


def consume_for_gate(
    session: Session, *, person_id: int, programme_id: int, stage: str, stage_visit: int, now: datetime
) -> None:
    """Mark every open token of the person for this gate used (their decision is being recorded)."""
    session.execute(
        update(SignOffToken)
        .where(
            SignOffToken.person_id == person_id,
            SignOffToken.programme_id == programme_id,
            SignOffToken.stage == stage,
            SignOffToken.stage_visit == stage_visit,
            SignOffToken.used_at.is_(None),
        )
        .values(used_at=now)
    )
