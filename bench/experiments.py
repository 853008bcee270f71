"""Bench-only variants of the engine's hot path, to measure what a part costs or a change would give.

Each variant subclasses :class:`workflow.engine.programmes.Programmes` and overrides one step; ``workflow/`` is
not touched. They must give the same result as the engine (the benchmark checks every advance lands on
the next stage); ``no view`` alone changes the API (it returns nothing) and only bounds what the view costs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from bench.prepare import Preparer
from bench.targets import Target
from workflow.engine.db import Database
from workflow.engine.definitions import Definition
from workflow.engine.gate_inputs import read_gate_inputs
from workflow.engine.machine import Move, lifecycle_for
from workflow.engine.models import Programme
from workflow.engine.moves import gate_judge
from workflow.engine.permissions import Actor
from workflow.engine.programmes import Programmes
from workflow.engine.registry import Registry
from workflow.engine.view_builder import build_view
from workflow.engine.views import ProgrammeView


class _Move(Programmes):
    """The engine's ``_move``, with its steps as methods a variant can replace."""

    def _move(
        self,
        programme_id: int,
        actor: Actor,
        trigger: str,
        kind: str,
        reason: str,
        expected_version: int | None,
        action: str | None = None,
        **kwargs: Any,
    ) -> ProgrammeView:
        with self._unit(programme_id) as session:
            programme, definition = self._begin(session, programme_id, actor, action or trigger, expected_version)
            before = programme.state
            inputs = read_gate_inputs(session, programme, definition, "waiver" if trigger == "waive" else "gate")
            move = Move(programme.id, before, judge=gate_judge(definition, before, inputs))
            after = lifecycle_for(definition).fire(move, trigger, **kwargs)
            self._enter(programme, after)
            self._log(session, programme, actor, kind, before, after, reason, move=trigger)
            return self._view_after_move(session, programme, definition)

    def _view_after_move(self, session: Session, programme: Programme, definition: Definition) -> ProgrammeView:
        return build_view(session, programme, definition, fresh_visit=True)


class NoView(_Move):
    """Upper bound of skipping the view: flush and return nothing."""

    def _view_after_move(self, session: Session, programme: Programme, definition: Definition) -> Any:
        session.flush()
        return None


class NoListeners(Programmes):
    """The engine without its event listeners (the outbox writing the change's emails): what they cost."""

    def __init__(self, db: Database, registry: Registry) -> None:
        super().__init__(db, registry, listeners=[])


#: Measured side by side with the engine. The earlier candidates (partners joined into the load, statements
#: built once, no decision query on a fresh visit) are now the engine's own code.
VARIANTS: dict[str, type[Programmes]] = {
    "no view (bound)": NoView,
    "no listeners": NoListeners,
}


def check(target: Target, folder: Path) -> list[str]:
    """Each variant's view after an advance, against the engine's view of the same programme reloaded.

    Raises:
        AssertionError: a variant that keeps the API returned a different view.
    """
    preparer = Preparer(target, folder)
    db = Database(target.url)
    try:
        reference = Programmes(db, Registry(folder))
        for name, cls in VARIANTS.items():
            programme_id = preparer.ready(1)[0]
            view = cls(db, Registry(folder)).advance(programme_id)
            assert view is None or view == reference.get(programme_id), f"{name}: the view differs"
    finally:
        db.dispose()
        preparer.dispose()
    return [f"  {target.name}: every variant that returns a view returned the engine's view of the same programme"]
