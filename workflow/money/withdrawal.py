"""What a leaver owes: the pre-nup's what-if for one partner, read inside the caller's session (the money
service's what-if and the listener that logs a withdrawal both use it, so they are one calculation)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..engine.definitions import Definition
from ..engine.errors import N_, InvalidError
from ..engine.models import Event, Programme
from . import store
from .case import ZERO
from .prenup import Liability, WhatIf, what_if


def withdrawal(session: Session, prog: Programme, definition: Definition, partner_id: int, on: date) -> WhatIf:
    """The what-if of ``partner_id`` leaving on ``on``, inside the caller's session (the listener's too).

    Raises:
        InvalidError: no agreement or cost-sharing basis, or not a current partner.
    """
    agreement = store.load_agreement(session, prog)
    bases = store.load_bases(session, prog)
    if agreement is None or "" not in bases:
        raise InvalidError(
            N_("no pre-nuptial agreement") if agreement is None else N_("no cost-sharing basis"), field="agreement"
        )
    basis, kept = bases[""]
    leaver = next((p for p in prog.partners if p.id == partner_id), None)
    if leaver is None:
        raise InvalidError(
            N_("programme {programme_id} has no partner {partner_id}"),
            field="partner",
            programme_id=prog.id,
            partner_id=partner_id,
        )
    sharing = store.current_partners(prog, also=partner_id)
    in_force = store.weights_for(sharing, basis, kept, agreement.recompute)
    return what_if(
        agreement,
        basis,
        definition.stage_ids,
        prog.state,
        leaver.name,
        in_force,
        store.facts(sharing),
        store.costs_to_date(session, prog.id, on),
        on,
        owed_by_leavers(session, prog.id, but=partner_id),
    )


def owed_by_leavers(session: Session, programme_id: int, but: int | None = None) -> Decimal:
    """The share of costs that partners who have withdrawn owe, as their withdrawals logged it (the log is
    the record of what was charged; ``but``: leave this partner out)."""
    rows: list[dict[str, Any]] = list(
        session.scalars(select(Event.data).where(Event.programme_id == programme_id, Event.kind == "partner_withdrew"))
    )
    owed = ZERO
    for data in rows:
        if data.get("partner_id") != but:
            owed += Decimal(data.get("liability_breakdown", {}).get("share_of_costs", "0"))
    return owed


def leaver_liability(session: Session, prog: Programme, definition: Definition, partner_id: int, on: date) -> Liability:
    return withdrawal(session, prog, definition, partner_id, on).liability
