"""Two writers at once, each on its own database connection: optimistic locking lets exactly one advance
win, the other is told to reload, nothing half-written stays behind, and decisions never get lost."""

from __future__ import annotations

import multiprocessing
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.words_support import refused_saying
from workflow.engine.db import Database
from workflow.engine.definitions import Definition, load_definition
from workflow.engine.errors import BannsError, ConflictError, MoveRefusedError, NotAllowedError
from workflow.engine.models import Event, Programme, SignOff
from workflow.engine.programmes import Programmes
from workflow.engine.registry import Registry
from workflow.engine.views import ProgrammeView
from workflow.words import refusal

ROOT = Path(__file__).resolve().parents[2]
DEFINITIONS = ROOT / "definitions"
DEFINITION = load_definition(DEFINITIONS / "shared-service.yaml")
HOLD_SECONDS = 0.2


def hold_the_lock(_session: Session, _programme: Programme, _definition: Definition, event: Event) -> None:
    """Keep the winner's transaction open a moment, so the other writer really runs into it."""
    if event.kind in ("advanced", "signed"):
        time.sleep(HOLD_SECONDS)


def engine_on(url: str) -> Programmes:
    return Programmes(Database(url), Registry(DEFINITIONS), listeners=[hold_the_lock])


def ready_to_advance(programmes: Programmes, pid: int, people: dict[str, int]) -> ProgrammeView:
    for criterion in DEFINITION.gates["courtship"].criteria:
        programmes.record_evidence(pid, criterion.id, f"{criterion.title}: agreed at the leaders' meeting")
    programmes.request_sign_off(pid)
    for name in ("tom", "aisha", "gareth"):
        programmes.sign(pid, people[name], "approve")
    view = programmes.get(pid)
    assert view.gate is not None and view.gate.report.passed
    return view


def in_threads(url: str, *work: Callable[[Programmes, threading.Barrier], Any]) -> list[Any]:
    """Run each piece of work in its own thread on its own engine and connection; results or exceptions."""
    barrier = threading.Barrier(len(work), timeout=10)
    results: list[Any] = [None] * len(work)

    def run(i: int) -> None:
        engine = engine_on(url)
        try:
            results[i] = work[i](engine, barrier)
        except BaseException as exc:
            results[i] = exc
        finally:
            engine.db.dispose()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(work))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert not any(t.is_alive() for t in threads)
    return results


def counts(db: Database, pid: int) -> dict[str, Any]:
    with db.read() as session:
        events = session.scalars(select(Event.kind).where(Event.programme_id == pid).order_by(Event.seq)).all()
        seqs = session.scalars(select(Event.seq).where(Event.programme_id == pid).order_by(Event.seq)).all()
        programme = session.get(Programme, pid)
        assert programme is not None
        return {
            "kinds": list(events),
            "seqs": list(seqs),
            "last_seq": programme.last_seq,
            "version": programme.version_id,
            "state": programme.state,
            "sign_offs": session.scalar(select(func.count()).select_from(SignOff).where(SignOff.programme_id == pid)),
        }


def advance_at_read_version(pid: int) -> Callable[[Programmes, threading.Barrier], ProgrammeView]:
    def work(engine: Programmes, barrier: threading.Barrier) -> ProgrammeView:
        version = engine.get(pid).version
        barrier.wait()
        return engine.advance(pid, expected_version=version)

    return work


def test_two_concurrent_advances_one_wins(
    database_url: str, programmes: Programmes, sample: ProgrammeView, people: dict[str, int], db: Database
) -> None:
    ready = ready_to_advance(programmes, sample.id, people)
    before = counts(db, sample.id)

    results = in_threads(database_url, advance_at_read_version(sample.id), advance_at_read_version(sample.id))

    won = [r for r in results if isinstance(r, ProgrammeView)]
    lost = [r for r in results if isinstance(r, BaseException)]
    assert len(won) == 1 and len(lost) == 1, results
    assert isinstance(lost[0], ConflictError), repr(lost[0])
    assert "changed by someone else" in str(lost[0])
    after = counts(db, sample.id)
    assert after["kinds"] == [*before["kinds"], "advanced"]  # one event, nothing from the loser
    assert after["seqs"] == list(range(1, after["last_seq"] + 1))
    assert (after["state"], after["version"]) == ("honest_conversation", ready.version + 1)
    assert after["sign_offs"] == before["sign_offs"]
    assert programmes.get(sample.id) == won[0]


def test_two_concurrent_advances_without_a_version_pass_the_gate_once(
    database_url: str, programmes: Programmes, sample: ProgrammeView, people: dict[str, int], db: Database
) -> None:
    ready_to_advance(programmes, sample.id, people)

    def advance(engine: Programmes, barrier: threading.Barrier) -> ProgrammeView:
        barrier.wait()
        return engine.advance(sample.id)

    results = in_threads(database_url, advance, advance)
    assert sorted(type(r).__name__ for r in results) == ["MoveRefusedError", "ProgrammeView"], results
    refusal = next(r for r in results if isinstance(r, BannsError))
    assert "honest_conversation" in str(refusal)  # the loser was judged on the new stage's gate
    assert counts(db, sample.id)["kinds"].count("advanced") == 1


