"""The honest-conversation register's use cases: a partner declares its preconditions, red lines and
non-negotiables (or that it has none), revises them, and answers the others' (accepted, or objected with a
comment; an objection may be withdrawn). Each is one change through the engine's unit of work, logged as one
event with its actor; a change re-opens a gate whose figures were checked, as changed evidence does.

Who may act: a person holding a speaking role (signatory, SRO) for the partner concerned speaks for it; a
programme manager may record on a partner's behalf (the event names who did). Everyone on the programme reads.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from ..engine import reasons as R
from ..engine.db import Database
from ..engine.errors import N_, InvalidError, MoveRefusedError, NotAllowedError, NotFoundError, Word
from ..engine.models import Partner, Programme
from ..engine.permissions import Actor
from ..engine.registry import Registry
from ..engine.text import LARGEST_ID, no_nul, single_line
from ..engine.unit_of_work import Change, Listener, ProgrammeChanges
from .models import ACCEPTED, KINDS, OBJECTED, Declaration, DeclarationAnswer, DeclarationNone
from .register import Register, load_register

Clock = Callable[[], datetime]
#: The roles held for a partner that speak for it in the honest conversation.
SPEAKING_ROLES = frozenset({"signatory", "sro"})
TITLE_MAX, REASON_MAX = 300, 4000


class Declarations:
    """The honest-conversation register of every programme."""

    def __init__(
        self,
        db: Database,
        registry: Registry,
        clock: Clock = lambda: datetime.now(UTC),
        listeners: Sequence[Listener] | None = None,
    ) -> None:
        self.db = db
        self.clock = clock
        self.changes = ProgrammeChanges(db, registry, clock, listeners)

    def register(self, programme_id: int, actor: Actor) -> Register:
        """The register as it stands.

        Raises:
            NotFoundError: no such programme, or the actor is not on it.
        """
        with self.db.read() as session:
            programme = visible_programme(session, programme_id, actor)
            return load_register(session, programme)

    def declare(self, programme_id: int, partner_id: int, kind: str, title: str, reason: str, actor: Actor) -> int:
        """``partner`` declares one item; its record of having none, if any, ends. Returns the declaration id.

        Raises:
            InvalidError (naming the field), NotFoundError, NotAllowedError, MoveRefusedError (ended).
        """
        kind, title, reason = _kind(kind), _title(title), _reason(reason)
        with self._change(programme_id, actor, "declaration_made") as change:
            partner = _speaks_for(change, actor, partner_id)
            none = change.session.get(DeclarationNone, (programme_id, partner.id))
            if none is not None:
                change.session.delete(none)
            row = Declaration(
                programme_id=programme_id,
                partner_id=partner.id,
                kind=kind,
                title=title,
                reason=reason,
                revision=1,
                declared_by_id=actor.person_id,
                declared_at=self.clock(),
            )
            change.session.add(row)
            change.session.flush()
            change.data.update(declaration_id=row.id, partner_id=partner.id, partner=partner.name, item_kind=kind)
            change.data.update(item_title=title, item_reason=reason, none_withdrawn=none is not None)
            made = row.id
        return made

    def declare_none(self, programme_id: int, partner_id: int, actor: Actor) -> None:
        """``partner`` records that it has no preconditions, red lines or non-negotiables.

        Raises:
            InvalidError: it has declared items (revise them instead), or is not a current partner.
        """
        with self._change(programme_id, actor, "nothing_declared") as change:
            partner = _speaks_for(change, actor, partner_id)
            count = len(
                change.session.scalars(
                    select(Declaration.id).where(
                        Declaration.programme_id == programme_id, Declaration.partner_id == partner.id
                    )
                ).all()
            )
            if count:
                raise InvalidError(
                    N_("{partner} has declared {count} item(s), so it cannot record that it has none"),
                    field="partner",
                    partner=partner.name,
                    count=count,
                )
            if change.session.get(DeclarationNone, (programme_id, partner.id)) is None:
                change.session.add(
                    DeclarationNone(
                        programme_id=programme_id,
                        partner_id=partner.id,
                        recorded_by_id=actor.person_id,
                        recorded_at=self.clock(),
                    )
                )
            change.data.update(partner_id=partner.id, partner=partner.name)

    def revise(self, programme_id: int, declaration_id: int, kind: str, title: str, reason: str, actor: Actor) -> None:
        """The owner revises a declaration: every other partner is asked again (earlier answers stop counting,
        objections included: this is how an owner resolves one).

        Raises:
            InvalidError, NotFoundError (no such declaration), NotAllowedError.
        """
        kind, title, reason = _kind(kind), _title(title), _reason(reason)
        with self._change(programme_id, actor, "declaration_revised") as change:
            row = _declaration(change, declaration_id)
            partner = _speaks_for(change, actor, row.partner_id)
            before = load_register(change.session, change.programme).declaration(row.id)
            row.kind, row.title, row.reason = kind, title, reason
            row.revision += 1
            row.revised_at = self.clock()
            asked = [a.partner_name for a in before.answers] if before else []
            resolved = [a.partner_name for a in before.answers if a.status == OBJECTED] if before else []
            change.data.update(declaration_id=row.id, partner_id=partner.id, partner=partner.name, item_kind=kind)
            change.data.update(item_title=title, item_reason=reason, revision=row.revision, asked_again=asked)
            change.data.update(objections_resolved=resolved)

    def answer(
        self, programme_id: int, declaration_id: int, partner_id: int, answer: str, comment: str, actor: Actor
    ) -> None:
        """Another partner answers a declaration: ``accepted``, or ``objected`` with a comment saying why.

        Raises:
            InvalidError: a wrong answer, an objection without a comment, or a partner answering its own.
        """
        if answer not in (ACCEPTED, OBJECTED):
            raise InvalidError(
                N_("answer '{answer}' is not one of: {options}"),
                field="answer",
                answer=answer,
                options=(ACCEPTED, OBJECTED),
            )
        comment = no_nul(comment.strip(), "comment", Word(N_("Comment")))
        if answer == OBJECTED and not comment:
            raise InvalidError(N_("Say why the partner objects"), field="comment")
        if len(comment) > REASON_MAX:
            raise InvalidError(N_("Comment must be {most} characters or fewer"), field="comment", most=REASON_MAX)
        with self._change(programme_id, actor, f"declaration_{answer}", comment) as change:
            row = _declaration(change, declaration_id)
            partner = _speaks_for(change, actor, partner_id)
            owner = _partner(change, row.partner_id)
            if partner.id == row.partner_id:
                raise InvalidError(
                    N_("{partner} does not answer its own declaration"), field="partner", partner=partner.name
                )
            self._put_answer(change, row, partner.id, answer, comment, actor)
            change.data.update(declaration_id=row.id, owner_id=owner.id, owner=owner.name, partner_id=partner.id)
            change.data.update(partner=partner.name, item_kind=row.kind, item_title=row.title, revision=row.revision)

    def withdraw_objection(self, programme_id: int, declaration_id: int, partner_id: int, actor: Actor) -> None:
        """The objector withdraws its objection: its answer becomes an acceptance.

        Raises:
            InvalidError: the partner has no open objection to this declaration.
        """
        with self._change(programme_id, actor, "objection_withdrawn") as change:
            row = _declaration(change, declaration_id)
            partner = _speaks_for(change, actor, partner_id)
            found = change.session.scalar(
                select(DeclarationAnswer).where(
                    DeclarationAnswer.declaration_id == row.id, DeclarationAnswer.partner_id == partner.id
                )
            )
            if found is None or found.answer != OBJECTED or found.revision != row.revision:
                raise InvalidError(
                    N_("{partner} has no open objection to this declaration"), field="partner", partner=partner.name
                )
            owner = _partner(change, row.partner_id)
            change.data.update(declaration_id=row.id, owner_id=owner.id, owner=owner.name, partner_id=partner.id)
            change.data.update(partner=partner.name, item_kind=row.kind, item_title=row.title)
            change.data.update(objection=found.comment)
            self._put_answer(change, row, partner.id, ACCEPTED, "", actor)

    # --- mechanics -----------------------------------------------------------------------------------------

    @contextmanager
    def _change(self, programme_id: int, actor: Actor, kind: str, reason: str = "") -> Iterator[Change]:
        """A change to the register: anyone on the programme passes the first check (speaking for a partner is
        checked per partner); the figures gates check change, so an open request on such a gate closes."""
        with self.changes.change(programme_id, actor, "view", kind, reason, figures=True) as change:
            if change.definition.is_terminal(change.programme.state):
                raise MoveRefusedError(programme_id, kind, change.programme.state, [R.reason(R.ENDED)])
            yield change

    def _put_answer(
        self, change: Change, row: Declaration, partner_id: int, answer: str, comment: str, actor: Actor
    ) -> None:
        found = change.session.scalar(
            select(DeclarationAnswer).where(
                DeclarationAnswer.declaration_id == row.id, DeclarationAnswer.partner_id == partner_id
            )
        )
        if found is None:
            found = DeclarationAnswer(declaration_id=row.id, partner_id=partner_id)
            change.session.add(found)
        found.revision, found.answer, found.comment = row.revision, answer, comment
        found.answered_by_id, found.answered_at = actor.person_id, self.clock()


def visible_programme(session: Session, programme_id: int, actor: Actor) -> Programme:
    """The programme, if the actor may see it: admins and the system see all, others those they hold a role in.

    Raises:
        NotFoundError: no such programme, or the actor holds no role in it (it is not theirs to know of).
    """
    programme = (
        session.scalars(
            select(Programme)
            .where(Programme.id == programme_id)
            .options(joinedload(Programme.partners), joinedload(Programme.roles))
        )
        .unique()
        .one_or_none()
        if 0 < programme_id <= LARGEST_ID
        else None
    )
    if programme is None or not (actor.is_admin or any(r.person_id == actor.person_id for r in programme.roles)):
        raise NotFoundError(N_("no programme with id {programme_id}"), programme_id=programme_id)
    return programme


def may_speak_for(programme: Programme, actor: Actor, partner_id: int) -> bool:
    """Whether the actor may declare and answer for the partner: a speaking role for it, a programme manager
    (on the partner's behalf), an admin or the system."""
    if actor.is_admin:
        return True
    held = [(r.role, r.partner_id) for r in programme.roles if r.person_id == actor.person_id]
    return any(role == "programme_manager" or (role in SPEAKING_ROLES and pid == partner_id) for role, pid in held)


def may_speak_for_ids(roles: Iterable[Any], actor: Actor, partner_ids: Iterable[int]) -> frozenset[int]:
    """Of ``partner_ids``, those the actor may speak for, from a programme's role views (``person_id``,
    ``role``, ``partner_id``): a programme manager and an admin speak for every partner."""
    everyone = frozenset(partner_ids)
    if actor.is_admin:
        return everyone
    held = [(r.role, r.partner_id) for r in roles if r.person_id == actor.person_id]
    if any(role == "programme_manager" for role, _ in held):
        return everyone
    return frozenset(pid for role, pid in held if role in SPEAKING_ROLES and pid in everyone)


def _speaks_for(change: Change, actor: Actor, partner_id: int) -> Partner:
    partner = _partner(change, partner_id)
    if not may_speak_for(change.programme, actor, partner.id):
        raise NotAllowedError(
            N_("{actor} may not speak for {partner} in the honest conversation"), actor=actor.name, partner=partner.name
        )
    return partner


def _partner(change: Change, partner_id: int) -> Partner:
    for p in change.programme.partners:
        if p.id == partner_id and p.is_current:
            return p
    raise InvalidError(
        N_("partner {partner_id} is not a current partner of {programme}"),
        field="partner",
        partner_id=partner_id,
        programme=change.programme.name,
    )


def _declaration(change: Change, declaration_id: int) -> Declaration:
    row = change.session.get(Declaration, declaration_id) if 0 < declaration_id <= LARGEST_ID else None
    if row is None or row.programme_id != change.programme.id:
        raise NotFoundError(
            N_("no declaration {declaration_id} in programme {programme_id}"),
            declaration_id=declaration_id,
            programme_id=change.programme.id,
        )
    return row


def _kind(kind: str) -> str:
    if kind not in KINDS:
        raise InvalidError(N_("kind '{kind}' is not one of: {options}"), field="kind", kind=kind, options=tuple(KINDS))
    return kind


def _title(title: str) -> str:
    title = single_line(title.strip(), "title", Word(N_("The item")))
    if not title:
        raise InvalidError(N_("Enter the precondition, red line or non-negotiable"), field="title")
    if len(title) > TITLE_MAX:
        raise InvalidError(N_("The item must be {most} characters or fewer"), field="title", most=TITLE_MAX)
    return title


def _reason(reason: str) -> str:
    reason = no_nul(reason.strip(), "reason", Word(N_("Reason")))
    if not reason:
        raise InvalidError(N_("Enter the reason"), field="reason")
    if len(reason) > REASON_MAX:
        raise InvalidError(N_("The reason must be {most} characters or fewer"), field="reason", most=REASON_MAX)
    return reason
