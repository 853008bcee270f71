"""Approval holds: a partner's approval that does not count at a gate yet, and why, as facts.

A gate may ask each partner for a decision of one of its own bodies (``decisions:`` in the lifecycle file,
:class:`~workflow.engine.definitions.DecisionRule`): its cabinet, say, as a key decision open to call-in. Until
that decision is recorded and its call-in period has passed, the partner's sign-off does not count. The engine
does not keep those records: plug-ins do, and tell it through the ``banns.approval_holds`` entry point group,
``hook(session, programme, definition, now) -> iterable of ApprovalHold``, so gates stay pure.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from functools import cache
from importlib.metadata import entry_points

from sqlalchemy.orm import Session

from .definitions import Definition
from .gates import AWAITING_DECISION, ApprovalHold
from .models import Programme

ApprovalHoldHook = Callable[[Session, Programme, Definition, datetime], Iterable[ApprovalHold]]


@cache
def approval_hold_hooks() -> list[ApprovalHoldHook]:
    """Every installed hook, in entry point name order."""
    return [ep.load() for ep in sorted(entry_points(group="banns.approval_holds"), key=lambda ep: ep.name)]


def holds_for(
    session: Session, programme: Programme, definition: Definition, now: datetime
) -> tuple[ApprovalHold, ...]:
    """The holds on the current gate's partner approvals at ``now``; none when the gate asks for no decision.
    With no plug-in installed to record decisions, every partner asked is awaiting its decision."""
    gate = definition.gates.get(programme.state)
    if gate is None or not gate.decisions:
        return ()
    hooks = approval_hold_hooks()
    if hooks:
        return tuple(h for hook in hooks for h in hook(session, programme, definition, now))
    return tuple(
        ApprovalHold(p.id, rule.body, AWAITING_DECISION)
        for rule in gate.decisions
        for p in programme.partners
        if p.withdrawn_at is None and rule.applies_to(p.kind)
    )
