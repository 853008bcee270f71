"""Programmes, their gates and events, and the bodies of the requests that change them, as the API and the
command line's ``--json`` show them: every API response is built through one of these (so it is checked
before it leaves), every request body is validated by one, and the OpenAPI description is generated from the
same models (``web/api/openapi.py``), so the description cannot drift from what is served.
"""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ..engine.reasons import Reason
from ..words import as_data, describe, english


class Shape(BaseModel):
    """A response shape, read from the engine's views."""

    model_config = ConfigDict(from_attributes=True, frozen=True)


def fields_of(view: Any) -> dict[str, Any]:
    """A view's fields by name, one level deep (its own values kept as they are, for a shape to read), so that
    a shape can be given a view with some fields added."""
    return {f.name: getattr(view, f.name) for f in dataclasses.fields(view)}


class Body(BaseModel):
    """A request body: unknown members are refused, so that a misspelt one is not silently ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True)


# --- reasons ----------------------------------------------------------------------------------------------


class Said(BaseModel):
    """A reason, as data and in words: its ``code`` (``workflow/engine/reasons.py`` lists them), its ``values``
    (names, ids, numbers; a value that is a code is itself a ``{code, values}``), and its ``text``, in English
    (a refused move's problem: in the language the request's Accept-Language asks for)."""

    model_config = ConfigDict(frozen=True)

    code: str
    values: dict[str, Any] = {}
    text: str


def said(reason: Reason, gettext: Any = None, language: object = None) -> Said:
    """``reason`` as a :class:`Said`, in English unless a ``gettext`` (and the ``language`` for the lifecycle's
    own titles) is given."""
    text = describe(reason, gettext or english, language)
    return Said(code=reason.code, values=as_data(reason)["values"], text=text)


def _said(value: Any) -> Any:
    if isinstance(value, Reason):
        return said(value)
    if isinstance(value, (list, tuple)):
        return [_said(v) for v in value]
    return value


# --- problems (RFC 9457) ----------------------------------------------------------------------------------


class Unmet(Shape):
    """One requirement of the gate that is not met: a criterion (``criterion`` its id), a sign-off, or a
    decision of a partner's body (cabinet, board)."""

    kind: Literal["criterion", "sign_off", "decision"]
    criterion: str = Field(description="the criterion's id; empty for a sign-off")
    label: Said
    detail: Said | None = None

    _reasons = field_validator("label", "detail", mode="before")(_said)


class Problem(BaseModel):
    """An error, as ``application/problem+json`` (RFC 9457). A refused move adds the engine's ``reasons`` and
    the gate's ``unmet`` requirements; invalid input adds ``errors``."""

    model_config = ConfigDict(extra="allow")

    type: str = Field(description="a URI naming the kind of problem (urn:banns:problem:...), or about:blank")
    title: str
    status: int
    detail: str = ""
    reasons: list[Said] | None = Field(default=None, description="why a move was refused: codes, values and words")
    unmet: list[Unmet] | None = Field(default=None, description="the gate's requirements not met")
    errors: list[dict[str, Any]] | None = Field(default=None, description="what is wrong with the request body")


# --- programmes -------------------------------------------------------------------------------------------


class ProgrammeSummary(Shape):
    id: int
    name: str
    definition_id: str
    state: str
    state_title: str
    ended: bool
    stage_entered_at: datetime
    partners: list[str]
    version: int = Field(description="the programme's version: its ETag, and what If-Match must carry")


class ProgrammePage(BaseModel):
    """One page of programmes, by id; ``next`` is the address of the next page (``None``: the last)."""

    items: list[ProgrammeSummary]
    next: str | None


class Partner(Shape):
    id: int
    name: str
    kind: str
    nation: str
    population: int
    net_budget: Decimal = Field(description="pounds and pence, as text")
    joined_at: datetime
    withdrawn_at: datetime | None
    withdrawal_reason: str | None


class Role(Shape):
    person_id: int
    person_name: str
    email: str | None = Field(
        default=None,
        description="the person's work address: shown to those who may give roles on the programme (its "
        "managers, and admins); null for everyone else",
    )
    role: str
    role_title: str
    partner_id: int | None
    partner_name: str | None


