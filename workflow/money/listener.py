"""Puts a leaver's liability into the engine's event log: ``on_event`` runs inside the withdrawal's
transaction, before its ``partner_withdrew`` event is written (entry point group ``banns.listeners``)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from ..engine.definitions import Definition
from ..engine.errors import InvalidError
from ..engine.models import Event, Programme
from .withdrawal import withdrawal


def on_event(session: Session, programme: Programme, definition: Definition, event: Event) -> None:
    """On ``partner_withdrew``: add ``liability`` (text pounds and pence) and its breakdown to the event, as
    the pre-nup says for the stage reached; with no agreement or basis, say why in ``liability_note`` (the
    refusal's msgid and values, ``{"message": ..., "values": {...}}``)."""
    if event.kind != "partner_withdrew":
        return
    try:
        outcome = withdrawal(session, programme, definition, event.data["partner_id"], event.at.date())
    except InvalidError as exc:
        # why, as the error says it (its msgid and values), for the log to word in its reader's language
        note = {"message": exc.message, "values": {key: str(value) for key, value in exc.values.items()}}
        event.data = {**event.data, "liability_note": note}
        return
    event.data = {
        **event.data,
        **outcome.liability.to_data(),
        "shares_after": {name: str(share) for name, share in outcome.shares_after.items()},
    }
