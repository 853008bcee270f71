"""The gate's use cases: requests for sign-off and each person's decision (evidence: :mod:`.evidence`)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from . import gates
from . import reasons as R
from .definitions import Definition, SignOffRules
from .deputies import signer_for, uk_today
from .errors import N_, InvalidError, MoveRefusedError, NotAllowedError, NotFoundError
from .evidence import DocumentUseCases
from .gate_inputs import read_gate_inputs
from .guards import current_gate
from .models import Person, Programme, SignOff
from .packs import PackView, find_pack, freeze, pack_content, pack_hash
from .permissions import SYSTEM, Actor
from .reasons import reason
from .views import ProgrammeView


class GateUseCases(DocumentUseCases):
    """Sign-off requests and decisions on a programme's current gate (and, inherited, its evidence)."""

    # --- the gate: sign-offs ---------------------------------------------------------------------------

    def request_sign_off(
        self,
        programme_id: int,
        actor: Actor = SYSTEM,
        *,
        waiver: bool = False,
        note: str = "",
        expected_version: int | None = None,
    ) -> ProgrammeView:
        """Ask the signatories to decide on the current gate (or, with ``waiver``, on waiving the stage).
        Asking again after a rejection is a resubmission: approvals on unchanged evidence still count.

        Raises:
            MoveRefusedError: required evidence is missing, or the stage cannot be waived.
            InvalidError: a waiver without a rationale.
        """
        subject = "waiver" if waiver else "gate"
        with self._unit(programme_id) as session:
            programme, definition = self._begin(session, programme_id, actor, "request_sign_off", expected_version)
            gate = current_gate(programme, definition, "request_sign_off")
            if waiver:
                if gate.waiver is None:
                    raise MoveRefusedError(
                        programme_id,
                        "waive",
                        programme.state,
                        [reason(R.NOT_OPTIONAL, state_title=definition.state_title(programme.state))],
                        state_title=definition.state_title(programme.state),
                    )
                if not note.strip():
                    raise InvalidError(N_("a waiver needs a recorded rationale"), field="note")
            else:
                inputs = read_gate_inputs(session, programme, definition, "gate", now=self.clock())
                report = gates.evaluate(definition, gate.sign_off, gate.criteria, inputs)
                not_ready = [r for r in report.unmet if r.code in (R.EVIDENCE_MISSING, R.FIGURES_SHORT)]
                if not_ready:
                    raise MoveRefusedError(
                        programme_id,
                        "request_sign_off",
                        programme.state,
                        not_ready,
                        state_title=definition.state_title(programme.state),
                    )
            programme.sign_off_round += 1
            programme.sign_off_subject = subject
            programme.sign_off_requested_at = self.clock()
            self._log(
                session,
                programme,
                actor,
                "sign_off_requested",
                None,
                None,
                note.strip(),
                stage=programme.state,
                subject=subject,
                round=programme.sign_off_round,
                evidence_rev=programme.evidence_rev,
            )
            return self._changed(session, programme)

    def sign(
        self,
        programme_id: int,
        person_id: int,
        decision: str,
        comment: str = "",
        *,
        role: str | None = None,
        partner_id: int | None = None,
        pack: str | None = None,
        in_round: int | None = None,
        expected_version: int | None = None,
        on_behalf_of: int | None = None,
    ) -> ProgrammeView:
        """Record a person's decision on the open request, in every capacity they hold that it asks for
        (or only ``role``/``partner_id``). A rejection needs a reason and stands until the same person
        approves a resubmission. With ``on_behalf_of``, a deputy gives that signatory's decision under a
        delegation running today (:mod:`.deputies`), recorded as theirs, given by the deputy.

        Bound to the round and the pack (:mod:`.packs`) shown (``in_round``, ``pack``), not to the version.

        Raises:
            NotAllowedError: no capacity the request asks for is held (by the signatory, for a deputy today).
            MoveRefusedError: no request is open, the round has closed, the pack has changed, or the person
                already decided in this round.
            InvalidError: unknown decision, or a rejection without a reason.
        """
        comment = _checked_comment(decision, comment)
        with self._unit(programme_id) as session:
            person = session.get(Person, person_id)
            if person is None:
                raise NotFoundError(N_("no person with id {person_id}"), person_id=person_id)
            actor = Actor(person.id, person.name, person.is_admin)
            programme, definition = self._begin(session, programme_id, actor, None, None)
            subject, rules = _open_request(programme, definition)
            _refuse_closed_round(programme, in_round)
            now = self.clock()
            deputy, person = _signer(session, programme, person, on_behalf_of, uk_today(now))
            capacities = self._capacities_to_sign(programme, definition, rules, person, role, partner_id)
            capacities = _refuse_repeat(session, programme, subject, person, capacities, every=not (role or partner_id))
            digest = _freeze_seen(session, programme, definition, pack, now)
            session.add_all(_decisions(programme, subject, person, capacities, decision, comment, now, digest, deputy))
            self._log(
                session,
                programme,
                actor,
                "signed",
                None,
                None,
                comment,
                stage=programme.state,
                subject=subject,
                round=programme.sign_off_round,
                decision=decision,
                capacities=[[c.role, c.partner_id] for c in capacities],
                pack=digest,
                **({"on_behalf_of": person.id, "on_behalf_of_name": person.name} if deputy else {}),
            )
            return self._changed(session, programme)

    def pack(self, programme_id: int, digest: str, actor: Actor = SYSTEM) -> PackView:
        """A decision pack of the programme, as it was frozen.

        Raises:
            NotFoundError: no such programme or pack. NotAllowedError: the actor may not view the programme.
        """
        with self.db.read() as session:
            programme, _ = self._load(session, programme_id, lock=False)
            self._authorise(programme, actor, "view")
            found = find_pack(session, programme_id, digest)
            if found is None:
                raise NotFoundError(
                    N_("programme {programme_id} has no decision pack {digest}"),
                    programme_id=programme_id,
                    digest=digest[:12],
                )
            return found

    def _capacities_to_sign(
        self,
        programme: Programme,
        definition: Definition,
        rules: SignOffRules,
        person: Person,
        role: str | None,
        partner_id: int | None,
    ) -> list[gates.Capacity]:
        current = {p.id: p.name for p in programme.partners if p.withdrawn_at is None}
        kinds = {p.id: p.kind for p in programme.partners}
        wanted = gates.required_capacities(definition, rules, current, kinds)
        held = {gates.Capacity(r.role, r.partner_id) for r in programme.roles if r.person_id == person.id}
        mine = [
            c
            for c in wanted
            if c in held and (role is None or c.role == role) and (partner_id is None or c.partner_id == partner_id)
        ]
        if not mine:
            asked = sorted({definition.role_title[c.role] for c in wanted})
            raise NotAllowedError(
                N_("{person} holds no role that signs this request; it asks for: {roles}"),
                person=person.name,
                roles=tuple(asked),
            )
        return mine


