"""A sign-off link answers the request it was sent for: not a later resubmission, not a waiver."""

from __future__ import annotations

from typing import Any

import pytest
from reminders_support import evidence_all
from sqlalchemy import select

from workflow.engine.programmes import Programmes
from workflow.engine.views import ProgrammeView
from workflow.reminders.models import SignOffToken
from workflow.reminders.tokens import GateClosedError, check_token, sign
from workflow.settings import Settings


def latest_link(engine: Programmes, settings: Settings, person_id: int) -> str:
    with engine.db.read() as session:
        row = session.scalars(
            select(SignOffToken).where(SignOffToken.person_id == person_id).order_by(SignOffToken.id.desc())
        ).first()
        assert row is not None
        return sign(row, settings.secret_key or "")


def test_a_link_from_an_earlier_round_no_longer_decides(
    engine: Programmes, settings: Settings, northbridge: ProgrammeView, who: dict[str, int], clock: Any
) -> None:
    pid = northbridge.id
    evidence_all(engine, pid)
    engine.request_sign_off(pid)
    old = latest_link(engine, settings, who["aisha"])
    assert check_token(engine.db, old, clock(), settings=settings).round == 1

    engine.request_sign_off(pid, note="resubmitted with the minutes attached")
    with pytest.raises(GateClosedError, match="a newer request has replaced"):
        check_token(engine.db, old, clock(), settings=settings)
    new = latest_link(engine, settings, who["aisha"])
    assert check_token(engine.db, new, clock(), settings=settings).round == 2
