"""The money package's figure checks for gates (registered as ``banns.figures`` entry points)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from .service import figures_status


def savings_by_year(session: Session, programme_id: int) -> tuple[bool, str]:
    """Planned savings are recorded by financial year."""
    return figures_status(session, programme_id, "savings_by_year")


def payback_year(session: Session, programme_id: int) -> tuple[bool, str]:
    """The business case pays back within its appraisal period."""
    return figures_status(session, programme_id, "payback_year")


def complete_agreement(session: Session, programme_id: int) -> tuple[bool, str]:
    """The pre-nuptial agreement has a sharing basis, withdrawal terms, notice period and minimum term."""
    return figures_status(session, programme_id, "complete_agreement")
