"""Checks shared by the use cases, needing no session: the programme has not ended, the partner exists, a
reason was given."""

from __future__ import annotations

from datetime import date
from typing import Any

from .definitions import Definition
from .errors import InvalidError, MoveRefusedError, NotFoundError
from .models import Partner, Programme
from .reasons import PROGRAMME_ENDED, reason


def current_gate(programme: Programme, definition: Definition, doing: str) -> Any:
    not_ended(programme, definition, doing)
    return definition.gates[programme.state]


def not_ended(programme: Programme, definition: Definition, doing: str) -> None:
    if definition.is_terminal(programme.state):
        raise MoveRefusedError(
            programme.id,
            doing,
            programme.state,
            [reason(PROGRAMME_ENDED, state_title=definition.state_title(programme.state))],
        )


def partner_of(programme: Programme, partner_id: int) -> Partner:
    for partner in programme.partners:
        if partner.id == partner_id:
            return partner
    names = ", ".join(f"{p.id} ({p.name})" for p in programme.partners)
    raise NotFoundError(f"programme {programme.id} has no partner {partner_id}; its partners: {names}")


def iso_day(day: date | None) -> str | None:
    return day.isoformat() if day else None


def required_reason(reason: str, doing: str) -> str:
    reason = reason.strip()
    if not reason:
        raise InvalidError(f"to {doing}, give a reason; it is recorded in the programme's log", field="reason")
    return reason
