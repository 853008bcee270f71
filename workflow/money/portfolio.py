"""The money package's column on the portfolio page (a ``banns.portfolio_columns`` entry point): each
programme's latest delivery confidence, its count per rating, and a filter by rating. One query each."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from ..engine.models import Programme
from .models import MoneyConfidence


def _latest() -> Select[int]:
    """The id of each programme's latest rating."""
    return select(func.max(MoneyConfidence.id)).group_by(MoneyConfidence.programme_id)


class DeliveryConfidence:
    """The latest delivery-confidence rating recorded for each programme."""

    def __call__(self, session: Session, programme_ids: list[int]) -> Mapping[int, str]:
        """The latest rating of each of a page of programmes that has one."""
        latest = _latest().where(MoneyConfidence.programme_id.in_(programme_ids))
        rows = session.execute(
            select(MoneyConfidence.programme_id, MoneyConfidence.rating).where(MoneyConfidence.id.in_(latest))
        )
        return {pid: rating for pid, rating in rows}

    def counts(self, session: Session, programme_ids: Select[int]) -> Mapping[str, int]:
        """How many of the programmes have each latest rating."""
        rows = session.execute(
            select(MoneyConfidence.rating, func.count())
            .where(MoneyConfidence.id.in_(_latest()), MoneyConfidence.programme_id.in_(programme_ids))
            .group_by(MoneyConfidence.rating)
        )
        return {rating: count for rating, count in rows}

    def matching(self, value: str) -> Select[int]:
        """The programmes whose latest rating is ``value`` (any case), or with no rating when it is empty."""
        if not value:
            return select(Programme.id).where(Programme.id.not_in(select(MoneyConfidence.programme_id)))
        return select(MoneyConfidence.programme_id).where(
            MoneyConfidence.id.in_(_latest()), func.lower(MoneyConfidence.rating) == value.strip().lower()
        )


delivery_confidence = DeliveryConfidence()
