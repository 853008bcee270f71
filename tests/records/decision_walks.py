"""Walks for the decision tests: walk the sample programme to a gate, and record each partner's
democratic decision through the use cases."""

from __future__ import annotations

import contextlib
from datetime import date, timedelta
from pathlib import Path

from records_support import agree_register

from workflow.engine.errors import NotAllowedError
from workflow.engine.programmes import Programmes
from workflow.engine.views import ProgrammeView
from workflow.money.service import Finances
from workflow.records.decisions import DecisionInput, Decisions

ROOT = Path(__file__).resolve().parents[2]
MONEY = ROOT / "examples" / "northbridge-southmoor-money.yaml"


def record_all(programmes: Programmes, pid: int) -> ProgrammeView:
    view = programmes.get(pid)
    gate = programmes.registry.latest("shared-service").gates[view.state]
    for criterion in gate.criteria:
        if not criterion.figures:
            view = programmes.record_evidence(pid, criterion.id, f"{criterion.title}: see the shared drive")
    return view


def everyone_approves(programmes: Programmes, pid: int, people: dict[str, int]) -> ProgrammeView:
    for person in people.values():
        with contextlib.suppress(NotAllowedError):
            programmes.sign(pid, person, "approve")
    return programmes.get(pid)


def decide_all(decisions: Decisions, view: ProgrammeView, today: date) -> None:
    """Every current partner's cabinet approved a month ago, published well ahead: call-in long over."""
    meeting = today - timedelta(days=30)
    for p in view.partners:
        if p.withdrawn_at is None:
            decisions.record(
                view.id,
                DecisionInput(p.id, "cabinet", meeting, True, meeting - timedelta(days=40), "Minute 12/27", "approved"),
            )


def walk_to_outline_case(programmes: Programmes, pid: int, people: dict[str, int]) -> ProgrammeView:
    """Courtship and the honest conversation passed, the sample's figures imported."""
    Finances(programmes.db, programmes.registry, programmes.clock).import_figures(
        pid, MONEY.read_text(encoding="utf-8"), str(MONEY)
    )
    view = programmes.get(pid)
    while view.state != "outline_case":
        if view.state == "honest_conversation":
            agree_register(programmes.db, programmes.registry, programmes.clock, pid)
        record_all(programmes, pid)
        programmes.request_sign_off(pid)
        everyone_approves(programmes, pid, people)
        view = programmes.advance(pid)
    return view
