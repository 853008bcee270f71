"""The tables, as SQLAlchemy 2 typed models. Only :mod:`workflow` code touches them.

Times are stored as UTC (aware datetimes in Python), money as ``Decimal`` pounds and pence. A programme
carries a version counter (optimistic locking): a change committed from a stale read fails with
``StaleDataError``, which the engine turns into :class:`~workflow.engine.errors.ConflictError`.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    event,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in and out, on every backend (SQLite keeps no zone of its own)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: store times as timezone-aware UTC")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Money(TypeDecorator[Decimal]):
    """Pounds and pence as ``Decimal``: NUMERIC(16,2) where the database has it, exact text on SQLite."""

    impl = Numeric(16, 2)
    cache_ok = True

    def load_dialect_impl(self, dialect: Any) -> Any:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(String(24))
        return dialect.type_descriptor(Numeric(16, 2, asdecimal=True))

    def process_bind_param(self, value: Decimal | None, dialect: Any) -> Any:
        if value is None:
            return None
        value = Decimal(value).quantize(Decimal("0.01"))
        return str(value) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Any) -> Decimal | None:
        return None if value is None else Decimal(str(value)).quantize(Decimal("0.01"))


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class DefinitionVersion(Base):
    """The exact text of a definition a programme runs on, kept so that editing a file changes nothing."""

    __tablename__ = "definition_versions"

    hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    definition_id: Mapped[str] = mapped_column(String(60))
    version: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    source_file: Mapped[str] = mapped_column(String(500))
    source_text: Mapped[str] = mapped_column(Text)
    stored_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Programme(Base):
    __tablename__ = "programmes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    definition_id: Mapped[str] = mapped_column(String(60))
    definition_version: Mapped[int] = mapped_column(Integer)
    definition_hash: Mapped[str] = mapped_column(ForeignKey("definition_versions.hash"))
    state: Mapped[str] = mapped_column(String(60), index=True)
    stage_entered_at: Mapped[datetime] = mapped_column(UTCDateTime())
    #: Increases on every entry to a stage; sign-offs from an earlier visit no longer count.
    stage_visit: Mapped[int] = mapped_column(Integer, default=1)
    #: Increases whenever evidence for the current gate changes; approvals given before no longer count.
    evidence_rev: Mapped[int] = mapped_column(Integer, default=0)
    #: The current round of sign-off requests in this visit, and what it asks to approve ('gate' or
    #: 'waiver'); ``None`` while no request is open.
    sign_off_round: Mapped[int] = mapped_column(Integer, default=0)
    sign_off_subject: Mapped[str | None] = mapped_column(String(10))
    sign_off_requested_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: The number of the latest event in this programme's log; the next event takes the one after it.
    last_seq: Mapped[int] = mapped_column(Integer, default=0)
    #: The hash of that latest event: the head of the programme's hash chain (:mod:`.audit`).
    log_head: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    #: When its managers last published it as open data (``None``: not published); who did it is in the log.
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    version_id: Mapped[int] = mapped_column(Integer, nullable=False)

    partners: Mapped[list[Partner]] = relationship(back_populates="programme", order_by="Partner.id")
    roles: Mapped[list[RoleAssignment]] = relationship(back_populates="programme", order_by="RoleAssignment.id")
    plans: Mapped[list[StagePlan]] = relationship(order_by="StagePlan.planned_start")

    __mapper_args__ = {"version_id_col": version_id}


class StagePlan(Base):
    __tablename__ = "stage_plans"

    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"), primary_key=True)
    stage: Mapped[str] = mapped_column(String(60), primary_key=True)
    planned_start: Mapped[date | None] = mapped_column(Date)
    planned_end: Mapped[date | None] = mapped_column(Date)


class Partner(Base):
    __tablename__ = "partners"
    __table_args__ = (UniqueConstraint("programme_id", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(40))
    nation: Mapped[str] = mapped_column(String(20), default="england")
    population: Mapped[int] = mapped_column(BigInteger)
    net_budget: Mapped[Decimal] = mapped_column(Money())
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime())
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    withdrawal_reason: Mapped[str | None] = mapped_column(Text)

    programme: Mapped[Programme] = relationship(back_populates="partners")

    @property
    def is_current(self) -> bool:
        return self.withdrawn_at is None


class Person(Base):
    __tablename__ = "people"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(320), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    #: When an admin deactivated the account (``None``: active): no sign-in, no sessions, no reminders.
    deactivated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    deactivated_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    #: The language the person chose for the web pages ("en" or "cy"; ``None``: not chosen, the browser's).
    language: Mapped[str | None] = mapped_column(String(8))


class RoleAssignment(Base):
    """A person's role in one programme, for one partner where the role is held per partner."""

    __tablename__ = "role_assignments"
    __table_args__ = (UniqueConstraint("programme_id", "person_id", "role", "partner_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    role: Mapped[str] = mapped_column(String(60))
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("partners.id"))

    programme: Mapped[Programme] = relationship(back_populates="roles")
    person: Mapped[Person] = relationship(lazy="joined")


class StaffTransfer(Base):
    """The staff one partner transfers under TUPE: how many, in which roles, on which day, and when its
    statutory duties were done (the dates are UK dates; ``None`` until done)."""

    __tablename__ = "staff_transfers"
    __table_args__ = (UniqueConstraint("programme_id", "partner_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"))
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"))
    headcount: Mapped[int] = mapped_column(Integer)
    roles: Mapped[list[str]] = mapped_column(JSON, default=list)
    transfer_date: Mapped[date] = mapped_column(Date)
    redundancies: Mapped[int] = mapped_column(Integer, default=0)
    eli_given_on: Mapped[date | None] = mapped_column(Date)
    consultation_began_on: Mapped[date | None] = mapped_column(Date)
    consultation_ended_on: Mapped[date | None] = mapped_column(Date)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Evidence(Base):
    """Evidence against one criterion of a gate; the latest row per criterion is the current one."""

    __tablename__ = "evidence"
    __table_args__ = (Index("ix_evidence_programme_stage", "programme_id", "stage"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"))
    stage: Mapped[str] = mapped_column(String(60))
    criterion: Mapped[str] = mapped_column(String(60))
    summary: Mapped[str] = mapped_column(Text)
    link: Mapped[str | None] = mapped_column(String(1000))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())
    evidence_rev: Mapped[int] = mapped_column(Integer)
    #: An uploaded document: its SHA-256 names the stored file (see :mod:`.documents`).
    document_sha256: Mapped[str | None] = mapped_column(String(64))
    document_name: Mapped[str | None] = mapped_column(String(200))
    document_type: Mapped[str | None] = mapped_column(String(100))
    document_size: Mapped[int | None] = mapped_column(Integer)
    #: Set on every row of a criterion when its evidence is withdrawn; the criterion is then unevidenced.
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class SignOff(Base):
    """One decision by one person in one capacity, in one round of one visit to a stage."""

    __tablename__ = "sign_offs"
    __table_args__ = (
        Index("ix_sign_offs_programme_stage_visit", "programme_id", "stage", "stage_visit"),
        UniqueConstraint(
            "programme_id",
            "stage",
            "stage_visit",
            "subject",
            "round",
            "person_id",
            "role",
            "partner_id",
            name="uq_sign_offs_one_decision_per_round",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"))
    stage: Mapped[str] = mapped_column(String(60))
    stage_visit: Mapped[int] = mapped_column(Integer)
    subject: Mapped[str] = mapped_column(String(10))
    round: Mapped[int] = mapped_column(Integer)
    evidence_rev: Mapped[int] = mapped_column(Integer)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    role: Mapped[str] = mapped_column(String(60))
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("partners.id"))
    decision: Mapped[str] = mapped_column(String(10))
    comment: Mapped[str] = mapped_column(Text, default="")
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime())
    #: The decision pack the person was shown (:class:`DecisionPack`); none on decisions from before packs.
    pack_hash: Mapped[str | None] = mapped_column(String(64))
    #: A deputy who gave this decision on ``person_id``'s behalf (:class:`Delegation`); none when given in person.
    given_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))


