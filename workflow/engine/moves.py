"""Moves through the lifecycle: advance, waive, return, end, a partner's withdrawal, and adopting a newer
lifecycle version. The machine judges each move against the gate inputs read before it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from . import gates
from . import reasons as R
from .definitions import Definition
from .errors import N_, InvalidError, MoveRefusedError
from .gate_inputs import read_gate_inputs
from .guards import not_ended, partner_of, required_reason
from .machine import END_TOO_FEW, Move, lifecycle_for
from .models import Event
from .permissions import SYSTEM, Actor
from .unit_of_work import ProgrammeChanges
from .views import ProgrammeView


class MoveUseCases(ProgrammeChanges):
    """Moves of a programme between stages, judged by its lifecycle machine."""

    # --- moves -----------------------------------------------------------------------------------------

    def advance(
        self, programme_id: int, actor: Actor = SYSTEM, *, reason: str = "", expected_version: int | None = None
    ) -> ProgrammeView:
        """Pass the current gate into the next stage (or the final outcome).

        Raises:
            MoveRefusedError: the gate is not met; ``reasons`` lists what is missing.
            ConflictError: the programme changed since ``expected_version``.
        """
        return self._move(programme_id, actor, "advance", "advanced", reason, expected_version)

    def waive(
        self, programme_id: int, reason: str = "", actor: Actor = SYSTEM, *, expected_version: int | None = None
    ) -> ProgrammeView:
        """Skip the current optional stage, once its waiver has been approved. The rationale is the one given
        when the waiver was requested (the steering group approved that); ``reason`` adds a note to it."""
        return self._move(programme_id, actor, "waive", "waived", reason.strip(), expected_version)

    def return_to(
        self, programme_id: int, stage: str, reason: str, actor: Actor = SYSTEM, *, expected_version: int | None = None
    ) -> ProgrammeView:
        """Send the programme back to an earlier stage; its gates must be passed again."""
        return self._move(
            programme_id,
            actor,
            "return_to",
            "returned",
            required_reason(reason, "return_to"),
            expected_version,
            to=stage,
        )

    def end(
        self, programme_id: int, move: str, reason: str, actor: Actor = SYSTEM, *, expected_version: int | None = None
    ) -> ProgrammeView:
        """End the programme by one of its definition's outcome moves (``abandon``, ``dissolve``).

        Raises:
            InvalidError: ``move`` is not an outcome move of the programme's lifecycle.
        """
        return self._move(
            programme_id, actor, move, "ended", required_reason(reason, move), expected_version, action="end"
        )

    def _move(
        self,
        programme_id: int,
        actor: Actor,
        trigger: str,
        kind: str,
        reason: str,
        expected_version: int | None,
        action: str | None = None,
        **kwargs: Any,
    ) -> ProgrammeView:
        with self._unit(programme_id) as session:
            programme, definition = self._begin(session, programme_id, actor, action or trigger, expected_version)
            if action == "end" and trigger not in (verbs := [v for v, _, _ in definition.outcome_moves()]):
                raise InvalidError(
                    N_("'{move}' does not end a programme; expected one of: {moves}"),
                    field="move",
                    move=trigger,
                    moves=tuple(verbs),
                )
            before = programme.state
            inputs = read_gate_inputs(
                session, programme, definition, "waiver" if trigger == "waive" else "gate", now=self.clock()
            )
            move = Move(programme.id, before, judge=gate_judge(definition, before, inputs))
            after = lifecycle_for(definition).fire(move, trigger, **kwargs)
            self._enter(programme, after)
            if trigger == "waive":
                reason = "\n\n".join(filter(None, [waiver_rationale(session, programme.id), reason]))
            self._log(session, programme, actor, kind, before, after, reason, move=trigger)
            return self._changed(session, programme)

    # --- partners and people ---------------------------------------------------------------------------

    def withdraw(
        self,
        programme_id: int,
        partner_id: int,
        reason: str,
        actor: Actor = SYSTEM,
        *,
        expected_version: int | None = None,
    ) -> ProgrammeView:
        """A partner walks away. The programme goes on while enough partners remain, else it ends."""
        reason = required_reason(reason, "withdraw")
        with self._unit(programme_id) as session:
            programme, definition = self._begin(session, programme_id, actor, "withdraw", expected_version)
            not_ended(programme, definition, "withdraw")
            partner = partner_of(programme, partner_id)
            if partner.withdrawn_at is not None:
                raise MoveRefusedError(
                    programme_id,
                    "withdraw",
                    programme.state,
                    [R.reason(R.PARTNER_WITHDREW_ALREADY, partner=partner.name)],
                )
            partner.withdrawn_at = self.clock()
            partner.withdrawal_reason = reason
            self._log(
                session,
                programme,
                actor,
                "partner_withdrew",
                None,
                None,
                reason,
                partner_id=partner.id,
                partner=partner.name,
            )
            remaining = [p for p in programme.partners if p.withdrawn_at is None]
            if len(remaining) < definition.partners.minimum:
                before = programme.state
                after = lifecycle_for(definition).fire(Move(programme.id, before), END_TOO_FEW)
                self._enter(programme, after)
                self._log(
                    session,
                    programme,
                    actor,
                    "ended",
                    before,
                    after,
                    "",
                    move=END_TOO_FEW,
                    remaining=len(remaining),
                    minimum=definition.partners.minimum,
                )
            return self._changed(session, programme)

    def migrate_definition(self, programme_id: int, reason: str, actor: Actor = SYSTEM) -> ProgrammeView:
        """Adopt the newer version of the programme's definition from its file, explicitly and logged.

        Raises:
            MoveRefusedError: the file is not newer, or it no longer has the programme's current state.
        """
        reason = required_reason(reason, "migrate")
        with self._unit(programme_id) as session:
            programme, current = self._begin(session, programme_id, actor, "migrate_definition", None)
            latest = self.registry.latest(programme.definition_id)
            refuse = []
            if latest.source_hash == current.source_hash:
                refuse.append(R.reason(R.ALREADY_ON_VERSION, version=current.version))
            elif latest.version <= current.version:
                refuse.append(R.reason(R.VERSION_NOT_RAISED, version=latest.version, current=current.version))
            elif programme.state not in latest.stage_by_id and programme.state not in latest.outcome_by_id:
                refuse.append(R.reason(R.VERSION_LACKS_STAGE, version=latest.version, state=programme.state))
            if refuse:
                raise MoveRefusedError(programme_id, "migrate", programme.state, refuse)
            self.registry.store(session, latest, self.clock())
            old_hash = programme.definition_hash
            programme.definition_hash = latest.source_hash
            programme.definition_version = latest.version
            self._log(
                session,
                programme,
                actor,
                "definition_migrated",
                None,
                None,
                reason,
                from_version=current.version,
                to_version=latest.version,
                from_hash=old_hash,
                to_hash=latest.source_hash,
            )
            return self._changed(session, programme)


def gate_judge(
    definition: Definition, state: str, inputs: gates.GateInputs
) -> Callable[[str, dict[str, Any]], gates.GateReport]:
    gate = definition.gates.get(state)

    def judge(trigger: str, _kwargs: dict[str, Any]) -> gates.GateReport:
        if gate is None:
            return gates.GateReport(True, ())
        if trigger == "waive":
            assert gate.waiver is not None
            return gates.evaluate(definition, gate.waiver, None, inputs)
        return gates.evaluate(definition, gate.sign_off, gate.criteria, inputs)

    return judge


def waiver_rationale(session: Session, programme_id: int) -> str:
    """The rationale given with the latest request to waive a stage (a waiver is approved on it)."""
    note = session.scalar(
        select(Event.reason)
        .where(Event.programme_id == programme_id, Event.kind == "sign_off_requested")
        .order_by(Event.seq.desc())
        .limit(1)
    )
    return note or ""
