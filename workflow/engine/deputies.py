"""Deputies: a person who signs names another person on the programme to decide in their place for a date
range (leave, a conflict of interest). While the delegation runs (from ``starts_on`` to ``ends_on``, both
inclusive, UK dates by the engine's clock, until revoked) the deputy may give the signatory's decisions; each
is recorded as the signatory's, given by the deputy (:attr:`~.models.SignOff.given_by_id`), so the gate
counts it in the signatory's capacities and shows both names.

Rules: the deputy must already hold a role in the programme and cannot be the signatory; one signatory's
delegations (not revoked) must not overlap; the signatory or a programme manager names and revokes them,
and both are events in the programme's log.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from .errors import N_, InvalidError, NotAllowedError, NotFoundError, Word
from .models import Delegation, Person, Programme
from .permissions import SYSTEM, Actor, may
from .text import check_day, is_id, no_nul
from .unit_of_work import ProgrammeChanges

UK = ZoneInfo("Europe/London")
#: Why a signatory names a deputy.
REASON_KINDS = ("leave", "conflict_of_interest")
#: Roles that decide nothing, so have nothing to delegate.
NOT_SIGNING = frozenset({"observer", "programme_manager"})


@dataclass(frozen=True)
class DelegationView:
    id: int
    programme_id: int
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

    def runs_on(self, day: date) -> bool:
        """Whether the deputy may decide for the signatory on ``day`` (a revoked delegation never runs)."""
        return self.revoked_at is None and self.starts_on <= day <= self.ends_on


def uk_today(moment: datetime) -> date:
    return moment.astimezone(UK).date()


def running(session: Session, programme_id: int, day: date) -> list[Delegation]:
    """The delegations of a programme that run on ``day``."""
    return list(
        session.scalars(
            select(Delegation).where(
                Delegation.programme_id == programme_id,
                Delegation.revoked_at.is_(None),
                Delegation.starts_on <= day,
                Delegation.ends_on >= day,
            )
        )
    )


def signer_for(session: Session, programme: Programme, deputy: Person, signatory_id: int, day: date) -> Person:
    """The signatory a deputy decides for on ``day``.

    Raises:
        NotFoundError: no such person. NotAllowedError: no delegation from them to the deputy runs on ``day``.
    """
    signatory = session.get(Person, signatory_id)
    if signatory is None:
        raise NotFoundError(N_("no person with id {person_id}"), person_id=signatory_id)
    runs = running(session, programme.id, day)
    if not any(d.signatory_id == signatory_id and d.deputy_id == deputy.id for d in runs):
        raise NotAllowedError(
            N_(
                "{deputy} is not {signatory}'s deputy on {day}: no delegation from {signatory} to {deputy} runs "
                "that day"
            ),
            deputy=deputy.name,
            signatory=signatory.name,
            day=day,
        )
    return signatory


class DeputyUseCases(ProgrammeChanges):
    """Naming, revoking and listing deputies."""

    def name_deputy(
        self,
        programme_id: int,
        signatory_id: int,
        deputy_id: int,
        starts_on: date,
        ends_on: date,
        reason_kind: str,
        note: str = "",
        actor: Actor = SYSTEM,
    ) -> DelegationView:
        """Name ``deputy_id`` to decide for ``signatory_id`` from ``starts_on`` to ``ends_on`` (inclusive).

        Raises:
            NotAllowedError: the actor is neither the signatory nor a programme manager.
            InvalidError: the deputy is not on the programme or is the signatory, the signatory signs nothing,
                the dates are wrong, or it overlaps another of the signatory's delegations.
        """
        _check_terms(starts_on, ends_on, reason_kind, note)
        if deputy_id == signatory_id:
            raise InvalidError(N_("a deputy cannot be the signatory themself; choose someone else"), field="deputy")
        with self._unit(programme_id) as session:
            programme, _ = self._begin(session, programme_id, actor, "view", None)
            self._may_delegate(programme, actor, signatory_id)
            signatory, deputy = _people(session, programme, signatory_id, deputy_id)
            if ends_on < uk_today(self.clock()):
                raise InvalidError(N_("the end date {ends_on} has already passed"), field="ends_on", ends_on=ends_on)
            _refuse_overlap(session, programme_id, signatory, starts_on, ends_on)
            row = Delegation(
                programme_id=programme_id,
                signatory_id=signatory.id,
                deputy_id=deputy.id,
                starts_on=starts_on,
                ends_on=ends_on,
                reason_kind=reason_kind,
                note=note.strip(),
                created_at=self.clock(),
                created_by_id=actor.person_id,
            )
            session.add(row)
            session.flush()
            facts = _facts(row, signatory, deputy)
            self._log(session, programme, actor, "deputy_named", None, None, note.strip(), **facts)
            return _view(row, signatory, deputy, None)

    def revoke_deputy(self, programme_id: int, delegation_id: int, actor: Actor = SYSTEM) -> DelegationView:
        """End a delegation at once.

        Raises:
            NotFoundError: no such delegation in the programme. NotAllowedError: the actor is neither its
            signatory nor a programme manager. InvalidError: it was revoked already or has ended.
        """
        who = actor
        with self._unit(programme_id) as session:
            programme, _ = self._begin(session, programme_id, who, "view", None)
            row = session.get(Delegation, delegation_id) if is_id(delegation_id) else None
            if row is None or row.programme_id != programme_id:
                raise NotFoundError(
                    N_("programme {programme_id} has no delegation {delegation_id}"),
                    programme_id=programme_id,
                    delegation_id=delegation_id,
                )
            self._may_delegate(programme, who, row.signatory_id)
            if row.revoked_at is not None:
                raise InvalidError(N_("this delegation has already been revoked"), field="delegation")
            if row.ends_on < uk_today(self.clock()):
                raise InvalidError(N_("this delegation ended on {ends_on}"), field="delegation", ends_on=row.ends_on)
            row.revoked_at, row.revoked_by_id = self.clock(), who.person_id
            signatory, deputy = session.get_one(Person, row.signatory_id), session.get_one(Person, row.deputy_id)
            self._log(session, programme, who, "deputy_revoked", None, None, "", **_facts(row, signatory, deputy))
            return _view(row, signatory, deputy, who.name)

    def delegations(self, programme_id: int, actor: Actor = SYSTEM) -> tuple[DelegationView, ...]:
        """Every delegation of the programme, newest first.

        Raises:
            NotFoundError, NotAllowedError
        """
        with self.db.read() as session:
            programme, _ = self._load(session, programme_id, lock=False)
            self._authorise(programme, actor, "view")
            sig, dep, rev = aliased(Person), aliased(Person), aliased(Person)
            rows = session.execute(
                select(Delegation, sig, dep, rev.name)
                .join(sig, sig.id == Delegation.signatory_id)
                .join(dep, dep.id == Delegation.deputy_id)
                .outerjoin(rev, rev.id == Delegation.revoked_by_id)
                .where(Delegation.programme_id == programme_id)
                .order_by(Delegation.starts_on.desc(), Delegation.id.desc())
            ).all()
            return tuple(_view(d, s, p, r) for d, s, p, r in rows)

    def acting_for(self, programme_id: int, actor: Actor) -> tuple[DelegationView, ...]:
        """The delegations under which ``actor`` may decide for someone today."""
        today = uk_today(self.clock())
        return tuple(
            d for d in self.delegations(programme_id, actor) if d.deputy_id == actor.person_id and d.runs_on(today)
        )

    def deputising(self, actor: Actor) -> tuple[DelegationView, ...]:
        """Every delegation, in any programme, under which ``actor`` may decide for someone today."""
        today = uk_today(self.clock())
        with self.db.read() as session:
            sig, dep = aliased(Person), aliased(Person)
            rows = session.execute(
                select(Delegation, sig, dep)
                .join(sig, sig.id == Delegation.signatory_id)
                .join(dep, dep.id == Delegation.deputy_id)
                .where(
                    Delegation.deputy_id == actor.person_id,
                    Delegation.revoked_at.is_(None),
                    Delegation.starts_on <= today,
                    Delegation.ends_on >= today,
                )
                .order_by(Delegation.programme_id, Delegation.id)
            ).all()
            return tuple(_view(d, s, p, None) for d, s, p in rows)

    def _may_delegate(self, programme: Programme, actor: Actor, signatory_id: int) -> None:
        held = [r.role for r in programme.roles if r.person_id == actor.person_id]
        if actor.person_id != signatory_id and not may(actor, "manage_deputies", held):
            raise NotAllowedError(
                N_("{actor} may not manage another person's deputies; only they or a programme manager may"),
                actor=actor.name,
            )


def _check_terms(starts_on: date, ends_on: date, reason_kind: str, note: str) -> None:
    check_day(starts_on, "starts_on", Word(N_("start date")))
    check_day(ends_on, "ends_on", Word(N_("end date")))
    if ends_on < starts_on:
        raise InvalidError(
            N_("the end date {ends_on} is before the start date {starts_on}"),
            field="ends_on",
            ends_on=ends_on,
            starts_on=starts_on,
        )
    if reason_kind not in REASON_KINDS:
        raise InvalidError(
            N_("reason '{reason_kind}' is not one of: {kinds}"),
            field="reason_kind",
            reason_kind=reason_kind,
            kinds=tuple(REASON_KINDS),
        )
    no_nul(note, "note")


def _people(session: Session, programme: Programme, signatory_id: int, deputy_id: int) -> tuple[Person, Person]:
    roles: dict[int, set[str]] = {}
    for r in programme.roles:
        roles.setdefault(r.person_id, set()).add(r.role)
    signatory = session.get(Person, signatory_id)
    if signatory is None or not roles.get(signatory_id, set()) - NOT_SIGNING:
        raise InvalidError(
            N_("person {person_id} signs nothing in programme {programme_id}, so has no decisions to delegate"),
            field="signatory",
            person_id=signatory_id,
            programme_id=programme.id,
        )
    deputy = session.get(Person, deputy_id)
    if deputy is None or deputy_id not in roles:
        raise InvalidError(
            N_("{name} is not on programme {programme_id}: only a person already on the programme can be a deputy")
            if deputy
            else N_(
                "person {person_id} is not on programme {programme_id}: only a person already on the programme can "
                "be a deputy"
            ),
            field="deputy",
            name=deputy.name if deputy else None,
            person_id=deputy_id,
            programme_id=programme.id,
        )
    return signatory, deputy


def _refuse_overlap(session: Session, programme_id: int, signatory: Person, starts_on: date, ends_on: date) -> None:
    clash = session.scalars(
        select(Delegation).where(
            Delegation.programme_id == programme_id,
            Delegation.signatory_id == signatory.id,
            Delegation.revoked_at.is_(None),
            Delegation.starts_on <= ends_on,
            Delegation.ends_on >= starts_on,
        )
    ).first()
    if clash is not None:
        raise InvalidError(
            N_(
                "{signatory} already has a deputy from {starts_on} to {ends_on}; delegations must not overlap "
                "(revoke that one first)"
            ),
            field="starts_on",
            signatory=signatory.name,
            starts_on=clash.starts_on,
            ends_on=clash.ends_on,
        )


def _facts(row: Delegation, signatory: Person, deputy: Person) -> dict[str, object]:
    return {
        "delegation": row.id,
        "signatory_id": signatory.id,
        "signatory": signatory.name,
        "deputy_id": deputy.id,
        "deputy": deputy.name,
        "starts_on": row.starts_on.isoformat(),
        "ends_on": row.ends_on.isoformat(),
        "reason_kind": row.reason_kind,
    }


def _view(row: Delegation, signatory: Person, deputy: Person, revoked_by: str | None) -> DelegationView:
    return DelegationView(
        row.id,
        row.programme_id,
        signatory.id,
        signatory.name,
        deputy.id,
        deputy.name,
        row.starts_on,
        row.ends_on,
        row.reason_kind,
        row.note,
        row.created_at,
        row.revoked_at,
        revoked_by,
    )
