"""Who may do what to a programme. Deny by default: an action not listed here is refused to everyone.

Signing is not in this table: a person signs only in a capacity they hold (signatory of a partner, a named
role), which :meth:`workflow.engine.programmes.Programmes.sign` checks against the gate's rules. Admins may do
everything else; the command line acts as the system operator.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

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
