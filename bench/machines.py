"""How programmes share ``transitions`` machines: three strategies, the same move, moves per second.

(a) build a new ``Machine`` for the move's programme on every move, with the programme's ``Move`` as its model;
(b) one shared ``Machine``; ``add_model`` the ``Move``, fire its bound trigger, ``remove_model``;
(c) one shared ``Machine``; fire ``machine.events[trigger].trigger(move)`` on an unregistered ``Move``
    (what ``workflow/machine.py`` does, through ``Lifecycle.fire``).

Each move is an ``advance`` from a stage of the default lifecycle (``definitions/shared-service.yaml``: 8
stages, their return moves, 2 outcome moves) through a gate whose judge says yes, so only the machine is timed.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from statistics import median

from transitions import Machine

from workflow.engine.definitions import Definition, load_definition
from workflow.engine.gates import GateReport
from workflow.engine.machine import Lifecycle, Move

DEFAULT_DEFINITION = Path(__file__).resolve().parent.parent / "definitions" / "shared-service.yaml"
PASS = GateReport(True, ())


def _judge(_trigger: str, _kwargs: dict[str, object]) -> GateReport:
    return PASS


def _machine(definition: Definition, model: object, initial: str) -> Machine:
    return Machine(
        model=model,
        states=[*definition.stage_ids, *definition.outcome_by_id],
        transitions=Lifecycle._transitions(definition),
        initial=initial,
        auto_transitions=False,
        send_event=True,
        ignore_invalid_triggers=False,
    )


def strategies(definition: Definition) -> dict[str, Callable[[str], str]]:
    """Each strategy as ``advance(state) -> new state``."""
    shared = _machine(definition, None, definition.first_stage)
    lifecycle = Lifecycle(definition)

    def new_machine(state: str) -> str:
        move = Move(1, state, judge=_judge)
        _machine(definition, move, state)
        move.advance()  # type: ignore[attr-defined]
        return move.state

    def add_remove(state: str) -> str:
        move = Move(1, state, judge=_judge)
        shared.add_model(move, initial=state)
        try:
            move.advance()  # type: ignore[attr-defined]
        finally:
            shared.remove_model(move)
        return move.state

    def event_trigger(state: str) -> str:
        return lifecycle.fire(Move(1, state, judge=_judge), "advance")

    return {
        "(a) new Machine per move": new_machine,
        "(b) shared, add/remove_model": add_remove,
        "(c) shared, Event.trigger": event_trigger,
    }


def compare(seconds: float = 0.4, rounds: int = 3, path: Path = DEFAULT_DEFINITION) -> list[str]:
    """Interleaved rounds of about ``seconds`` per strategy; lines of moves per second and ratios to (c)."""
    definition = load_definition(path)
    stages = definition.stage_ids
    expected = {s: definition.next_of(s) for s in stages}
    rates: dict[str, list[float]] = {}
    for _ in range(rounds):
        for name, advance in strategies(definition).items():
            rates.setdefault(name, []).append(_rate(advance, stages, expected, seconds))
    best = median(rates["(c) shared, Event.trigger"])
    return [
        f"  {name:<32} {median(r):8.0f} moves/s  {1e6 / median(r):7.1f} us/move  ratio to (c) {median(r) / best:.3f}"
        for name, r in rates.items()
    ]


def _rate(advance: Callable[[str], str], stages: list[str], expected: dict[str, str], seconds: float) -> float:
    count, started = 0, time.perf_counter()
    deadline = started + seconds
    while time.perf_counter() < deadline:
        for state in stages:
            assert advance(state) == expected[state]
        count += len(stages)
    return count / (time.perf_counter() - started)
