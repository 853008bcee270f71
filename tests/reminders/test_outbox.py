"""The transactional outbox: a change and the emails it causes are committed together, or not at all."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from reminders_support import evidence_all
from sqlalchemy import func, select

from workflow.engine.db import Database
from workflow.engine.errors import MoveRefusedError
from workflow.engine.models import Person
from workflow.engine.programmes import Programmes
from workflow.engine.views import ProgrammeView
from workflow.reminders.delivery import list_mail
from workflow.reminders.models import HELD, PENDING, OutboxMessage
from workflow.reminders.outbox import queue_invitation
from workflow.reminders.preferences import set_preference


def rows(db: Database, **where: Any) -> list[OutboxMessage]:
    with db.read() as session:
        stmt = select(OutboxMessage).order_by(OutboxMessage.id)
        for k, v in where.items():
            stmt = stmt.where(getattr(OutboxMessage, k) == v)
        found = list(session.scalars(stmt))
        session.expunge_all()  # keep the loaded values after the read transaction ends
        return found


def addressees(db: Database, kind: str) -> set[str]:
    return {r.to_addr.split(".")[0] for r in rows(db, kind=kind)}


def test_sign_off_request_writes_one_message_per_signatory_with_a_link(
    engine: Programmes, northbridge: ProgrammeView, db: Database
) -> None:
    evidence_all(engine, northbridge.id)
    assert rows(db) == []  # evidence alone emails nobody
    engine.request_sign_off(northbridge.id, note="Please decide by Friday")
    asked = rows(db, kind="sign_off_requested")
    assert {r.to_addr.split(".")[0] for r in asked} == {"tom", "aisha", "gareth"}
    assert all(
        r.status == PENDING and "{{sign_link:" in r.body_text and "Please decide by Friday" in r.body_text
        for r in asked
    )
    assert len({r.message_id for r in asked}) == 3


def test_a_refused_change_writes_no_mail(engine: Programmes, northbridge: ProgrammeView, db: Database) -> None:
    with pytest.raises(MoveRefusedError):
        engine.request_sign_off(northbridge.id)  # evidence missing: the whole change is refused
    assert rows(db) == []


def test_rejection_goes_to_the_programme_manager_and_advance_to_everyone(
    engine: Programmes, northbridge: ProgrammeView, who: dict[str, int], db: Database
) -> None:
    evidence_all(engine, northbridge.id)
    engine.request_sign_off(northbridge.id)
    engine.sign(northbridge.id, who["aisha"], "reject", "The budget is not agreed")
    assert addressees(db, "signed") == {"priya"}
    assert "The budget is not agreed" in rows(db, kind="signed")[0].body_text
    engine.request_sign_off(northbridge.id)
    for name in ("tom", "aisha", "gareth"):
        engine.sign(northbridge.id, who[name], "approve")
    assert addressees(db, "signed") == {"priya"}  # approvals email nobody
    engine.advance(northbridge.id)
    assert addressees(db, "advanced") == {"priya", "tom", "aisha", "gareth", "helen", "oliver", "fiona", "dev", "sam"}
    assert "Honest conversation" in rows(db, kind="advanced")[0].subject


def test_withdrawal_tells_everyone(engine: Programmes, northbridge: ProgrammeView, db: Database) -> None:
    eastvale = next(p for p in northbridge.partners if p.name.startswith("Eastvale"))
    engine.withdraw(northbridge.id, eastvale.id, "Cabinet decided to stay alone")
    withdrew = rows(db, kind="partner_withdrew")
    assert len(withdrew) == 9
    assert "Eastvale Borough Council has withdrawn" in withdrew[0].subject


def test_digest_readers_get_their_messages_held(
    engine: Programmes, northbridge: ProgrammeView, who: dict[str, int], db: Database, clock: Any
) -> None:
    set_preference(db, who["tom"], "daily", clock())
    evidence_all(engine, northbridge.id)
    engine.request_sign_off(northbridge.id)
    status = {r.to_addr.split(".")[0]: r.status for r in rows(db, kind="sign_off_requested")}
    assert status == {"tom": HELD, "aisha": PENDING, "gareth": PENDING}


def test_invitation_is_queued_once(db: Database, northbridge: ProgrammeView, clock: Any) -> None:
    with db.write() as session:
        person = session.scalar(select(Person).where(Person.email == "sam.ellis@audit.example"))
        assert person is not None
        queue_invitation(session, person, "https://banns.example/invite/abc", clock())
        queue_invitation(session, person, "https://banns.example/invite/abc", clock() + timedelta(minutes=1))
    invitations = rows(db, kind="invitation")
    assert len(invitations) == 1
    assert "https://banns.example/invite/abc" in invitations[0].body_text
    assert "https://banns.example/invite/abc" in invitations[0].body_html
    assert [m.kind for m in list_mail(db, statuses=["pending"])] == ["invitation"]


def test_every_message_of_a_programme_is_listed_for_its_timeline(
    engine: Programmes, northbridge: ProgrammeView, db: Database
) -> None:
    evidence_all(engine, northbridge.id)
    engine.request_sign_off(northbridge.id)
    timeline = list_mail(db, programme_id=northbridge.id)
    assert len(timeline) == 3
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(OutboxMessage)) == 3


def test_an_ending_because_too_few_partners_remain_says_why_in_its_email(
    engine: Programmes, northbridge: ProgrammeView, db: Database
) -> None:
    for name in ("Eastvale", "Southmoor"):
        partner = next(p for p in northbridge.partners if p.name.startswith(name))
        engine.withdraw(northbridge.id, partner.id, f"{name}'s cabinet decided to stay alone")
    assert engine.get(northbridge.id).ended
    ended = rows(db, kind="ended")
    assert ended and all(
        "only 1 partner(s) remain, and the programme needs at least 2" in m.body_text for m in ended
    ), ended[0].body_text
