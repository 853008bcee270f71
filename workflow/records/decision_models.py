"""The tables of each partner's democratic decisions: the decision of a body (cabinet, trust board) a gate
asks for, its call-ins, and the partners' pre-election periods. Dates are UK dates."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..engine.models import Base, UTCDateTime

PENDING = "pending"
APPROVED = "approved"
REJECTED = "rejected"
OUTCOMES = (PENDING, APPROVED, REJECTED)
DECISION_STANDS = "decision_stands"
REFERRED_BACK = "referred_back"
RESOLUTIONS = (DECISION_STANDS, REFERRED_BACK)


class PartnerDecision(Base):
    """A partner's decision on a gate, by one of its bodies, for one visit to the stage. ``outcome`` is
    ``pending`` while the meeting is planned."""

    __tablename__ = "partner_decisions"
    __table_args__ = (UniqueConstraint("programme_id", "partner_id", "stage", "stage_visit", "body"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"), index=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id", ondelete="CASCADE"))
    stage: Mapped[str] = mapped_column(String(60))
    stage_visit: Mapped[int] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(String(30))
    meeting_on: Mapped[date] = mapped_column(Date)
    key_decision: Mapped[bool] = mapped_column(Boolean, default=False)
    forward_plan_on: Mapped[date | None] = mapped_column(Date)
    minutes: Mapped[str] = mapped_column(String(2000), default="")
    outcome: Mapped[str] = mapped_column(String(20), default=PENDING)
    call_in_days: Mapped[int] = mapped_column(Integer)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())


class DecisionCallIn(Base):
    """A call-in of a decision for scrutiny, and later its resolution."""

    __tablename__ = "decision_call_ins"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("partner_decisions.id", ondelete="CASCADE"), index=True)
    called_in_on: Mapped[date] = mapped_column(Date)
    resolved_on: Mapped[date | None] = mapped_column(Date)
    resolution: Mapped[str | None] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")


class PreElectionPeriod(Base):
    """A partner's pre-election period: from the notice of election to polling day, both included."""

    __tablename__ = "pre_election_periods"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"), index=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id", ondelete="CASCADE"))
    starts_on: Mapped[date] = mapped_column(Date)
    polling_on: Mapped[date] = mapped_column(Date)
