"""The engine's public face: one method per use case, one transaction each, plain data out.

Every change follows the same path: lock and load the programme, check the caller may act and saw the
current version, let the lifecycle machine judge the move against the pre-read gate inputs, write the
change and exactly one event, commit. The CLI, the web UI and the scheduler call these; nothing else
opens a write transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from . import gates as g
from .changes import ProgrammeChanges
from .definitions import Definition, SignOffRules
from .errors import InvalidError, MoveRefusedError, NotAllowedError, NotFoundError
from .gate_context import read_gate_inputs
from .importer import PartnerSpec, ProgrammeSpec
from .machine import END_TOO_FEW, Move, lifecycle_for
from .models import Event, Evidence, Partner, Person, Programme, RoleAssignment, SignOff, StagePlan
from .permissions import SYSTEM, Actor
from .programme_spec import check_spec, new_partner, plan_stages
from .view_builder import build_view, event_view
from .views import EventView, ProgrammeSummary, ProgrammeView
from .yamlsource import Located


class Programmes(ProgrammeChanges):
    """Use cases on partnership programmes."""

    # --- reading ---------------------------------------------------------------------------------------

    def get(self, programme_id: int, actor: Actor = SYSTEM) -> ProgrammeView:
        """The programme as it is now.

        Raises:
            NotFoundError, NotAllowedError
        """
        with self.db.read() as session:
            programme, definition = self._load(session, programme_id, lock=False)
            self._authorise(programme, actor, "view")
            return build_view(session, programme, definition)

    def list(self, actor: Actor = SYSTEM) -> list[ProgrammeSummary]:
        """Every programme the actor can see, by name."""
        with self.db.read() as session:
            stmt = select(Programme).options(selectinload(Programme.partners)).order_by(Programme.name)
            if not actor.is_admin:
                stmt = stmt.where(Programme.id.in_(
                    select(RoleAssignment.programme_id).where(RoleAssignment.person_id == actor.person_id)))
            result = []
            for p in session.scalars(stmt):
                definition = self.registry.pinned(session, p.definition_hash)
                result.append(ProgrammeSummary(
                    id=p.id, name=p.name, definition_id=p.definition_id, state=p.state,
                    state_title=definition.state_title(p.state), ended=definition.is_terminal(p.state),
                    stage_entered_at=p.stage_entered_at,
                    partners=tuple(x.name for x in p.partners if x.withdrawn_at is None), version=p.version_id))
            return result

    def actor(self, email: str) -> Actor:
        """The person with this email, as an actor.

        Raises:
            NotFoundError: nobody has that email.
        """
        with self.db.read() as session:
            person = session.scalar(select(Person).where(Person.email == email.strip().lower()))
            if person is None:
                raise NotFoundError(f"nobody has the email address '{email}'")
            return Actor(person.id, person.name, person.is_admin)

    def history(self, programme_id: int, actor: Actor = SYSTEM) -> list[EventView]:
        """The programme's event log, oldest first."""
        with self.db.read() as session:
            programme, _ = self._load(session, programme_id, lock=False)
            self._authorise(programme, actor, "history")
            rows = session.scalars(select(Event).where(Event.programme_id == programme_id).order_by(Event.seq))
            return [event_view(e) for e in rows]

    # --- starting --------------------------------------------------------------------------------------

    def start(self, spec: ProgrammeSpec, located: Located | None = None, actor: Actor = SYSTEM) -> ProgrammeView:
        """Start a programme at the first stage of the latest version of its definition.

        Raises:
            NotFoundError: no such definition.
            ImportError_: the spec does not fit the definition (unknown role, partner or stage).
            InvalidError: a programme of that name exists already.
        """
        definition = self.registry.latest(spec.definition)
        check_spec(spec, definition, located)
        now = self.clock()
        with self._unit(None) as session:
            if session.scalar(select(Programme.id).where(Programme.name == spec.name)) is not None:
                raise InvalidError(f"a programme named '{spec.name}' exists already", field="name")
            self.registry.store(session, definition, now)
            programme = Programme(
                name=spec.name, description=spec.description, definition_id=definition.id,
                definition_version=definition.version, definition_hash=definition.source_hash,
                state=definition.first_stage, stage_entered_at=now, stage_visit=1, evidence_rev=0,
                sign_off_round=0, last_seq=0, created_at=now, updated_at=now)
            session.add(programme)
            partners = {p.name: new_partner(p, now) for p in spec.partners}
            programme.partners.extend(partners.values())
            session.flush()
            for person_spec in spec.people:
                person = self._person(session, person_spec.name, person_spec.email, now)
                for role in person_spec.role_specs():
                    partner_id = partners[role.partner].id if role.partner else None
                    session.add(RoleAssignment(programme_id=programme.id, person_id=person.id, role=role.role,
                                               partner_id=partner_id))
            session.add_all(plan_stages(definition, spec, programme.id, now.date()))
            self._log(session, programme, actor, "programme_started", None, programme.state,
                      f"started on {definition.id} version {definition.version}",
                      definition=definition.id, definition_version=definition.version,
                      definition_hash=definition.source_hash, partners=[p.id for p in partners.values()])
            session.flush()
            session.expire(programme, ["roles", "plans"])
            return build_view(session, programme, definition)

    # --- the gate: evidence and sign-offs --------------------------------------------------------------

    def record_evidence(self, programme_id: int, criterion: str, summary: str, link: str | None = None,
                        actor: Actor = SYSTEM, expected_version: int | None = None) -> ProgrammeView:
        """Record evidence against a criterion of the current gate. Changed evidence closes an open request
        for sign-off: everyone is asked again on the new evidence.

        Raises:
            InvalidError: unknown criterion or empty summary. MoveRefusedError: the programme has ended.
        """
        summary = summary.strip()
        if not summary:
            raise InvalidError("evidence needs a summary: what shows the criterion is met", field="summary")
        with self._unit(programme_id) as session:
            programme, definition = self._begin(session, programme_id, actor, "record_evidence", expected_version)
            gate = _current_gate(programme, definition, "record evidence")
            known = {c.id: c for c in gate.criteria}
            if criterion not in known:
                raise InvalidError(f"'{criterion}' is not a criterion of the {definition.state_title(programme.state)}"
                                   f" gate; expected one of: {', '.join(known)}", field="criterion")
            programme.evidence_rev += 1
            closed = programme.sign_off_subject is not None
            programme.sign_off_subject = None
            session.add(Evidence(programme_id=programme.id, stage=programme.state, criterion=criterion,
                                 summary=summary, link=link or None, recorded_by_id=actor.person_id,
                                 recorded_at=self.clock(), evidence_rev=programme.evidence_rev))
            self._log(session, programme, actor, "evidence_recorded", None, None, summary, stage=programme.state,
                      criterion=criterion, evidence_rev=programme.evidence_rev, request_closed=closed)
            return build_view(session, programme, definition)

    def request_sign_off(self, programme_id: int, actor: Actor = SYSTEM, *, waiver: bool = False, note: str = "",
                         expected_version: int | None = None) -> ProgrammeView:
        """Ask the signatories to decide on the current gate (or, with ``waiver``, on waiving the stage).
        Asking again after a rejection is a resubmission: approvals on unchanged evidence still count.

        Raises:
            MoveRefusedError: required evidence is missing, or the stage cannot be waived.
            InvalidError: a waiver without a rationale.
        """
        subject = "waiver" if waiver else "gate"
        with self._unit(programme_id) as session:
            programme, definition = self._begin(session, programme_id, actor, "request_sign_off", expected_version)
            gate = _current_gate(programme, definition, "request sign-off")
            if waiver:
                if gate.waiver is None:
                    raise MoveRefusedError(programme_id, "waive", programme.state,
                                           [f"'{definition.state_title(programme.state)}' is not optional"])
                if not note.strip():
                    raise InvalidError("a waiver needs a recorded rationale", field="note")
            else:
                inputs = read_gate_inputs(session, programme, definition, "gate")
                report = g.evaluate(definition, gate.sign_off, gate.criteria, inputs)
                not_ready = [r for r in report.unmet if r.startswith(("evidence is missing", "the figures"))]
                if not_ready:
                    raise MoveRefusedError(programme_id, "request sign-off", programme.state, not_ready)
            programme.sign_off_round += 1
            programme.sign_off_subject = subject
            programme.sign_off_requested_at = self.clock()
            self._log(session, programme, actor, "sign_off_requested", None, None, note.strip(),
                      stage=programme.state, subject=subject, round=programme.sign_off_round,
                      evidence_rev=programme.evidence_rev)
            return build_view(session, programme, definition)

    def sign(self, programme_id: int, person_id: int, decision: str, comment: str = "", *,
             role: str | None = None, partner_id: int | None = None,
             expected_version: int | None = None) -> ProgrammeView:
        """Record a person's decision on the open request, in every capacity they hold that it asks for
        (or only ``role``/``partner_id``). A rejection needs a reason and stands until the same person
        approves a resubmission.

        Raises:
            NotAllowedError: the person holds no capacity the request asks for.
            MoveRefusedError: no request is open, or the person already decided in this round.
            InvalidError: unknown decision, or a rejection without a reason.
        """
        if decision not in (g.APPROVE, g.REJECT):
            raise InvalidError(f"decision must be 'approve' or 'reject', not '{decision}'", field="decision")
        comment = comment.strip()
        if decision == g.REJECT and not comment:
            raise InvalidError("a rejection needs a comment saying why", field="comment")
        with self._unit(programme_id) as session:
            person = session.get(Person, person_id)
            if person is None:
                raise NotFoundError(f"no person with id {person_id}")
            actor = Actor(person.id, person.name, person.is_admin)
            programme, definition = self._begin(session, programme_id, actor, None, expected_version)
            gate = _current_gate(programme, definition, "sign")
            subject = programme.sign_off_subject
            if subject is None:
                raise MoveRefusedError(programme_id, "sign", programme.state, [
                    "sign-off has not been requested on the current evidence; the programme manager must "
                    "request it first"])
            rules = gate.sign_off if subject == "gate" else gate.waiver
            assert rules is not None
            capacities = self._capacities_to_sign(programme, definition, rules, person, role, partner_id)
            already = set(session.execute(
                select(SignOff.role, SignOff.partner_id).where(
                    SignOff.programme_id == programme.id, SignOff.stage == programme.state,
                    SignOff.stage_visit == programme.stage_visit, SignOff.subject == subject,
                    SignOff.round == programme.sign_off_round, SignOff.person_id == person.id)))
            repeat = [c for c in capacities if (c.role, c.partner_id) in already]
            if repeat:
                raise MoveRefusedError(programme_id, "sign", programme.state, [
                    f"{person.name} has already decided in round {programme.sign_off_round}; a decision can be "
                    "changed only after the programme manager resubmits"])
            now = self.clock()
            for cap in capacities:
                session.add(SignOff(
                    programme_id=programme.id, stage=programme.state, stage_visit=programme.stage_visit,
                    subject=subject, round=programme.sign_off_round, evidence_rev=programme.evidence_rev,
                    person_id=person.id, role=cap.role, partner_id=cap.partner_id, decision=decision,
                    comment=comment, decided_at=now))
            self._log(session, programme, actor, "signed", None, None, comment, stage=programme.state,
                      subject=subject, round=programme.sign_off_round, decision=decision,
                      capacities=[[c.role, c.partner_id] for c in capacities])
            return build_view(session, programme, definition)

    # --- moves -----------------------------------------------------------------------------------------

    def advance(self, programme_id: int, actor: Actor = SYSTEM, *, reason: str = "",
                expected_version: int | None = None) -> ProgrammeView:
        """Pass the current gate into the next stage (or the final outcome).

        Raises:
            MoveRefusedError: the gate is not met; ``reasons`` lists what is missing.
            ConflictError: the programme changed since ``expected_version``.
        """
        return self._move(programme_id, actor, "advance", "advanced", reason, expected_version)

    def waive(self, programme_id: int, reason: str, actor: Actor = SYSTEM, *,
              expected_version: int | None = None) -> ProgrammeView:
        """Skip the current optional stage, once its waiver has been approved."""
        return self._move(programme_id, actor, "waive", "waived", _required(reason, "waive"), expected_version)

    def return_to(self, programme_id: int, stage: str, reason: str, actor: Actor = SYSTEM, *,
                  expected_version: int | None = None) -> ProgrammeView:
        """Send the programme back to an earlier stage; its gates must be passed again."""
        return self._move(programme_id, actor, "return_to", "returned", _required(reason, "return"),
                          expected_version, to=stage)

    def end(self, programme_id: int, move: str, reason: str, actor: Actor = SYSTEM, *,
            expected_version: int | None = None) -> ProgrammeView:
        """End the programme by one of its definition's outcome moves (``abandon``, ``dissolve``).

        Raises:
            InvalidError: ``move`` is not an outcome move of the programme's lifecycle.
        """
        return self._move(programme_id, actor, move, "ended", _required(reason, move), expected_version,
                          action="end")

    def _move(self, programme_id: int, actor: Actor, trigger: str, kind: str, reason: str,
              expected_version: int | None, action: str | None = None, **kwargs: Any) -> ProgrammeView:
        with self._unit(programme_id) as session:
            programme, definition = self._begin(session, programme_id, actor, action or trigger, expected_version)
            if action == "end" and trigger not in (verbs := [v for v, _, _ in definition.outcome_moves()]):
                raise InvalidError(f"'{trigger}' does not end a programme; expected one of: {', '.join(verbs)}",
                                   field="move")
            before = programme.state
            inputs = read_gate_inputs(session, programme, definition, "waiver" if trigger == "waive" else "gate")
            move = Move(programme.id, before, judge=_judge(definition, before, inputs))
            after = lifecycle_for(definition).fire(move, trigger, **kwargs)
            self._enter(programme, after)
            self._log(session, programme, actor, kind, before, after, reason, move=trigger)
            return build_view(session, programme, definition, fresh_visit=True)

    # --- partners and people ---------------------------------------------------------------------------

    def withdraw(self, programme_id: int, partner_id: int, reason: str, actor: Actor = SYSTEM, *,
                 expected_version: int | None = None) -> ProgrammeView:
        """A partner walks away. The programme goes on while enough partners remain, else it ends."""
        reason = _required(reason, "withdraw")
        with self._unit(programme_id) as session:
            programme, definition = self._begin(session, programme_id, actor, "withdraw", expected_version)
            _not_ended(programme, definition, "withdraw a partner")
            partner = _partner(programme, partner_id)
            if partner.withdrawn_at is not None:
                raise MoveRefusedError(programme_id, "withdraw", programme.state,
                                       [f"{partner.name} withdrew already"])
            partner.withdrawn_at = self.clock()
            partner.withdrawal_reason = reason
            self._log(session, programme, actor, "partner_withdrew", None, None, reason, partner_id=partner.id,
                      partner=partner.name)
            remaining = [p for p in programme.partners if p.withdrawn_at is None]
            if len(remaining) < definition.partners.minimum:
                before = programme.state
                after = lifecycle_for(definition).fire(Move(programme.id, before), END_TOO_FEW)
                self._enter(programme, after)
                self._log(session, programme, actor, "ended", before, after,
                          f"only {len(remaining)} partner(s) remain; at least {definition.partners.minimum} needed",
                          move=END_TOO_FEW)
            return build_view(session, programme, definition)

    def add_partner(self, programme_id: int, spec: PartnerSpec, actor: Actor = SYSTEM, *,
                    expected_version: int | None = None) -> ProgrammeView:
        """A new partner joins, up to the stage the definition allows."""
        with self._unit(programme_id) as session:
            programme, definition = self._begin(session, programme_id, actor, "add_partner", expected_version)
            _not_ended(programme, definition, "add a partner")
            until = definition.partners.join_until
            if until and definition.stage_ids.index(programme.state) > definition.stage_ids.index(until):
                raise MoveRefusedError(programme_id, "add_partner", programme.state, [
                    f"partners may join only up to '{definition.state_title(until)}'"])
            if any(p.name == spec.name for p in programme.partners):
                raise InvalidError(f"{spec.name} is a partner already", field="name")
            partner = new_partner(spec, self.clock())
            programme.partners.append(partner)
            session.flush()
            self._log(session, programme, actor, "partner_added", None, None, "", partner_id=partner.id,
                      partner=partner.name)
            return build_view(session, programme, definition)

    def edit(self, programme_id: int, *, name: str, description: str,
             plan: Mapping[str, tuple[date | None, date | None]], actor: Actor = SYSTEM,
             expected_version: int | None = None) -> ProgrammeView:
        """Change the programme's name, description and planned stage dates; the log records what changed.

        Raises:
            InvalidError: an empty or taken name, an unknown stage, or a stage planned to end before it starts.
        """
        name = name.strip()
        if not name:
            raise InvalidError("enter the programme's name", field="name")
        with self._unit(programme_id) as session:
            programme, definition = self._begin(session, programme_id, actor, "edit", expected_version)
            if name != programme.name and session.scalar(select(Programme.id).where(Programme.name == name)):
                raise InvalidError(f"a programme named '{name}' exists already", field="name")
            changes: dict[str, Any] = {}
            for stage, (start, end) in plan.items():
                if stage not in definition.stage_by_id:
                    raise InvalidError(f"unknown stage '{stage}'", field="plan")
                if start and end and end < start:
                    raise InvalidError(f"{definition.state_title(stage)}: the planned end is before its start",
                                       field=f"plan-{stage}")
                row = next((p for p in programme.plans if p.stage == stage), None)
                if row is None:
                    row = StagePlan(programme_id=programme.id, stage=stage)
                    programme.plans.append(row)
                if (row.planned_start, row.planned_end) != (start, end):
                    changes[stage] = [_iso(row.planned_start), _iso(row.planned_end), _iso(start), _iso(end)]
                    row.planned_start, row.planned_end = start, end
            if name != programme.name:
                changes["name"] = [programme.name, name]
                programme.name = name
            if description != programme.description:
                changes["description"] = [programme.description, description]
                programme.description = description
            if not changes:
                return build_view(session, programme, definition)
            self._log(session, programme, actor, "programme_edited", None, None, "", changes=changes)
            return build_view(session, programme, definition)

    def assign_role(self, programme_id: int, email: str, role: str, partner_id: int | None = None,
                    actor: Actor = SYSTEM, *, name: str | None = None) -> ProgrammeView:
        """Give a person (created if new, when ``name`` is given) a role in the programme."""
        with self._unit(programme_id) as session:
            programme, definition = self._begin(session, programme_id, actor, "assign_role", None)
            scope = definition.role_scope.get(role)
            if scope is None:
                raise InvalidError(f"unknown role '{role}'; expected one of: {', '.join(definition.role_scope)}",
                                   field="role")
            if (scope == "partner") != (partner_id is not None):
                need = "needs a partner" if scope == "partner" else "is held for the whole programme, not a partner"
                raise InvalidError(f"role '{role}' {need}", field="partner")
            if partner_id is not None:
                _partner(programme, partner_id)
            person = session.scalar(select(Person).where(Person.email == email.lower()))
            if person is None:
                if not name:
                    raise NotFoundError(f"no person with email {email}; give a name to add them")
                person = self._person(session, name, email, self.clock())
            if any(r.person_id == person.id and r.role == role and r.partner_id == partner_id
                   for r in programme.roles):
                raise InvalidError(f"{person.name} holds that role already", field="role")
            programme.roles.append(RoleAssignment(person_id=person.id, role=role, partner_id=partner_id))
            self._log(session, programme, actor, "role_assigned", None, None, "", person_id=person.id,
                      role=role, partner_id=partner_id)
            session.flush()
            return build_view(session, programme, definition)

    def remove_role(self, programme_id: int, person_id: int, role: str, partner_id: int | None = None,
                    actor: Actor = SYSTEM, *, expected_version: int | None = None) -> ProgrammeView:
        """Take a role away from a person. Decisions they gave stay in the log but no longer count.

        Raises:
            NotFoundError: the person does not hold that role. MoveRefusedError: it is the last programme manager.
        """
        with self._unit(programme_id) as session:
            programme, definition = self._begin(session, programme_id, actor, "assign_role", expected_version)
            held = next((r for r in programme.roles if (r.person_id, r.role, r.partner_id) == (
                person_id, role, partner_id)), None)
            if held is None:
                person = session.get(Person, person_id)
                who = person.name if person else f"person {person_id}"
                raise NotFoundError(f"{who} does not hold the role '{role}' in programme {programme_id}")
            managers = [r for r in programme.roles if r.role == "programme_manager"]
            if role == "programme_manager" and len(managers) == 1:
                raise MoveRefusedError(programme_id, "remove the role", programme.state, [
                    "a programme needs a programme manager: add another before removing the last one"])
            programme.roles.remove(held)
            session.delete(held)
            self._log(session, programme, actor, "role_removed", None, None, "", person_id=person_id, role=role,
                      partner_id=partner_id)
            return build_view(session, programme, definition)

    def migrate_definition(self, programme_id: int, reason: str, actor: Actor = SYSTEM) -> ProgrammeView:
        """Adopt the newer version of the programme's definition from its file, explicitly and logged.

        Raises:
            MoveRefusedError: the file is not newer, or it no longer has the programme's current state.
        """
        reason = _required(reason, "migrate")
        with self._unit(programme_id) as session:
            programme, current = self._begin(session, programme_id, actor, "migrate_definition", None)
            latest = self.registry.latest(programme.definition_id)
            refuse = []
            if latest.source_hash == current.source_hash:
                refuse.append(f"the programme already runs on the file's content (version {current.version})")
            elif latest.version <= current.version:
                refuse.append(f"the file changed but its version is still {latest.version}; raise the version "
                              f"above {current.version} to adopt it")
            elif programme.state not in latest.stage_by_id and programme.state not in latest.outcome_by_id:
                refuse.append(f"version {latest.version} has no stage '{programme.state}'")
            if refuse:
                raise MoveRefusedError(programme_id, "migrate", programme.state, refuse)
            self.registry.store(session, latest, self.clock())
            old_hash = programme.definition_hash
            programme.definition_hash = latest.source_hash
            programme.definition_version = latest.version
            self._log(session, programme, actor, "definition_migrated", None, None, reason,
                      from_version=current.version, to_version=latest.version, from_hash=old_hash,
                      to_hash=latest.source_hash)
            return build_view(session, programme, latest)

    def _capacities_to_sign(self, programme: Programme, definition: Definition, rules: SignOffRules,
                            person: Person, role: str | None, partner_id: int | None) -> list[g.Capacity]:
        current = {p.id: p.name for p in programme.partners if p.withdrawn_at is None}
        wanted = g.required_capacities(definition, rules, current)
        held = {g.Capacity(r.role, r.partner_id) for r in programme.roles if r.person_id == person.id}
        mine = [c for c in wanted if c in held and (role is None or c.role == role)
                and (partner_id is None or c.partner_id == partner_id)]
        if not mine:
            asked = sorted({definition.role_title[c.role] for c in wanted})
            raise NotAllowedError(f"{person.name} holds no role that signs this request; it asks for: "
                                  + ", ".join(asked))
        return mine


