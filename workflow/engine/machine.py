"""The lifecycle as a ``transitions`` state machine, one per definition, shared by every programme on it.

States are the definition's stages and outcomes; triggers are the moves (``advance``, ``return_to``,
``waive``, the outcomes' own verbs such as ``abandon``, and the engine's ``end_too_few``). Gates are the
machine's conditions. There are no ``to_<state>`` shortcuts: every change of stage goes through a move.

Sharing: building a ``Machine`` costs far more than a move (see ``bench/machines.py``), and registering a
model with ``add_model`` binds a method per trigger to it. So one machine is built per definition content
and each move is fired on a short-lived :class:`Move` through ``Event.trigger``, which needs no
registration. Nothing here does I/O: the service reads the inputs, fires the move and writes the result.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from transitions import EventData, Machine, MachineError

from . import reasons as R
from .definitions import Definition
from .errors import MoveRefusedError
from .gates import GateReport
from .reasons import Reason, reason

#: The internal move that ends a programme when too few partners remain.
END_TOO_FEW = "end_too_few"


@dataclass
class Move:
    """The model a move is fired on: the current state and how to judge the conditions."""

    programme_id: int
    state: str
    judge: Callable[[str, dict[str, Any]], GateReport] | None = None
    refusals: list[Reason] = field(default_factory=list)

    def passes(self, event: EventData) -> bool:
        """Condition of gated moves: ask the judge, keep its reasons if it says no."""
        if self.judge is None:
            return True
        report = self.judge(event.event.name, event.kwargs)
        self.refusals.extend(report.unmet)
        return report.passed


class Lifecycle:
    """The machine for one definition."""

    def __init__(self, definition: Definition) -> None:
        self.definition = definition
        self.machine = Machine(
            model=None,
            states=[*definition.stage_ids, *definition.outcome_by_id],
            transitions=self._transitions(definition),
            initial=definition.first_stage,
            auto_transitions=False,
            send_event=True,
            ignore_invalid_triggers=False,
        )

    @staticmethod
    def _transitions(d: Definition) -> list[dict[str, Any]]:
        moves: list[dict[str, Any]] = []
        for stage in d.stage_ids:
            moves.append({"trigger": "advance", "source": stage, "dest": d.next_of(stage), "conditions": "passes"})
            if d.stage_by_id[stage].optional:
                moves.append({"trigger": "waive", "source": stage, "dest": d.next_of(stage), "conditions": "passes"})
            for target in d.return_targets(stage):
                moves.append(
                    {"trigger": "return_to", "source": stage, "dest": target, "conditions": [_target_is(target)]}
                )
            moves.append({"trigger": END_TOO_FEW, "source": stage, "dest": d.partners.when_too_few})
        for verb, outcome, sources in d.outcome_moves():
            moves.extend({"trigger": verb, "source": s, "dest": outcome} for s in sources)
        return moves

    def moves_from(self, state: str) -> list[str]:
        """The moves the definition allows from ``state`` (gates not considered)."""
        return [name for name in self.machine.get_triggers(state) if name != END_TOO_FEW]

    def fire(self, move: Move, trigger: str, **kwargs: Any) -> str:
        """Fire ``trigger`` on ``move``; return the new state.

        Raises:
            MoveRefusedError: the definition has no such move from this state, or its gate is not met.
        """
        event = self.machine.events.get(trigger)
        before = move.state
        title = self.move_title(trigger)
        named = {"move_title": title, "state_title": self.definition.state_title(before)}
        if event is None:
            raise MoveRefusedError(
                move.programme_id,
                trigger,
                before,
                [reason(R.NOT_A_MOVE, move=trigger, lifecycle=self.definition.id)],
                **named,
            )
        try:
            moved = event.trigger(move, **kwargs)
        except MachineError:
            refused = [self._not_from(trigger, before)]
            raise MoveRefusedError(move.programme_id, trigger, before, refused, **named) from None
        if not moved:
            reasons = move.refusals or self._no_route(trigger, before, kwargs)
            raise MoveRefusedError(move.programme_id, trigger, before, reasons, **named)
        return move.state

    def move_title(self, trigger: str) -> str | None:
        """A lifecycle's own outcome move named in its words: the title of the outcome it reaches (a
        bilingual text); None for the engine's moves."""
        for verb, outcome, _ in self.definition.outcome_moves():
            if verb == trigger:
                return self.definition.state_title(outcome)
        return None

    def _not_from(self, trigger: str, state: str) -> Reason:
        d = self.definition
        title = d.state_title(state)
        if d.is_terminal(state):
            return reason(R.ENDED_NO_MOVES, state_title=title)
        if trigger == "waive":
            return reason(R.NOT_OPTIONAL_STAGE, state_title=title)
        if trigger == "return_to":
            return reason(R.NO_EARLIER_STAGE, state_title=title)
        return reason(R.NOT_FROM_STATE, move=trigger, state_title=title, moves=tuple(self.moves_from(state)))

    def _no_route(self, trigger: str, state: str, kwargs: dict[str, Any]) -> list[Reason]:
        if trigger == "return_to":
            targets = tuple(self.definition.return_targets(state))
            return [reason(R.NO_RETURN_ROUTE, state=state, to=kwargs.get("to"), targets=targets)]
        return [reason(R.MOVE_REFUSED, move=trigger, state=state)]


def _target_is(target: str) -> Callable[[EventData], bool]:
    def condition(event: EventData) -> bool:
        return event.kwargs.get("to") == target

    condition.__name__ = f"to_is_{target}"
    return condition


_cache: dict[str, Lifecycle] = {}
_cache_lock = threading.Lock()


def lifecycle_for(definition: Definition) -> Lifecycle:
    """The shared machine for this exact definition content, built on first use."""
    lifecycle = _cache.get(definition.source_hash)
    if lifecycle is None:
        with _cache_lock:
            lifecycle = _cache.get(definition.source_hash)
            if lifecycle is None:
                lifecycle = _cache[definition.source_hash] = Lifecycle(definition)
    return lifecycle
