"""A change sends a fixed, small number of statements, and its returned view reads nothing until it is read."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event

from tests.workflow.test_concurrency import ready_to_advance
from workflow.engine.programmes import Programmes
from workflow.engine.views import ProgrammeView


@contextmanager
def statements(programmes: Programmes) -> Iterator[list[str]]:
    sent: list[str] = []

    def count(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        sent.append(statement)

    event.listen(programmes.db.engine, "before_cursor_execute", count)
    try:
        yield sent
    finally:
        event.remove(programmes.db.engine, "before_cursor_execute", count)


def test_an_advance_reads_only_what_its_gate_and_move_need(
    programmes: Programmes, sample: ProgrammeView, people: dict[str, int]
) -> None:
    ready_to_advance(programmes, sample.id, people)
    with statements(programmes) as sent:
        moved = programmes.advance(sample.id)
        assert (moved.id, moved.state) == (sample.id, "honest_conversation")
    writes = [s for s in sent if s.lstrip().upper().startswith(("INSERT", "UPDATE"))]
    reads = [s for s in sent if s.lstrip().upper().startswith("SELECT")]
    assert len(writes) == 3, writes  # the outbox (preferences read inside it), the event, the programme
    assert len(reads) <= 4, reads  # programme and partners, roles and people, the gate's inputs (+ a hold)
    assert not any("stage_plans" in s or "mail_preferences" in s.split("INSERT")[0] for s in reads)
    with statements(programmes) as sent:
        assert moved.gate is not None and moved.gate.stage == "honest_conversation"  # built now, once
        assert moved == programmes.get(sample.id)
    assert sent, "the view is built when it is first read"
