"""The tamper-evident log: `banns audit verify` passes on an untouched log and names the first entry edited,
deleted or inserted behind the engine's back, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import text

from workflow.engine.audit import log_site_event, verify
from workflow.engine.db import Database
from workflow.engine.programmes import Programmes
from workflow.engine.views import ProgrammeView


def _busy(programmes: Programmes, pid: int) -> None:
    for criterion in ("partners_named", "appetite_confirmed"):
        programmes.record_evidence(pid, criterion, "Agreed at the leaders' meeting")
    programmes.edit(pid, name="Northbridge and Southmoor shared services", description="", plan={})


def test_an_untouched_log_verifies(cli, sample: ProgrammeView, programmes: Programmes) -> None:
    _busy(programmes, sample.id)
    result = cli("audit", "verify", sample.id)
    assert "chain verifies" in result.output and result.exit_code == 0
    assert "all 2 chain(s) verify" in cli("audit", "verify", "--all").output  # the programme and the site


def test_an_edited_event_is_named(cli, sample: ProgrammeView, programmes: Programmes, db: Database) -> None:
    _busy(programmes, sample.id)
    with db.engine.begin() as conn:
        conn.execute(
            text("UPDATE events SET reason = 'Approved unanimously' WHERE programme_id = :p AND seq = 2"),
            {"p": sample.id},
        )
    result = cli("audit", "verify", sample.id, ok=False)
    assert result.exit_code == 1
    assert "BROKEN at event 2" in result.output and "edited" in result.output


def test_a_deleted_event_is_detected_in_the_middle_and_at_the_end(
    cli, sample: ProgrammeView, programmes: Programmes, db: Database
) -> None:
    _busy(programmes, sample.id)
    with db.engine.begin() as conn:
        conn.execute(text("DELETE FROM events WHERE programme_id = :p AND seq = 3"), {"p": sample.id})
    result = cli("audit", "verify", sample.id, ok=False)
    assert result.exit_code == 1 and "BROKEN at event 3" in result.output and "deleted" in result.output

    with db.engine.begin() as conn:  # and when the latest entries go, the programme's recorded head says so
        conn.execute(text("DELETE FROM events WHERE programme_id = :p AND seq >= 3"), {"p": sample.id})
    result = cli("audit", "verify", sample.id, ok=False)
    assert result.exit_code == 1 and "BROKEN at event 3" in result.output


def test_a_forged_event_with_a_recomputed_hash_still_breaks_the_link(
    sample: ProgrammeView, programmes: Programmes, db: Database
) -> None:
    _busy(programmes, sample.id)
    with db.engine.begin() as conn:  # rewrite event 2 and its own hash, as a careful forger would
        conn.execute(
            text("UPDATE events SET prev_hash = :h WHERE programme_id = :p AND seq = 2"),
            {"h": "0" * 64, "p": sample.id},
        )
    with db.read() as session:
        [report] = verify(session, sample.id)
    assert not report.intact and report.broken_at == 2 and report.fault == "link_broken"


def test_the_site_log_is_a_chain_of_its_own(db: Database) -> None:
    now = datetime(2027, 1, 4, 9, tzinfo=UTC)
    with db.write() as session:
        log_site_event(session, None, "system", "person_added", now, person="Tom Hardy")
    with db.write() as session:
        log_site_event(session, None, "system", "admin_granted", now, person="Tom Hardy")
    with db.read() as session:
        [site] = verify(session, site=True)
    assert site.intact and site.events == 2 and site.programme_id is None
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE events SET kind = 'admin_removed' WHERE programme_id IS NULL AND seq = 2"))
    with db.read() as session:
        [site] = verify(session, site=True)
    assert site.fault == "content_changed" and site.broken_at == 2


def test_money_and_people_changes_are_in_the_history_with_their_actor(
    cli, sample: ProgrammeView, programmes: Programmes, db: Database
) -> None:
    from decimal import Decimal

    from workflow.engine.registry import Registry
    from workflow.money.service import Finances

    priya = programmes.actor("priya.shah@northbridge.example")
    finances = Finances(db, Registry(programmes.registry.folder), programmes.clock)
    finances.record_cost(sample.id, datetime(2027, 1, 4).date(), "set_up", Decimal("1200.00"), "IT", actor=priya)
    finances.record_confidence(sample.id, "2026-27 Q4", "Amber", "Costs not yet agreed", actor=priya)
    programmes.assign_role(sample.id, "new.person@example.org", "observer", actor=priya, name="New Person")
    history = cli("history", sample.id).output
    for kind in ("cost_recorded", "confidence_recorded", "role_assigned"):
        line = next(line for line in history.splitlines() if kind in line)
        assert "Priya Shah" in line, line
    assert "all" in cli("audit", "verify", "--all").output
