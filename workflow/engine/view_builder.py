"""Build :mod:`workflow.engine.views` from the stored rows, inside the caller's transaction."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from . import gates
from .approval_holds import holds_for
from .definitions import Definition, Gate
from .gate_inputs import figures_for, gate_inputs
from .machine import lifecycle_for
from .models import Event, Evidence, Partner, Person, Programme, SignOff
from .packs import pack_content, pack_hash
from .views import (
    AskedView,
    EventView,
    EvidenceView,
    GateView,
    PartnerView,
    ProgrammeView,
    RoleView,
    SignOffView,
    StagePlanView,
)

_DEPUTY = aliased(Person)


def build_view(
    session: Session, programme: Programme, definition: Definition, *, now: datetime, fresh_visit: bool = False
) -> ProgrammeView:
    """The whole programme as plain data at ``now``: partners, roles, plan and the current gate's task list.
    ``fresh_visit``: the programme has just entered its stage, so no decision exists yet to read."""
    session.flush()
    partners = {p.id: p for p in programme.partners}
    return ProgrammeView(
        id=programme.id,
        name=programme.name,
        description=programme.description,
        definition_id=programme.definition_id,
        definition_version=programme.definition_version,
        definition_hash=programme.definition_hash,
        state=programme.state,
        state_title=definition.state_title(programme.state),
        ended=definition.is_terminal(programme.state),
        stage_entered_at=programme.stage_entered_at,
        stage_visit=programme.stage_visit,
        evidence_rev=programme.evidence_rev,
        version=programme.version_id,
        created_at=programme.created_at,
        updated_at=programme.updated_at,
        partners=_partner_views(programme),
        roles=_role_views(programme, definition, partners),
        plan=_plan_views(programme, definition),
        gate=None
        if definition.is_terminal(programme.state)
        else _gate_view(session, programme, definition, fresh_visit, now),
        moves=tuple(lifecycle_for(definition).moves_from(programme.state)),
        return_targets=()
        if definition.is_terminal(programme.state)
        else tuple(definition.return_targets(programme.state)),
        outcome_moves=tuple((m, o) for m, o, sources in definition.outcome_moves() if programme.state in sources),
        published_at=programme.published_at,
    )


def _partner_views(programme: Programme) -> tuple[PartnerView, ...]:
    return tuple(
        PartnerView(
            id=p.id,
            name=p.name,
            kind=p.kind,
            nation=p.nation,
            population=p.population,
            net_budget=p.net_budget,
            joined_at=p.joined_at,
            withdrawn_at=p.withdrawn_at,
            withdrawal_reason=p.withdrawal_reason,
        )
        for p in programme.partners
    )


def _role_views(programme: Programme, definition: Definition, partners: dict[int, Partner]) -> tuple[RoleView, ...]:
    return tuple(
        RoleView(
            person_id=r.person_id,
            person_name=r.person.name,
            email=r.person.email,
            role=r.role,
            role_title=definition.role_title.get(r.role, r.role),
            partner_id=r.partner_id,
            partner_name=partners[r.partner_id].name if r.partner_id in partners else None,
        )
        for r in sorted(programme.roles, key=lambda r: (r.role, r.partner_id or 0, r.person_id))
    )


def _plan_views(programme: Programme, definition: Definition) -> tuple[StagePlanView, ...]:
    return tuple(
        StagePlanView(
            p.stage,
            definition.state_title(p.stage) if p.stage in definition.stage_by_id else p.stage,
            p.planned_start,
            p.planned_end,
        )
        for p in sorted(programme.plans, key=lambda p: _order(definition, p.stage))
    )


def _order(definition: Definition, stage: str) -> int:
    return definition.stage_ids.index(stage) if stage in definition.stage_by_id else len(definition.stage_ids)


def _gate_view(
    session: Session, programme: Programme, definition: Definition, fresh_visit: bool, now: datetime
) -> GateView:
    gate = definition.gates[programme.state]
    latest = _latest_evidence(session, programme, gate)
    sign_rows = (
        []
        if fresh_visit
        else session.execute(
            select(SignOff, Person.name, _DEPUTY.name)
            .join(Person, Person.id == SignOff.person_id)
            .outerjoin(_DEPUTY, _DEPUTY.id == SignOff.given_by_id)
            .where(
                SignOff.programme_id == programme.id,
                SignOff.stage == programme.state,
                SignOff.stage_visit == programme.stage_visit,
            )
            .order_by(SignOff.id)
        ).all()
    )
    decisions = [s for s, _, _ in sign_rows]
    pack = pack_content(session, programme, definition) if programme.sign_off_subject else None
    request = (pack or {}).get("request") or {}
    return GateView(
        stage=programme.state,
        title=gate.title,
        subject=programme.sign_off_subject or "gate",
        round=programme.sign_off_round,
        request_open=programme.sign_off_subject is not None,
        requested_at=programme.sign_off_requested_at,
        evidence=tuple(latest[c.id] for c in gate.criteria if c.id in latest),
        sign_offs=tuple(_sign_off_view(s, name, deputy) for s, name, deputy in sign_rows),
        report=_report(session, programme, definition, latest, decisions, now),
        waiver_report=gates.evaluate(definition, gate.waiver, None, gate_inputs(programme, (), decisions, "waiver"))
        if gate.waiver
        else None,
        waiting_on=_waiting_on(programme, definition, decisions),
        pack_hash=pack_hash(pack) if pack else None,
        request_note=request.get("note") or "",
        requested_by=request.get("by"),
    )


def _latest_evidence(session: Session, programme: Programme, gate: Gate) -> dict[str, EvidenceView]:
    """The current evidence of the stage's gate, by criterion."""
    evidence_rows = session.execute(
        select(Evidence, Person.name)
        .outerjoin(Person, Person.id == Evidence.recorded_by_id)
        .where(
            Evidence.programme_id == programme.id,
            Evidence.stage == programme.state,
            Evidence.withdrawn_at.is_(None),
        )
        .order_by(Evidence.id)
    ).all()
    titles = {c.id: c.title for c in gate.criteria}
    latest: dict[str, EvidenceView] = {}
    for row, who in evidence_rows:
        latest[row.criterion] = EvidenceView(
            row.criterion,
            titles.get(row.criterion, row.criterion),
            row.summary,
            row.link,
            who or "system",
            row.recorded_at,
            row.document_sha256,
            row.document_name,
            row.document_type,
            row.document_size,
        )
    return latest


