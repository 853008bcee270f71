"""The partners' decisions on the portfolio's dashboard (a ``banns.portfolio_decisions`` entry point): those
planned for a meeting in the weeks ahead, on the current visit to each programme's stage, by a current
partner, soonest first. Two queries, whatever the number of programmes."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Select, and_, func, select
from sqlalchemy.orm import Session

from ..engine.models import Partner, Programme
from ..engine.portfolio.dashboard import UpcomingDecision
from .decision_models import PENDING, PartnerDecision


def upcoming_decisions(
    session: Session, programme_ids: Select[int], first: date, last: date, limit: int
) -> tuple[tuple[UpcomingDecision, ...], int]:
    """The first ``limit`` decisions still pending with a meeting from ``first`` to ``last``, and how many."""
    stmt = (
        select(Programme.id, Programme.name, Partner.name, PartnerDecision.body, PartnerDecision.meeting_on)
        .join(
            Programme,
            and_(
                Programme.id == PartnerDecision.programme_id,
                Programme.state == PartnerDecision.stage,
                Programme.stage_visit == PartnerDecision.stage_visit,
            ),
        )
        .join(Partner, and_(Partner.id == PartnerDecision.partner_id, Partner.withdrawn_at.is_(None)))
        .where(
            Programme.id.in_(programme_ids),
            PartnerDecision.outcome == PENDING,
            PartnerDecision.meeting_on >= first,
            PartnerDecision.meeting_on <= last,
        )
    )
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = session.execute(stmt.order_by(PartnerDecision.meeting_on, Programme.name, Partner.name).limit(limit))
    return tuple(UpcomingDecision(*row) for row in rows), total
