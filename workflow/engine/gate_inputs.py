"""A gate's inputs gathered from stored rows: the current partners, who holds which capacity, what is
evidenced, and which decisions still count. The use cases, the views and the portfolio all judge gates
from these, so they can never disagree about what a gate needs."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import CompoundSelect, Select, bindparam, literal_column, null, select, union_all
from sqlalchemy.orm import Session

from . import gates
from .approval_holds import holds_for
from .definitions import Definition
from .errors import N_, Phrase
from .figures import check_figures
from .models import Evidence, Programme, SignOff


class DecisionRow(Protocol):
    person_id: int
    role: str
    partner_id: int | None
    decision: str
    comment: str
    round: int
    subject: str
    evidence_rev: int


# Built once: the hot path binds values instead of building statements on every call. The gate's decisions
# and its evidenced criteria come in one statement (a ``kind`` column tells them apart), the waiver's decisions
# in another.
_DECIDED = (
    SignOff.person_id,
    SignOff.role,
    SignOff.partner_id,
    SignOff.decision,
    SignOff.comment,
    SignOff.round,
    SignOff.subject,
    SignOff.evidence_rev,
)
_DECISIONS: Select[*tuple[Any, ...]] = select(literal_column("'d'").label("kind"), *_DECIDED).where(
    SignOff.programme_id == bindparam("pid"),
    SignOff.stage == bindparam("stage"),
    SignOff.stage_visit == bindparam("visit"),
    SignOff.subject == bindparam("subject"),
    SignOff.evidence_rev == bindparam("rev"),
)
_GATE: CompoundSelect[*tuple[Any, ...]] = union_all(
    _DECISIONS,
    select(literal_column("'e'"), null(), Evidence.criterion, *(null() for _ in _DECIDED[2:])).where(
        Evidence.programme_id == bindparam("pid"),
        Evidence.stage == bindparam("stage"),
        Evidence.withdrawn_at.is_(None),
    ),
)


def gate_inputs(
    programme: Programme,
    evidenced: Iterable[str],
    decisions: Iterable[DecisionRow],
    subject: str,
    figures: Mapping[str, tuple[bool, str]] | None = None,
    holds: Iterable[gates.ApprovalHold] = (),
) -> gates.GateInputs:
    """The inputs of the current gate (``subject`` 'gate') or of its waiver ('waiver'). ``decisions`` are
    the current visit's; those on other evidence or another subject are left out here."""
    current = {p.id: p.name for p in programme.partners if p.withdrawn_at is None}
    holders: dict[gates.Capacity, set[int]] = {}
    names: dict[int, str] = {}
    for r in programme.roles:
        if r.partner_id is None or r.partner_id in current:
            holders.setdefault(gates.Capacity(r.role, r.partner_id), set()).add(r.person_id)
            names[r.person_id] = r.person.name
    return gates.GateInputs(
        partners=current,
        kinds={p.id: p.kind for p in programme.partners if p.withdrawn_at is None},
        holders={cap: frozenset(ids) for cap, ids in holders.items()},
        evidenced=frozenset(evidenced) if subject == "gate" else frozenset(),
        decisions=tuple(
            gates.Decision(
                d.person_id,
                names.get(d.person_id) or Phrase(N_("person {person_id}"), person_id=d.person_id),
                gates.Capacity(d.role, d.partner_id),
                d.decision,
                d.comment,
                d.round,
            )
            for d in decisions
            if d.subject == subject and d.evidence_rev == programme.evidence_rev
        ),
        figures=dict(figures or {}) if subject == "gate" else {},
        holds=tuple(holds) if subject == "gate" else (),
    )


def read_gate_inputs(
    session: Session, programme: Programme, definition: Definition, subject: str, *, now: datetime
) -> gates.GateInputs:
    """Read the current gate's inputs for ``programme`` (partners and roles already loaded) at ``now``: one
    query, plus the figure checks its criteria name and the partners' decisions it asks for, if any."""
    params = {
        "pid": programme.id,
        "stage": programme.state,
        "visit": programme.stage_visit,
        "subject": subject,
        "rev": programme.evidence_rev,
    }
    if subject != "gate":
        return gate_inputs(programme, (), session.connection().execute(_DECISIONS, params).all(), subject)
    rows = session.connection().execute(_GATE, params).all()
    return gate_inputs(
        programme,
        (r.role for r in rows if r.kind == "e"),
        [r for r in rows if r.kind == "d"],
        subject,
        figures_for(session, programme, definition),
        holds_for(session, programme, definition, now),
    )


def figures_for(session: Session, programme: Programme, definition: Definition) -> dict[str, tuple[bool, str]]:
    """The figure checks named by the current gate's criteria, run on this programme."""
    gate = definition.gates.get(programme.state)
    criteria = [c for c in gate.criteria if c.figures] if gate else []
    return check_figures(session, programme.id, criteria) if criteria else {}
