"""What the signed-in person may do on a programme, for showing or hiding actions. The engine checks
again on every change: hiding a button is a courtesy, not the control."""

from __future__ import annotations

from dataclasses import dataclass

from flask import g

from workflow import gates
from workflow.definitions import Definition
from workflow.permissions import POLICY, may
from workflow.views import ProgrammeView


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


def capacities_asked(view: ProgrammeView, definition: Definition, person_id: int | None) -> list[str]:
    """The capacities ("Signatory of Northbridge") in which the person is asked to decide in the open round
    and has not yet decided."""
    gate = view.gate
    if gate is None or not gate.request_open or person_id is None:
        return []
    spec = definition.gates[view.state]
    rules = spec.sign_off if gate.subject == "gate" else spec.waiver
    if rules is None:
        return []
    partners = {p.id: p.name for p in view.current_partners}
    wanted = gates.required_capacities(definition, rules, partners)
    held = {gates.Capacity(r.role, r.partner_id) for r in view.roles if r.person_id == person_id}
    decided = {
        gates.Capacity(s.role, s.partner_id)
        for s in gate.sign_offs
        if s.person_id == person_id and s.round == gate.round
    }
    return [
        definition.role_title[c.role].capitalize() + (f" of {partners[c.partner_id]}" if c.partner_id else "")
        for c in wanted
        if c in held and c not in decided
    ]
