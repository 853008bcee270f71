"""What the signed-in person may do on a programme, for showing or hiding actions. The engine checks
again on every change: hiding a button is a courtesy, not the control."""

from __future__ import annotations

from dataclasses import dataclass

from flask import g

from web.extensions import capacity_label
from workflow.engine.permissions import POLICY, may
from workflow.engine.views import ProgrammeView


@dataclass(frozen=True)
class Access:
    roles: frozenset[str]
    allowed: frozenset[str]
    is_manager: bool

    def can(self, action: str) -> bool:
        return action in self.allowed


def access_to(view: ProgrammeView) -> Access:
    roles = frozenset(r.role for r in view.roles if r.person_id == g.actor.person_id)
    allowed = frozenset(a for a in POLICY if may(g.actor, a, roles))
    return Access(roles, allowed, "advance" in allowed)


def capacities_asked(view: ProgrammeView, person_id: int | None) -> list[str]:
    """The capacities ("Signatory of Northbridge") in which the person is asked to decide in the open round
    and has not yet decided: the engine says which; this only words them."""
    if view.gate is None:
        return []
    return [capacity_label(a.role_title, a.partner_name) for a in view.gate.asked_of(person_id)]
