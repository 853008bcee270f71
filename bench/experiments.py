"""Bench-only variants of the engine, to measure what a part costs; ``workflow/`` is not touched.

Each variant subclasses :class:`workflow.engine.programmes.Programmes` through its public constructor only: a
variant that copied a private method (the old ``no view``, a copy of ``_move``) broke silently whenever the
engine changed (issue 12), so what the returned view costs is read from the profile instead
(:mod:`bench.breakdown`). The benchmark checks that every variant's advance lands on the next stage and that
its view equals the engine's view of the same programme.
"""

from __future__ import annotations

from pathlib import Path

from bench.prepare import Preparer
from bench.targets import Target
from workflow.engine.db import Database
from workflow.engine.programmes import Programmes
from workflow.engine.registry import Registry


class NoListeners(Programmes):
    """The engine without its event listeners (the outbox writing the change's emails): what they cost."""

    def __init__(self, db: Database, registry: Registry) -> None:
        super().__init__(db, registry, listeners=[])


#: Measured side by side with the engine.
VARIANTS: dict[str, type[Programmes]] = {"no listeners": NoListeners}


def check(target: Target, folder: Path) -> list[str]:
    """Each variant's view after an advance, against the engine's view of the same programme reloaded.

    Raises:
        AssertionError: a variant returned a different view.
    """
    preparer = Preparer(target, folder)
    db = Database(target.url)
    try:
        reference = Programmes(db, Registry(folder))
        for name, cls in VARIANTS.items():
            programme_id = preparer.ready(1)[0]
            view = cls(db, Registry(folder)).advance(programme_id)
            assert view == reference.get(programme_id), f"{name}: the view differs"
    finally:
        db.dispose()
        preparer.dispose()
    return [f"  {target.name}: every variant returned the engine's view of the same programme"]
