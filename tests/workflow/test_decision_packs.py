"""Decision packs: a decision is bound to what the person saw (the round and the pack), not to the programme's
version, so signatories never collide; a changed pack refuses; the pack of a decision stays readable."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from test_concurrency import DEFINITION, counts, in_threads

from tests.words_support import refused_saying
from workflow.engine.db import Database
from workflow.engine.errors import MoveRefusedError
from workflow.engine.packs import pack_hash
from workflow.engine.programmes import Programmes
from workflow.engine.views import ProgrammeView
from workflow.words import refusal


def _requested(programmes: Programmes, pid: int) -> ProgrammeView:
    for criterion in DEFINITION.gates["courtship"].criteria:
        programmes.record_evidence(pid, criterion.id, f"{criterion.title}: minuted on 4 January")
    view = programmes.request_sign_off(pid, note="Please decide before the leaders meet")
    assert view.gate is not None and view.gate.pack_hash
    return view


def test_two_signatories_deciding_on_the_same_page_at_once_are_both_recorded(
    database_url: str, programmes: Programmes, sample: ProgrammeView, people: dict[str, int], db: Database
) -> None:
    page = _requested(programmes, sample.id)  # both loaded this page: same version, pack and round
    assert page.gate is not None
    before = counts(db, sample.id)

    def decide(name: str) -> Callable[[Programmes, threading.Barrier], ProgrammeView]:
        def work(engine: Programmes, barrier: threading.Barrier) -> ProgrammeView:
            barrier.wait()
            assert page.gate is not None
            return engine.sign(
                sample.id,
                people[name],
                "approve",
                pack=page.gate.pack_hash,
                in_round=page.gate.round,
                expected_version=page.version,  # what an old client sends: no longer a reason to refuse
            )

        return work

    results = in_threads(database_url, decide("tom"), decide("aisha"))
    assert all(isinstance(r, ProgrammeView) for r in results), results
    after = counts(db, sample.id)
    assert after["sign_offs"] == before["sign_offs"] + 2
    view = programmes.get(sample.id)
    assert view.gate is not None
    assert {s.person_name for s in view.gate.sign_offs} == {"Tom Hardy", "Aisha Khan"}
    assert {s.pack_hash for s in view.gate.sign_offs} == {page.gate.pack_hash}


def test_evidence_edited_between_page_load_and_decision_is_refused_with_the_reason(
    programmes: Programmes, sample: ProgrammeView, people: dict[str, int]
) -> None:
    page = _requested(programmes, sample.id)
    assert page.gate is not None
    programmes.record_evidence(sample.id, "partners_named", "Eastvale now named too")
    again = programmes.request_sign_off(sample.id)  # asked again, on the new evidence
    assert again.gate is not None and again.gate.pack_hash != page.gate.pack_hash
    with pytest.raises(MoveRefusedError) as refused:
        programmes.sign(sample.id, people["tom"], "approve", pack=page.gate.pack_hash, in_round=page.gate.round)
    assert "has closed" in refusal(refused.value)
    with refused_saying("changed after you opened the page"):
        programmes.sign(sample.id, people["tom"], "approve", pack=page.gate.pack_hash, in_round=again.gate.round)
    view = programmes.get(sample.id)
    assert view.gate is not None and not view.gate.sign_offs  # nothing was recorded


def test_the_pack_of_an_approval_still_shows_the_old_evidence_after_an_edit(
    programmes: Programmes, sample: ProgrammeView, people: dict[str, int]
) -> None:
    page = _requested(programmes, sample.id)
    assert page.gate is not None
    signed = programmes.sign(sample.id, people["tom"], "approve", pack=page.gate.pack_hash, in_round=page.gate.round)
    assert signed.gate is not None
    decision = next(s for s in signed.gate.sign_offs if s.person_name == "Tom Hardy")
    assert decision.pack_hash == page.gate.pack_hash

    programmes.record_evidence(sample.id, "partners_named", "Eastvale now named too")
    pack = programmes.pack(sample.id, page.gate.pack_hash)
    named = next(e for e in pack.content["evidence"] if e["criterion"] == "partners_named")
    assert named["summary"].endswith("minuted on 4 January")
    assert pack.content["request"]["note"] == "Please decide before the leaders meet"
    assert [c["id"] for c in pack.content["criteria"]] == [c.id for c in DEFINITION.gates["courtship"].criteria]
    assert pack_hash(pack.content) == pack.hash  # what is stored is what was hashed
    now = programmes.get(sample.id)
    assert now.gate is not None and now.gate.pack_hash is None  # the edit closed the request: asked again


def test_a_pack_of_another_programme_is_not_found(
    programmes: Programmes, sample: ProgrammeView, people: dict[str, int]
) -> None:
    page = _requested(programmes, sample.id)
    assert page.gate is not None
    programmes.sign(sample.id, people["tom"], "approve")
    with pytest.raises(Exception, match="no decision pack"):
        programmes.pack(sample.id, "f" * 64)
