"""Who may do what to a programme. Deny by default: an action not listed here is refused to everyone.

Signing is not in this table: a person signs only in a capacity they hold (signatory of a partner, a named
role), which :meth:`workflow.engine.programmes.Programmes.sign` checks against the gate's rules. Admins may do
everything else; the command line acts as the system operator.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .errors import N_

VIEW = "view"
MANAGE = frozenset({"programme_manager"})
EVERYONE = frozenset({"programme_manager", "steering_member", "signatory", "chair", "observer"})

#: action -> the roles (in the programme) that may take it
POLICY: dict[str, frozenset[str]] = {
    VIEW: EVERYONE,
    "history": EVERYONE,
    "edit": MANAGE,
    "publish": MANAGE,  # as open data (workflow.engine.publication)
    "record_evidence": MANAGE,
    "request_sign_off": MANAGE,
    "advance": MANAGE,
    "return_to": MANAGE,
    "waive": MANAGE,
    "withdraw": MANAGE,
    "add_partner": MANAGE,
    "end": MANAGE,
    "assign_role": MANAGE,
    "record_transfer": MANAGE,
    # a partner's own democratic decisions: its signatory or SRO records them for that partner only (the
    # plug-in that keeps them checks the partner); programme managers for any partner
    "record_decision": frozenset({"programme_manager", "signatory", "sro"}),
    "manage_deputies": MANAGE,  # anyone's deputies; a signatory manages their own (workflow.engine.deputies)
    "edit_raid": frozenset({"programme_manager", "chair"}),  # any RAID entry; owners edit their own
    "migrate_definition": frozenset(),
    "resend_mail": frozenset(),  # admins only: a failed email sent again
}

#: action -> what a person refused it is told ({actor} may not ...)
REFUSED: dict[str, str] = {
    VIEW: N_("{actor} may not view programme {programme_id}"),
    "history": N_("{actor} may not read the history of programme {programme_id}"),
    "edit": N_("{actor} may not edit programme {programme_id}"),
    "publish": N_("{actor} may not publish programme {programme_id}"),
    "record_evidence": N_("{actor} may not record evidence on programme {programme_id}"),
    "request_sign_off": N_("{actor} may not request sign-off on programme {programme_id}"),
    "advance": N_("{actor} may not advance programme {programme_id}"),
    "return_to": N_("{actor} may not return programme {programme_id} to an earlier stage"),
    "waive": N_("{actor} may not waive a stage of programme {programme_id}"),
    "withdraw": N_("{actor} may not withdraw a partner from programme {programme_id}"),
    "add_partner": N_("{actor} may not add a partner to programme {programme_id}"),
    "end": N_("{actor} may not end programme {programme_id}"),
    "assign_role": N_("{actor} may not give roles on programme {programme_id}"),
    "record_transfer": N_("{actor} may not record a staff transfer on programme {programme_id}"),
    "record_decision": N_("{actor} may not record a decision on programme {programme_id}"),
    "manage_deputies": N_("{actor} may not manage deputies on programme {programme_id}"),
    "edit_raid": N_("{actor} may not edit the RAID log of programme {programme_id}"),
    "migrate_definition": N_("{actor} may not move programme {programme_id} to a newer lifecycle version"),
    "resend_mail": N_("{actor} may not send an email again on programme {programme_id}"),
}
#: An action with no words of its own above.
REFUSED_OTHER = N_("{actor} may not take the action '{action}' on programme {programme_id}")


@dataclass(frozen=True)
class Actor:
    """Who is acting: a person (``person_id``), or the system operator at the command line (``None``)."""

    person_id: int | None
    name: str
    is_admin: bool = False

    @property
    def is_system(self) -> bool:
        return self.person_id is None


SYSTEM = Actor(None, "system (command line)", is_admin=True)


def may(actor: Actor, action: str, roles_held: Iterable[str]) -> bool:
    """Whether ``actor``, holding ``roles_held`` in the programme, may take ``action`` on it."""
    if action not in POLICY:
        return False
    if actor.is_admin:
        return True
    allowed = POLICY[action]
    return any(role in allowed for role in roles_held) or (action == VIEW and bool(set(roles_held)))