class Evidence(Shape):
    criterion: str
    title: str
    summary: str
    link: str | None
    recorded_by: str
    recorded_at: datetime
    document_sha256: str | None = None
    document_name: str | None = None


class SignOff(Shape):
    person_id: int
    person_name: str
    role: str
    partner_id: int | None
    decision: str
    comment: str
    round: int
    decided_at: datetime
    pack_hash: str | None = None
    given_by_name: str | None = None
    subject: str = "gate"


class Requirement(Shape):
    kind: Literal["criterion", "sign_off", "decision"]
    label: Said
    met: bool
    detail: Said | None = None
    required: bool = True
    criterion: str = ""

    _reasons = field_validator("label", "detail", mode="before")(_said)


class GateReport(Shape):
    passed: bool
    unmet: list[Said]
    requirements: list[Requirement]

    _reasons = field_validator("unmet", mode="before")(_said)


class Asked(Shape):
    person_id: int
    person_name: str
    role: str
    partner_id: int | None
    partner_name: str | None


class Gate(Shape):
    stage: str
    title: str
    subject: str
    round: int
    request_open: bool
    requested_at: datetime | None
    evidence: list[Evidence]
    sign_offs: list[SignOff]
    report: GateReport
    waiting_on: list[Asked] = []
    pack_hash: str | None = None


class StagePlan(Shape):
    stage: str
    title: str
    planned_start: date | None
    planned_end: date | None


class Programme(Shape):
    """A programme as it is now: its partners, people's roles, plan and current gate, and the moves open."""

    id: int
    name: str
    description: str
    definition_id: str
    definition_version: int
    state: str
    state_title: str
    ended: bool
    stage_entered_at: datetime
    stage_visit: int
    version: int = Field(description="the programme's version: its ETag, and what If-Match must carry")
    created_at: datetime
    updated_at: datetime
    published_at: datetime | None = Field(default=None, description="when it was published as open data; none: not")
    partners: list[Partner]
    roles: list[Role]
    plan: list[StagePlan]
    gate: Gate | None
    moves: list[str]
    return_targets: list[str]


# --- events -----------------------------------------------------------------------------------------------


class Event(Shape):
    seq: int = Field(description="the event's number in the programme's log: the feed's cursor")
    at: datetime
    actor: str
    kind: str
    from_state: str | None
    to_state: str | None
    reason: str
    data: dict[str, Any]


class EventPage(BaseModel):
    items: list[Event]
    next: str | None = Field(description="the next page's address; at the end, where to ask for newer events")


# --- requests ---------------------------------------------------------------------------------------------


class AdvanceRequest(Body):
    reason: str = Field(default="", max_length=2000, description="a note for the programme's log")


class EvidenceRequest(Body):
    criterion: str = Field(min_length=1, max_length=100, description="the id of a criterion of the current gate")
    summary: str = Field(min_length=1, max_length=5000)
    link: str | None = Field(default=None, max_length=2000)


class SignOffRequest(Body):
    decision: Literal["approve", "reject"]
    comment: str = Field(default="", max_length=5000)
    pack: str | None = Field(default=None, description="the decision pack's hash the decision is given on")
    round: int | None = Field(default=None, ge=0, description="the request's round the decision is given in")


class SignOffRequestBody(Body):
    """Ask the gate's signatories to decide (or, ``waiver``, the steering group to waive the stage)."""

    waiver: bool = False
    note: str = Field(default="", max_length=2000, description="shown to those asked; a waiver's rationale")


class ReturnRequest(Body):
    stage: str = Field(min_length=1, max_length=100, description="an earlier stage (the programme's return_targets)")
    reason: str = Field(min_length=1, max_length=2000)


class WaiveRequest(Body):
    reason: str = Field(default="", max_length=2000, description="a note added to the approved waiver's rationale")


class WithdrawRequest(Body):
    partner_id: int = Field(ge=1, description="the id of a current partner")
    reason: str = Field(min_length=1, max_length=2000)


class PublicationRequest(Body):
    """Publish the programme as open data (``true``: its open facts appear under /open-data) or withdraw it."""

    public: bool


class EndRequest(Body):
    move: str = Field(min_length=1, max_length=60, description="an outcome move open now (abandon, dissolve...)")
    reason: str = Field(min_length=1, max_length=2000)