# --- helpers that need no session ------------------------------------------------------------------------

def _judge(definition: Definition, state: str, inputs: g.GateInputs) -> Callable[[str, dict[str, Any]], g.GateReport]:
    gate = definition.gates.get(state)

    def judge(trigger: str, _kwargs: dict[str, Any]) -> g.GateReport:
        if gate is None:
            return g.GateReport(True, ())
        if trigger == "waive":
            assert gate.waiver is not None
            return g.evaluate(definition, gate.waiver, None, inputs)
        return g.evaluate(definition, gate.sign_off, gate.criteria, inputs)
    return judge


def _current_gate(programme: Programme, definition: Definition, doing: str) -> Any:
    _not_ended(programme, definition, doing)
    return definition.gates[programme.state]


def _not_ended(programme: Programme, definition: Definition, doing: str) -> None:
    if definition.is_terminal(programme.state):
        raise MoveRefusedError(programme.id, doing, programme.state, [
            f"the programme has ended ({definition.state_title(programme.state)})"])


def _partner(programme: Programme, partner_id: int) -> Partner:
    for partner in programme.partners:
        if partner.id == partner_id:
            return partner
    names = ", ".join(f"{p.id} ({p.name})" for p in programme.partners)
    raise NotFoundError(f"programme {programme.id} has no partner {partner_id}; its partners: {names}")


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _required(reason: str, doing: str) -> str:
    reason = reason.strip()
    if not reason:
        raise InvalidError(f"to {doing}, give a reason; it is recorded in the programme's log", field="reason")
    return reason
