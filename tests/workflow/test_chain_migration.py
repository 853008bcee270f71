"""A database that already had a log before the hash chain is sealed by the migration, in order, and then
verifies; the engine goes on extending the same chain."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from workflow.engine import schema
from workflow.engine.audit import verify
from workflow.engine.db import Database

STAMP = "2026-05-01 09:00:00.000000"


def test_events_logged_before_the_chain_are_sealed_by_the_upgrade(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    schema.upgrade(db, "0004")
    with db.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO definition_versions VALUES ('h', 'shared-service', 1, 'Shared service', 'f.yaml', 'x', :t)"
            ),
            {"t": STAMP},
        )
        conn.execute(
            text(
                "INSERT INTO programmes (id, name, description, definition_id, definition_version, definition_hash,"
                " state, stage_entered_at, stage_visit, evidence_rev, sign_off_round, last_seq, created_at,"
                " updated_at, version_id) VALUES (1, 'Old', '', 'shared-service', 1, 'h', 'courtship', :t, 1, 0, 0,"
                " 2, :t, :t, 1)"
            ),
            {"t": STAMP},
        )
        for seq, kind in ((1, "programme_started"), (2, "evidence_recorded")):
            conn.execute(
                text(
                    "INSERT INTO events (programme_id, seq, at, actor, kind, reason, data)"
                    " VALUES (1, :seq, :t, 'system', :kind, 'before the chain', :data)"
                ),
                {"seq": seq, "t": STAMP, "kind": kind, "data": '{"criterion": "partners_named"}'},
            )
    schema.upgrade(db)
    with db.read() as session:
        reports = verify(session)
    assert [(r.programme_id, r.events, r.intact) for r in reports] == [(1, 2, True), (None, 0, True)]
    with db.engine.connect() as conn:
        first, second = conn.execute(text("SELECT hash, prev_hash FROM events ORDER BY seq")).all()
        head = conn.execute(text("SELECT log_head FROM programmes")).scalar_one()
    assert first[1] is None and second[1] == first[0] and head == second[0]
    db.dispose()
