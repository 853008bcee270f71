"""Helpers for tests that walk a programme through the honest conversation, whose gate checks the register:
every current partner that has not declared records that it has none (as the system operator)."""

from __future__ import annotations

from workflow.engine.db import Database
from workflow.engine.permissions import SYSTEM
from workflow.engine.registry import Registry
from workflow.records.declarations import Declarations


def agree_register(db: Database, registry: Registry, clock: object, programme_id: int) -> None:
    """Every current partner without declarations records "none", so the register is agreed (unless some
    declaration is still objected to or unanswered)."""
    register = Declarations(db, registry, clock).register(programme_id, SYSTEM)  # type: ignore[arg-type]
    for side in register.missing:
        Declarations(db, registry, clock).declare_none(programme_id, side.partner_id, SYSTEM)  # type: ignore[arg-type]