class Delegation(Base):
    """A person who signs names a deputy, another person on the programme, for a date range (UK dates, both
    inclusive): while it runs the deputy may give their decisions, recorded as given on their behalf."""

    __tablename__ = "delegations"
    __table_args__ = (Index("ix_delegations_programme_signatory", "programme_id", "signatory_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"))
    signatory_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    deputy_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    reason_kind: Mapped[str] = mapped_column(String(30))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))


class DecisionPack(Base):
    """What a person saw when they decided, frozen: the criteria, each piece of evidence, the figures the
    gate checks and the note of the request. Stored once per content (its hash) and never changed."""

    __tablename__ = "decision_packs"
    __table_args__ = (UniqueConstraint("programme_id", "hash"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"), index=True)
    hash: Mapped[str] = mapped_column(String(64))
    stage: Mapped[str] = mapped_column(String(60))
    stage_visit: Mapped[int] = mapped_column(Integer)
    subject: Mapped[str] = mapped_column(String(10))
    round: Mapped[int] = mapped_column(Integer)
    evidence_rev: Mapped[int] = mapped_column(Integer)
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Event(Base):
    """The append-only log: every change to a programme, numbered per programme without gaps, each event
    sealed with the hash of its content and of the event before it (:mod:`.audit`). Changes outside any
    programme (accounts, admin rights) form the site's own chain, with ``programme_id`` empty."""

    __tablename__ = "events"
    __table_args__ = (
        UniqueConstraint("programme_id", "seq"),
        Index(
            "uq_events_site_seq",
            "seq",
            unique=True,
            sqlite_where=text("programme_id IS NULL"),
            postgresql_where=text("programme_id IS NULL"),
        ),
        # When each programme first entered a stage (the reminder scan asks when the review began), read from
        # the index alone rather than by scanning every event of every programme.
        Index("ix_events_to_state_programme_at", "to_state", "programme_id", "at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    programme_id: Mapped[int | None] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    actor: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(40))
    from_state: Mapped[str | None] = mapped_column(String(60))
    to_state: Mapped[str | None] = mapped_column(String(60))
    reason: Mapped[str] = mapped_column(Text, default="")
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


@event.listens_for(Event, "before_update")
@event.listens_for(Event, "before_delete")
def _events_are_append_only(_mapper: Any, _connection: Any, target: Event) -> None:
    raise ValueError(f"event {target.programme_id}/{target.seq} is in the append-only log and cannot change")
