"""The money package's column on the portfolio page (a ``banns.portfolio_columns`` entry point)."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .models import MoneyConfidence


def delivery_confidence(session: Session, programme_ids: list[int]) -> Mapping[int, str]:
    """The latest delivery-confidence rating recorded for each of a page of programmes (one query)."""
    latest = (
        select(func.max(MoneyConfidence.id))
        .where(MoneyConfidence.programme_id.in_(programme_ids))
        .group_by(MoneyConfidence.programme_id)
    )
    rows = session.execute(
        select(MoneyConfidence.programme_id, MoneyConfidence.rating).where(MoneyConfidence.id.in_(latest))
    )
    return {pid: rating for pid, rating in rows}