def _signer(
    session: Session, programme: Programme, person: Person, on_behalf_of: int | None, today: date
) -> tuple[Person | None, Person]:
    """(the deputy or None, the person whose decision it is)."""
    if on_behalf_of is None or on_behalf_of == person.id:
        return None, person
    return person, signer_for(session, programme, person, on_behalf_of, today)


def _checked_comment(decision: str, comment: str) -> str:
    """The comment, stripped; refuse an unknown decision or a rejection without a reason."""
    if decision not in (gates.APPROVE, gates.REJECT):
        raise InvalidError(
            N_("decision must be 'approve' or 'reject', not '{decision}'"), field="decision", decision=decision
        )
    comment = comment.strip()
    if decision == gates.REJECT and not comment:
        raise InvalidError(N_("a rejection needs a comment saying why"), field="comment")
    return comment


def _open_request(programme: Programme, definition: Definition) -> tuple[str, SignOffRules]:
    """What the open request asks to approve, and its rules.

    Raises:
        MoveRefusedError: the programme has ended, or no request is open.
    """
    gate = current_gate(programme, definition, "sign")
    subject = programme.sign_off_subject
    if subject is None:
        raise MoveRefusedError(
            programme.id,
            "sign",
            programme.state,
            [reason(R.SIGN_OFF_NOT_REQUESTED)],
            state_title=definition.state_title(programme.state),
        )
    rules = gate.sign_off if subject == "gate" else gate.waiver
    assert rules is not None
    return subject, rules


def _refuse_repeat(
    session: Session,
    programme: Programme,
    subject: str,
    person: Person,
    capacities: list[gates.Capacity],
    *,
    every: bool,
) -> list[gates.Capacity]:
    """The capacities to record: a person decides once per round in each capacity (a new round comes only
    with a resubmission). Deciding in ``every`` capacity means those not yet decided in; naming one that was
    decided in is refused."""
    already = set(
        session.execute(
            select(SignOff.role, SignOff.partner_id).where(
                SignOff.programme_id == programme.id,
                SignOff.stage == programme.state,
                SignOff.stage_visit == programme.stage_visit,
                SignOff.subject == subject,
                SignOff.round == programme.sign_off_round,
                SignOff.person_id == person.id,
            )
        )
    )
    if every:
        remaining = [c for c in capacities if (c.role, c.partner_id) not in already]
        capacities = remaining or capacities
    if any((c.role, c.partner_id) in already for c in capacities):
        raise MoveRefusedError(
            programme.id,
            "sign",
            programme.state,
            [reason(R.DECIDED_ALREADY, person=person.name, round=programme.sign_off_round)],
        )
    return capacities


def _decisions(
    programme: Programme,
    subject: str,
    person: Person,
    capacities: list[gates.Capacity],
    decision: str,
    comment: str,
    now: datetime,
    digest: str,
    deputy: Person | None = None,
) -> list[SignOff]:
    """One row per capacity, bound to the stage visit, the round and the pack it was given on (and naming the
    deputy who gave it, if one did)."""
    return [
        SignOff(
            programme_id=programme.id,
            stage=programme.state,
            stage_visit=programme.stage_visit,
            subject=subject,
            round=programme.sign_off_round,
            evidence_rev=programme.evidence_rev,
            person_id=person.id,
            role=cap.role,
            partner_id=cap.partner_id,
            decision=decision,
            comment=comment,
            decided_at=now,
            pack_hash=digest,
            given_by_id=deputy.id if deputy else None,
        )
        for cap in capacities
    ]


#: Why a decision is refused when what the person saw is no longer what they would decide on.
PACK_CHANGED = reason(R.PACK_CHANGED)
ROUND_CLOSED = reason(R.ROUND_CLOSED)


def _freeze_seen(
    session: Session, programme: Programme, definition: Definition, seen: str | None, now: datetime
) -> str:
    """Freeze the pack a decision now is given on; refuse if it is not the one the person was shown."""
    content = pack_content(session, programme, definition)
    if seen is not None and seen != pack_hash(content):
        raise MoveRefusedError(
            programme.id, "sign", programme.state, [PACK_CHANGED], state_title=definition.state_title(programme.state)
        )
    return freeze(session, programme, content, now)


def _refuse_closed_round(programme: Programme, in_round: int | None) -> None:
    if in_round is not None and in_round != programme.sign_off_round:
        raise MoveRefusedError(programme.id, "sign", programme.state, [ROUND_CLOSED])
