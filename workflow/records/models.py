"""The tables of the honest-conversation register (each partner's declarations and the others' answers) and of
the scope register (services in scope, services each partner keeps local)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..engine.models import Base, UTCDateTime

#: What a partner may declare: a precondition, a red line or a non-negotiable.
KINDS = ("precondition", "red_line", "non_negotiable")
#: How another partner answers a declaration.
ACCEPTED, OBJECTED = "accepted", "objected"


def _programme() -> Mapped[int]:
    return mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"), index=True)


class Declaration(Base):
    """One item a partner puts on the table. ``revision`` rises when its owner revises it: answers given to an
    earlier revision no longer count, so every other partner is asked again."""

    __tablename__ = "declarations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    programme_id: Mapped[int] = _programme()
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"))
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(300))
    reason: Mapped[str] = mapped_column(Text)
    revision: Mapped[int] = mapped_column(Integer, default=1)
    declared_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    declared_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revised_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class DeclarationAnswer(Base):
    """Another partner's answer to a declaration, at the revision it answered: the latest one stands."""

    __tablename__ = "declaration_answers"
    __table_args__ = (UniqueConstraint("declaration_id", "partner_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    declaration_id: Mapped[int] = mapped_column(ForeignKey("declarations.id", ondelete="CASCADE"), index=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"))
    revision: Mapped[int] = mapped_column(Integer)
    answer: Mapped[str] = mapped_column(String(10))
    comment: Mapped[str] = mapped_column(Text, default="")
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime())


class DeclarationNone(Base):
    """A partner's record that it has no preconditions, red lines or non-negotiables."""

    __tablename__ = "declaration_nones"

    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"), primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"), primary_key=True)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ScopeService(Base):
    """A service in the shared scope."""

    __tablename__ = "scope_services"
    __table_args__ = (UniqueConstraint("programme_id", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    programme_id: Mapped[int] = _programme()
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")


class ScopeLocal(Base):
    """A service one partner keeps local, outside the shared scope, and why."""

    __tablename__ = "scope_local"
    __table_args__ = (UniqueConstraint("programme_id", "partner_id", "service"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    programme_id: Mapped[int] = _programme()
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"))
    service: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(Text)
