"""The shapes of the partnership's records through the API: the honest conversation's register, the scope,
the partners' democratic decisions (and call-ins), the RAID log, staff transfers and deputies. Read from the
records' own views (:mod:`workflow.records`); request bodies refuse unknown members."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, Field, ValidationInfo, model_validator

from workflow.engine.text import Day

from .programmes import Body, Shape

# --- the honest conversation --------------------------------------------------------------------------------


class Answer(Shape):
    partner_id: int
    partner_name: str
    status: str = Field(description="accepted, objected, or awaiting (not given, or given to an earlier revision)")
    comment: str
    answered_at: datetime | None


class Declaration(Shape):
    id: int
    partner_id: int
    partner_name: str
    kind: str = Field(description="precondition, red_line or non_negotiable")
    title: str
    reason: str
    revision: int
    declared_at: datetime
    revised_at: datetime | None
    answers: list[Answer]


class PartnerSide(Shape):
    partner_id: int
    partner_name: str
    status: str = Field(description="declared (items), none, or missing")
    declarations: list[Declaration]


class Register(Shape):
    """The register of each current partner's preconditions, red lines and non-negotiables; ``agreed`` when
    every partner has declared (or declared none) and every other partner has accepted every item."""

    programme_id: int
    agreed: bool
    partners: list[PartnerSide]


class DeclarationRequest(Body):
    partner_id: int = Field(ge=1, description="the partner declaring (one the token's person speaks for)")
    kind: str = Field(max_length=30, description="precondition, red_line or non_negotiable")
    title: str = Field(min_length=1, max_length=300, description="the item, on one line")
    reason: str = Field(min_length=1, max_length=4000)


class NothingToDeclare(Body):
    partner_id: int = Field(ge=1, description="the partner with nothing to declare (one the token's person speaks for)")


class AnswerRequest(Body):
    partner_id: int = Field(ge=1, description="the partner answering (not the one that declared)")
    answer: str = Field(max_length=20, description="accepted, or objected (with a comment saying why)")
    comment: str = Field(default="", max_length=4000)


# --- scope ---------------------------------------------------------------------------------------------------


class Service(Shape):
    id: int
    name: str
    description: str


class LocalService(Shape):
    id: int
    partner_id: int
    partner_name: str
    service: str
    reason: str


class ScopeRegister(Shape):
    """The services in the shared service's scope, and those each current partner keeps local."""

    programme_id: int
    services: list[Service]
    local: list[LocalService]


# --- democratic decisions ----------------------------------------------------------------------------------


class CallIn(Shape):
    id: int
    called_in_on: date
    resolved_on: date | None
    resolution: str | None
    note: str


class PartnerDecision(Shape):
    id: int
    partner_id: int
    stage: str
    body: str
    meeting_on: Day
    key_decision: bool
    forward_plan_on: date | None
    clear_days: int | None
    short_notice: bool
    minutes: str
    outcome: str
    call_in_days: int
    call_in_ends: date
    call_ins: list[CallIn]
    in_pre_election: bool


class DecisionAsked(Shape):
    """What the current gate asks of one partner's body, and where it stands."""

    partner_id: int
    partner_name: str
    body: str
    key_decision: bool
    status: str
    counts_from: date | None
    decision: PartnerDecision | None


class PreElection(Shape):
    id: int
    partner_id: int
    partner_name: str
    starts_on: date
    polling_on: date


class DecisionBoard(Shape):
    """The decisions of partners' bodies the current gate asks for, their status today (UK date), the
    pre-election periods, and the partners the token's person may record decisions for."""

    programme_id: int
    stage: str
    today: date
    asked: list[DecisionAsked]
    periods: list[PreElection]
    may_record_for: list[int]


class DecisionRequest(Body):
    """A partner's decision as entered (the outcome ``pending`` while the meeting is only planned); recording
    one for the same body again corrects it."""

    partner_id: int = Field(ge=1)
    body: str = Field(min_length=1, max_length=30, description="the body the gate asks of the partner (cabinet...)")
    meeting_on: date
    key_decision: bool = False
    forward_plan_on: Day | None = Field(default=None, description="when a key decision was first published")
    minutes: str = Field(default="", max_length=2000, description="a link to the minutes")
    outcome: str = Field(default="pending", max_length=20, description="pending, approved or rejected")
    call_in_days: int | None = Field(default=None, description="the call-in period in days, if not the body's usual")


# --- RAID -----------------------------------------------------------------------------------------------------


class RaidEntry(Shape):
    id: int
    kind: str
    title: str
    description: str
    owner_id: int
    owner_name: str
    likelihood: int
    impact: int
    rating: int
    band: str
    mitigation: str
    review_on: date | None
    created_at: datetime
    updated_at: datetime
    closed_at: datetime | None
    closed_note: str


class RaidList(BaseModel):
    items: list[RaidEntry]


class RaidQuery(BaseModel):
    """Which entries, in which order."""

    model_config = {"extra": "forbid"}

    status: Literal["open", "closed", "all"] = Field(default="open", description="open, closed or all")
    sort: Literal["rating", "review", "title", "newest"] = Field(
        default="rating", description="rating (highest first), review date, title or newest"
    )


class RaidRequest(Body):
    kind: str = Field(max_length=30, description="risk, assumption, issue or dependency")
    title: str = Field(min_length=1, max_length=200)
    owner_id: int = Field(ge=1, description="a person on the programme")
    likelihood: int = Field(description="1 (rare) to 5 (almost certain)")
    impact: int = Field(description="1 (negligible) to 5 (severe)")
    description: str = Field(default="", max_length=4000)
    mitigation: str = Field(default="", max_length=4000)
    review_on: Day | None = None


# --- staff transfers and deputies ------------------------------------------------------------------------------


class Duty(Shape):
    code: str = Field(description="employee_liability_information or collective_consultation")
    due: date
    done_on: date | None
    status: str = Field(default="", description="done, late (done after its day), overdue or due, as of today")

    @model_validator(mode="before")
    @classmethod
    def _status_today(cls, duty: Any, info: ValidationInfo) -> Any:
        """The duty's status on the day given as ``context={"today": ...}`` (an engine view words it)."""
        today = (info.context or {}).get("today")
        if today is None or not callable(getattr(duty, "status", None)):
            return duty
        return {"code": duty.code, "due": duty.due, "done_on": duty.done_on, "status": duty.status(today)}


class StaffTransfer(Shape):
    partner_id: int
    partner: str
    headcount: int
    roles: list[str]
    transfer_date: date
    redundancies: int
    eli_given_on: date | None
    consultation_began_on: date | None
    consultation_ended_on: date | None
    duties: list[Duty]


class TransferList(BaseModel):
    items: list[StaffTransfer]


class Delegation(Shape):
    id: int
    signatory_id: int
    signatory_name: str
    deputy_id: int
    deputy_name: str
    starts_on: date
    ends_on: date
    reason_kind: str
    note: str
    created_at: datetime
    revoked_at: datetime | None
    revoked_by: str | None


class DelegationList(BaseModel):
    items: list[Delegation]
