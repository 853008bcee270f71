"""What the engine returns: frozen plain data, equal when the programme is the same.

Views are built inside the transaction that read or changed the programme, so a view returned by a use
case equals the view of the same programme reloaded later (the tests check exactly that).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, cast

from .gates import GateReport


@dataclass(frozen=True)
class PartnerView:
    id: int
    name: str
    kind: str
    nation: str
    population: int
    net_budget: Decimal
    joined_at: datetime
    withdrawn_at: datetime | None
    withdrawal_reason: str | None

    @property
    def is_current(self) -> bool:
        return self.withdrawn_at is None


@dataclass(frozen=True)
class RoleView:
    person_id: int
    person_name: str
    email: str
    role: str
    role_title: str
    partner_id: int | None
    partner_name: str | None


@dataclass(frozen=True)
class EvidenceView:
    criterion: str
    title: str
    summary: str
    link: str | None
    recorded_by: str
    recorded_at: datetime
    #: An uploaded document: its SHA-256 (which names it for download), name, media type and size.
    document_sha256: str | None = None
    document_name: str | None = None
    document_type: str | None = None
    document_size: int | None = None


@dataclass(frozen=True)
class SignOffView:
    person_id: int
    person_name: str
    role: str
    partner_id: int | None
    decision: str
    comment: str
    round: int
    decided_at: datetime
    #: The decision pack the person decided on (None for decisions from before packs).
    pack_hash: str | None = None
    #: The deputy who gave this decision on the person's behalf (None when the person gave it).
    given_by_id: int | None = None
    given_by_name: str | None = None
    #: What the decision was on ('gate' or 'waiver') and the evidence revision it was given on.
    subject: str = "gate"
    evidence_rev: int = 0


@dataclass(frozen=True)
class AskedView:
    """One person asked to decide on the open request, in one capacity, who has not yet decided."""

    person_id: int
    person_name: str
    role: str
    role_title: str
    partner_id: int | None
    partner_name: str | None
    #: the person's account is deactivated (they have left): they cannot decide, so someone must take the role
    deactivated: bool = False


@dataclass(frozen=True)
class GateView:
    """The current stage's gate: its task list and whether the next move would pass it."""

    stage: str
    title: str
    subject: str  # what an open request asks: 'gate' or 'waiver'
    round: int
    request_open: bool
    requested_at: datetime | None
    evidence: tuple[EvidenceView, ...]
    sign_offs: tuple[SignOffView, ...]
    report: GateReport
    waiver_report: GateReport | None
    #: Who the open request still waits for (empty while no request is open).
    waiting_on: tuple[AskedView, ...] = ()
    #: The hash of the decision pack a decision now would be given on (None while no request is open).
    pack_hash: str | None = None
    #: The open request's note, who made it (for a waiver, the rationale the steering group decides on).
    request_note: str = ""
    requested_by: str | None = None

    def asked_of(self, person_id: int | None) -> tuple[AskedView, ...]:
        """The capacities in which ``person_id`` is still asked to decide in the open round."""
        return tuple(a for a in self.waiting_on if a.person_id == person_id)


@dataclass(frozen=True)
class StagePlanView:
    stage: str
    title: str
    planned_start: date | None
    planned_end: date | None


@dataclass(frozen=True)
class ProgrammeView:
    id: int
    name: str
    description: str
    definition_id: str
    definition_version: int
    definition_hash: str
    state: str
    state_title: str
    ended: bool
    stage_entered_at: datetime
    stage_visit: int
    evidence_rev: int
    version: int
    created_at: datetime
    updated_at: datetime
    partners: tuple[PartnerView, ...]
    roles: tuple[RoleView, ...]
    plan: tuple[StagePlanView, ...]
    gate: GateView | None
    moves: tuple[str, ...] = field(default=())
    #: The earlier stages the programme may be returned to, and the outcome moves open from here
    #: (``(move, outcome)``), so that no client works out the lifecycle for itself.
    return_targets: tuple[str, ...] = ()
    outcome_moves: tuple[tuple[str, str], ...] = ()
    #: When the programme was published as open data (``None``: not published).
    published_at: datetime | None = None

    @property
    def current_partners(self) -> tuple[PartnerView, ...]:
        return tuple(p for p in self.partners if p.is_current)

    @classmethod
    def on_demand(cls, id: int, version: int, state: str, load: Callable[[], ProgrammeView]) -> ProgrammeView:
        """What a change returns: a view of which only ``id``, ``version`` and ``state`` are known. The rest
        costs more to build than most changes do, and most callers (the web pages redirect) never read it, so
        ``load`` builds it when a field is first read (or :meth:`built` is called): after the change, as it was
        at the moment of the change. If someone changed the programme in between, it shows their change too;
        a caller that keeps the view while it makes more changes calls :meth:`built` first."""
        view = object.__new__(cls)
        view.__dict__.update(id=id, version=version, state=state, _load=load)
        return view

    def built(self) -> ProgrammeView:
        """This view with every field read (built now if it was returned by a change and not read yet)."""
        load = self.__dict__.pop("_load", None)
        if load is not None:
            whole = load()
            self.__dict__.update({f.name: getattr(whole, f.name) for f in fields(whole)})
        return self

    if not TYPE_CHECKING:  # a field of a view built on demand, read for the first time

        def __getattr__(self, name: str) -> Any:
            if name.startswith("__") or "_load" not in self.__dict__:
                raise AttributeError(name)
            return getattr(self.built(), name)

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict: dates as ISO text, money as text with pence."""
        return cast(dict[str, Any], _jsonable(asdict(self)))


# A view returned by a change is built on demand (ProgrammeView.on_demand): a field left unset must not be
# found on the class as its default, so the defaults live only in the generated __init__.
for _name in ("moves", "return_targets", "outcome_moves", "published_at"):
    delattr(ProgrammeView, _name)


@dataclass(frozen=True)
class ProgrammeSummary:
    id: int
    name: str
    definition_id: str
    state: str
    state_title: str
    ended: bool
    stage_entered_at: datetime
    partners: tuple[str, ...]
    version: int


@dataclass(frozen=True)
class EventView:
    seq: int
    at: datetime
    actor: str
    kind: str
    from_state: str | None
    to_state: str | None
    reason: str
    data: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        return cast(dict[str, Any], _jsonable(asdict(self)))


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return value
