"""Checks shared by the use cases, needing no session: the programme has not ended, the partner exists, a
reason was given."""

from __future__ import annotations

from datetime import date
from typing import Any

from .definitions import Definition
from .errors import N_, InvalidError, MoveRefusedError, NotFoundError
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
    partners = tuple(f"{p.id} ({p.name})" for p in programme.partners)
    raise NotFoundError(
        N_("programme {programme_id} has no partner {partner_id}; its partners: {partners}"),
        programme_id=programme.id,
        partner_id=partner_id,
        partners=partners,
    )


def iso_day(day: date | None) -> str | None:
    return day.isoformat() if day else None


#: What a move needs a reason for, by the move's code; a lifecycle's own outcome moves end the programme.
REASON_NEEDED = {
    "return_to": N_("to return, give a reason; it is recorded in the programme's log"),
    "withdraw": N_("to withdraw, give a reason; it is recorded in the programme's log"),
    "migrate": N_("to migrate, give a reason; it is recorded in the programme's log"),
    "withdraw_evidence": N_("to withdraw evidence, give a reason; it is recorded in the programme's log"),
}


def required_reason(reason: str, move: str) -> str:
    """``reason`` stripped. Raises: InvalidError: it is empty (``move``, a move's code, says which message)."""
    reason = reason.strip()
    if not reason:
        message = REASON_NEEDED.get(move) or N_(
            "to end the programme, give a reason; it is recorded in the programme's log"
        )
        raise InvalidError(message, field="reason")
    return reason
