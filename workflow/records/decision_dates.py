"""The dates of the partners' decisions the reminders look at, for every programme at once: the
``banns.decision_dates`` hook (the reminders find it by entry point, never by import)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from ..engine.models import Partner, Programme
from . import decision_rules as rules
from .decision_models import DecisionCallIn, PartnerDecision


@dataclass(frozen=True)
class DecisionDate:
    """One decision of a current partner on its programme's current gate, as the reminders need it."""

    decision_id: int
    partner_id: int
    body: str
    meeting_on: date
    key_decision: bool
    forward_plan_on: date | None
    latest_publication: date
    minutes_recorded: bool
    outcome: str
    call_in_ends: date
    called_in: bool


def decision_dates(session: Session, programme_ids: list[int] | None) -> dict[int, list[DecisionDate]]:
    """Per programme (all, or those given): its current partners' decisions on the current visit to its
    stage, in two queries."""
    stmt = (
        select(PartnerDecision, Partner.nation)
        .join(
            Programme,
            and_(
                Programme.id == PartnerDecision.programme_id,
                Programme.state == PartnerDecision.stage,
                Programme.stage_visit == PartnerDecision.stage_visit,
            ),
        )
        .join(Partner, and_(Partner.id == PartnerDecision.partner_id, Partner.withdrawn_at.is_(None)))
        .order_by(PartnerDecision.id)
    )
    if programme_ids is not None:
        stmt = stmt.where(PartnerDecision.programme_id.in_(programme_ids))
    rows = session.execute(stmt).all()
    ids = [d.id for d, _ in rows]
    called = set(
        session.scalars(select(DecisionCallIn.decision_id).where(DecisionCallIn.decision_id.in_(ids))) if ids else ()
    )
    found: dict[int, list[DecisionDate]] = defaultdict(list)
    for d, nation in rows:
        found[d.programme_id].append(
            DecisionDate(
                d.id,
                d.partner_id,
                d.body,
                d.meeting_on,
                d.key_decision,
                d.forward_plan_on,
                rules.latest_publication(d.meeting_on),
                bool(d.minutes),
                d.outcome,
                rules.call_in_ends(d.meeting_on, d.call_in_days, nation),
                d.id in called,
            )
        )
    return found
