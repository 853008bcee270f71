"""Approve-from-email tokens: bound to person, programme and gate; expire; work once; refuse tampering."""

from __future__ import annotations

from typing import Any

import pytest
from reminders_support import evidence_all

from workflow.engine.db import Database
from workflow.engine.programmes import Programmes
from workflow.engine.views import ProgrammeView
from workflow.reminders.tokens import (
    GateClosedError,
    TokenExpiredError,
    TokenPersonError,
    TokenTamperedError,
    TokenUsedError,
    check_token,
    consume_token,
    issue_token,
)
from workflow.settings import Settings


@pytest.fixture
def requested(engine: Programmes, northbridge: ProgrammeView) -> ProgrammeView:
    evidence_all(engine, northbridge.id)
    return engine.request_sign_off(northbridge.id)


def token_for(db: Database, view: ProgrammeView, person_id: int, clock: Any, settings: Settings) -> str:
    with db.write() as session:
        return issue_token(
            session,
            person_id=person_id,
            programme_id=view.id,
            stage=view.state,
            stage_visit=1,
            subject="gate",
            round_=1,
            now=clock(),
            settings=settings,
        )


def test_a_valid_token_names_person_and_gate_and_checking_it_changes_nothing(
    db: Database, requested: ProgrammeView, who: dict[str, int], clock: Any, settings: Settings
) -> None:
    token = token_for(db, requested, who["tom"], clock, settings)
    claim = check_token(db, token, clock(), settings=settings)
    again = check_token(db, token, clock(), settings=settings)  # a GET twice: still valid
    assert claim == again
    assert (claim.person_id, claim.programme_id, claim.stage, claim.stage_visit) == (
        who["tom"],
        requested.id,
        "courtship",
        1,
    )


def test_a_token_expires_after_the_configured_days(
    db: Database, requested: ProgrammeView, who: dict[str, int], clock: Any, settings: Settings
) -> None:
    token = token_for(db, requested, who["tom"], clock, settings)
    clock.advance(days=13, hours=23)
    check_token(db, token, clock(), settings=settings)
    clock.advance(hours=1)
    with pytest.raises(TokenExpiredError, match="expired"):
        check_token(db, token, clock(), settings=settings)
    shorter = Settings(
        settings.instance,
        settings.database_url,
        settings.definitions_dir,
        settings.secret_key,
        {"TOKEN_MAX_AGE_DAYS": "30"},
    )
    check_token(db, token, clock(), settings=shorter)  # configurable


def test_a_token_works_once(
    engine: Programmes, db: Database, requested: ProgrammeView, who: dict[str, int], clock: Any, settings: Settings
) -> None:
    token = token_for(db, requested, who["tom"], clock, settings)
    claim = check_token(db, token, clock(), settings=settings)
    engine.sign(claim.programme_id, claim.person_id, "approve")  # the listener uses the token up
    with pytest.raises(TokenUsedError, match="only once"):
        check_token(db, token, clock(), settings=settings)
    with db.write() as session, pytest.raises(TokenUsedError):
        consume_token(session, claim, clock())


def test_consume_token_marks_it_used(
    db: Database, requested: ProgrammeView, who: dict[str, int], clock: Any, settings: Settings
) -> None:
    token = token_for(db, requested, who["tom"], clock, settings)
    claim = check_token(db, token, clock(), settings=settings)
    with db.write() as session:
        consume_token(session, claim, clock())
    with pytest.raises(TokenUsedError):
        check_token(db, token, clock(), settings=settings)


@pytest.mark.parametrize("change", ["truncate", "flip", "other_key", "rebind"])
def test_a_tampered_token_is_refused(
    db: Database, requested: ProgrammeView, who: dict[str, int], clock: Any, settings: Settings, change: str
) -> None:
    token = token_for(db, requested, who["tom"], clock, settings)
    if change == "truncate":
        bad = token[:-3]
    elif change == "flip":
        bad = token[:5] + ("A" if token[5] != "A" else "B") + token[6:]
    elif change == "other_key":
        other = Settings(settings.instance, settings.database_url, settings.definitions_dir, "another secret", {})
        with db.write() as session:
            bad = issue_token(
                session,
                person_id=who["tom"],
                programme_id=requested.id,
                stage="courtship",
                stage_visit=1,
                subject="gate",
                round_=1,
                now=clock(),
                settings=other,
            )
    else:  # a genuine signature over a payload naming someone else than the stored row
        from itsdangerous import URLSafeSerializer

        from workflow.reminders.tokens import SALT

        payload = URLSafeSerializer(settings.secret_key, salt=SALT).loads(token)
        payload["p"] = who["aisha"]
        bad = URLSafeSerializer("guess", salt=SALT).dumps(payload)
    with pytest.raises(TokenTamperedError, match="not valid"):
        check_token(db, bad, clock(), settings=settings)


def test_another_persons_token_cannot_be_used_by_someone_signed_in(
    db: Database, requested: ProgrammeView, who: dict[str, int], clock: Any, settings: Settings
) -> None:
    token = token_for(db, requested, who["tom"], clock, settings)
    with pytest.raises(TokenPersonError, match="someone else"):
        check_token(db, token, clock(), person_id=who["aisha"], settings=settings)
    assert check_token(db, token, clock(), person_id=who["tom"], settings=settings).person_id == who["tom"]


def test_a_token_for_a_gate_already_decided_is_refused(
    engine: Programmes, db: Database, requested: ProgrammeView, who: dict[str, int], clock: Any, settings: Settings
) -> None:
    token = token_for(db, requested, who["tom"], clock, settings)
    for name in ("tom", "aisha", "gareth"):
        engine.sign(requested.id, who[name], "approve")
    engine.advance(requested.id)
    with pytest.raises((GateClosedError, TokenUsedError)):
        check_token(db, token, clock(), settings=settings)
    aisha_token = token_for(db, requested, who["aisha"], clock, settings)  # issued late, never used
    with pytest.raises(GateClosedError, match="moved on"):
        check_token(db, aisha_token, clock(), settings=settings)


def test_a_token_stops_working_when_the_evidence_changes(
    engine: Programmes, db: Database, requested: ProgrammeView, who: dict[str, int], clock: Any, settings: Settings
) -> None:
    token = token_for(db, requested, who["gareth"], clock, settings)
    engine.record_evidence(requested.id, "vision_drafted", "Vision redrafted after the leaders' meeting")
    with pytest.raises(GateClosedError, match="no longer requested"):
        check_token(db, token, clock(), settings=settings)