def test_concurrent_sign_offs_by_different_people_are_both_kept(
    database_url: str, programmes: Programmes, sample: ProgrammeView, people: dict[str, int], db: Database
) -> None:
    for criterion in DEFINITION.gates["courtship"].criteria:
        programmes.record_evidence(sample.id, criterion.id, "done")
    programmes.request_sign_off(sample.id)
    before = counts(db, sample.id)

    def sign(name: str, decision: str) -> Callable[[Programmes, threading.Barrier], ProgrammeView]:
        def work(engine: Programmes, barrier: threading.Barrier) -> ProgrammeView:
            barrier.wait()
            return engine.sign(sample.id, people[name], decision, "" if decision == "approve" else "not yet")

        return work

    results = in_threads(database_url, sign("tom", "approve"), sign("aisha", "reject"))
    assert all(isinstance(r, ProgrammeView) for r in results), results
    after = counts(db, sample.id)
    assert after["kinds"] == [*before["kinds"], "signed", "signed"]
    assert after["seqs"] == list(range(1, after["last_seq"] + 1))
    assert after["sign_offs"] == 2 and after["version"] == before["version"] + 2
    view = programmes.get(sample.id)
    assert view.gate is not None
    assert sorted((s.person_name, s.decision) for s in view.gate.sign_offs) == [
        ("Aisha Khan", "reject"),
        ("Tom Hardy", "approve"),
    ]


def test_the_same_person_signing_twice_at_once_is_stored_once(
    database_url: str, programmes: Programmes, sample: ProgrammeView, people: dict[str, int], db: Database
) -> None:
    for criterion in DEFINITION.gates["courtship"].criteria:
        programmes.record_evidence(sample.id, criterion.id, "done")
    programmes.request_sign_off(sample.id)
    before = counts(db, sample.id)

    def sign(engine: Programmes, barrier: threading.Barrier) -> ProgrammeView:
        barrier.wait()
        return engine.sign(sample.id, people["tom"], "approve")

    results = in_threads(database_url, sign, sign)
    assert sorted(type(r).__name__ for r in results) == ["MoveRefusedError", "ProgrammeView"], results
    refused = next(r for r in results if isinstance(r, MoveRefusedError))
    assert "already decided" in refusal(refused)
    after = counts(db, sample.id)
    assert after["kinds"] == [*before["kinds"], "signed"] and after["sign_offs"] == 1


def test_a_conflict_leaves_nothing_half_written(
    database_url: str, programmes: Programmes, sample: ProgrammeView, people: dict[str, int], db: Database
) -> None:
    for criterion in DEFINITION.gates["courtship"].criteria:
        programmes.record_evidence(sample.id, criterion.id, "done")
    requested = programmes.request_sign_off(sample.id)
    stale = requested.version
    programmes.sign(sample.id, people["tom"], "approve")
    before = counts(db, sample.id)
    with refused_saying("changed after you opened the page"):
        programmes.sign(sample.id, people["aisha"], "approve", pack="0" * 64)
    with refused_saying("has closed"):
        programmes.sign(sample.id, people["aisha"], "approve", in_round=requested.gate.round + 1)
    with pytest.raises(ConflictError):
        programmes.record_evidence(sample.id, "partners_named", "late change", expected_version=stale)
    with pytest.raises(NotAllowedError):
        programmes.sign(sample.id, people["sam"], "approve")
    assert counts(db, sample.id) == before


# --- two processes ---------------------------------------------------------------------------------------


def _advance_in_process(url: str, pid: int, barrier: Any, results: Any) -> None:
    engine = engine_on(url)
    try:
        version = engine.get(pid).version
        barrier.wait()
        engine.advance(pid, expected_version=version)
        results.put("advanced")
    except ConflictError:
        results.put("conflict")
    except BaseException as exc:
        results.put(f"unexpected: {exc!r}")
    finally:
        engine.db.dispose()


@pytest.mark.slow
def test_two_processes_advancing_at_once_one_wins(
    database_url: str, programmes: Programmes, sample: ProgrammeView, people: dict[str, int], db: Database
) -> None:
    ready_to_advance(programmes, sample.id, people)
    before = counts(db, sample.id)
    ctx = multiprocessing.get_context("spawn")
    barrier, results = ctx.Barrier(2, timeout=60), ctx.Queue()
    workers = [
        ctx.Process(target=_advance_in_process, args=(database_url, sample.id, barrier, results)) for _ in range(2)
    ]
    for w in workers:
        w.start()
    outcome = sorted(results.get(timeout=60) for _ in workers)
    for w in workers:
        w.join(timeout=30)
    assert outcome == ["advanced", "conflict"]
    assert counts(db, sample.id)["kinds"] == [*before["kinds"], "advanced"]