def _report(
    session: Session,
    programme: Programme,
    definition: Definition,
    evidenced: Iterable[str],
    decisions: list[SignOff],
    now: datetime,
) -> gates.GateReport:
    """The current gate judged on its evidence, figures and the partners' decisions at ``now``."""
    gate = definition.gates[programme.state]
    figures, holds = figures_for(session, programme, definition), holds_for(session, programme, definition, now)
    inputs = gate_inputs(programme, evidenced, decisions, "gate", figures, holds)
    return gates.evaluate(definition, gate.sign_off, gate.criteria, inputs)


def _sign_off_view(s: SignOff, name: str, deputy: str | None) -> SignOffView:
    return SignOffView(
        s.person_id,
        name,
        s.role,
        s.partner_id,
        s.decision,
        s.comment,
        s.round,
        s.decided_at,
        s.pack_hash,
        s.given_by_id,
        deputy,
        s.subject,
        s.evidence_rev,
    )


def _waiting_on(programme: Programme, definition: Definition, decisions: list[SignOff]) -> tuple[AskedView, ...]:
    subject = programme.sign_off_subject
    if subject is None:
        return ()
    gate = definition.gates[programme.state]
    rules = gate.sign_off if subject == "gate" else gate.waiver
    assert rules is not None
    partners = {p.id: p.name for p in programme.partners if p.withdrawn_at is None}
    people = {r.person_id: r.person for r in programme.roles}
    holdings = [(r.person_id, gates.Capacity(r.role, r.partner_id)) for r in programme.roles]
    decided = [
        (s.person_id, gates.Capacity(s.role, s.partner_id))
        for s in decisions
        if s.round == programme.sign_off_round and s.subject == subject
    ]
    return tuple(
        AskedView(
            person,
            people[person].name,
            cap.role,
            definition.role_title.get(cap.role, cap.role),
            cap.partner_id,
            partners.get(cap.partner_id) if cap.partner_id else None,
            people[person].deactivated_at is not None,
        )
        for person, cap in gates.still_asked(
            definition, rules, partners, holdings, decided, {p.id: p.kind for p in programme.partners}
        )
    )


def event_view(e: Event) -> EventView:
    return EventView(
        seq=e.seq,
        at=e.at,
        actor=e.actor,
        kind=e.kind,
        from_state=e.from_state,
        to_state=e.to_state,
        reason=e.reason,
        data=dict(e.data or {}),
    )
