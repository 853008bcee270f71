"""The engine's public face: one method per use case, one transaction each, plain data out.

Every change follows the same path (:mod:`.unit_of_work`): lock and load the programme, check the caller may
act and saw the current version, let the lifecycle machine judge the move against the pre-read gate inputs,
write the change and exactly one event, commit. The use cases live by what they own: the gate
(:mod:`.sign_offs`), moves (:mod:`.moves`), partners and people (:mod:`.membership`), staff transfers
(:mod:`.transfers`), publication as open data (:mod:`.publication`). The CLI, the web UI and the scheduler call
these; nothing else opens a write transaction.
"""

from __future__ import annotations

import builtins

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from .deputies import DeputyUseCases
from .errors import N_, BrokenDefinitionError, InvalidError, NotFoundError, Phrase
from .feed import FeedEvent, feed
from .importer import ProgrammeSpec
from .membership import MembershipUseCases
from .models import Event, Person, Programme, RoleAssignment
from .moves import MoveUseCases
from .permissions import SYSTEM, Actor
from .programme_spec import check_spec, new_partner, plan_stages
from .publication import PublicationUseCases
from .sign_offs import GateUseCases
from .text import email_address
from .transfers import TransferUseCases
from .view_builder import build_view, event_view
from .views import EventView, ProgrammeSummary, ProgrammeView
from .yamlsource import Located


class Programmes(GateUseCases, MoveUseCases, MembershipUseCases, TransferUseCases, DeputyUseCases, PublicationUseCases):
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
            return build_view(session, programme, definition, now=self.clock())

    def list(self, actor: Actor = SYSTEM) -> builtins.list[ProgrammeSummary]:
        """Every programme the actor can see, by name."""
        with self.db.read() as session:
            stmt = select(Programme).options(selectinload(Programme.partners)).order_by(Programme.name)
            if not actor.is_admin:
                stmt = stmt.where(
                    Programme.id.in_(
                        select(RoleAssignment.programme_id).where(RoleAssignment.person_id == actor.person_id)
                    )
                )
            result = []
            for p in session.scalars(stmt):
                try:
                    definition = self.registry.pinned(session, p.definition_hash)
                    title, ended = definition.state_title(p.state), definition.is_terminal(p.state)
                except BrokenDefinitionError:  # one unreadable lifecycle does not hide the other programmes
                    title, ended = Phrase(N_("{state} (its lifecycle cannot be read)"), state=p.state), False
                result.append(
                    ProgrammeSummary(
                        id=p.id,
                        name=p.name,
                        definition_id=p.definition_id,
                        state=p.state,
                        state_title=title,
                        ended=ended,
                        stage_entered_at=p.stage_entered_at,
                        partners=tuple(x.name for x in p.partners if x.withdrawn_at is None),
                        version=p.version_id,
                    )
                )
            return result

    def actor(self, email: str) -> Actor:
        """The person with this email, as an actor.

        Raises:
            InvalidError: not an email address. NotFoundError: nobody has that email.
        """
        address = email_address(email)
        with self.db.read() as session:
            person = session.scalar(select(Person).where(Person.email == address))
            if person is None:
                raise NotFoundError(N_("nobody has the email address '{email}'"), email=email)
            return Actor(person.id, person.name, person.is_admin)

    def history(self, programme_id: int, actor: Actor = SYSTEM) -> builtins.list[EventView]:
        """The programme's event log, oldest first."""
        with self.db.read() as session:
            programme, _ = self._load(session, programme_id, lock=False)
            self._authorise(programme, actor, "history")
            rows = session.scalars(select(Event).where(Event.programme_id == programme_id).order_by(Event.seq))
            return [event_view(e) for e in rows]

    def feed(self, actor: Actor, after: int = 0, limit: int = 50) -> builtins.list[FeedEvent]:
        """The events of every programme whose history the actor may read, after the cursor ``after`` (an
        event's global id), oldest first, at most ``limit`` (see :mod:`.feed`)."""
        with self.db.read() as session:
            return feed(session, actor, after, limit)

    # --- starting --------------------------------------------------------------------------------------

    def start(self, spec: ProgrammeSpec, located: Located | None = None, actor: Actor = SYSTEM) -> ProgrammeView:
        """Start a programme at the first stage of the latest version of its definition.

        Raises:
            NotFoundError: no such definition.
            ProgrammeFileError: the spec does not fit the definition (unknown role, partner or stage).
            InvalidError: a programme of that name exists already.
        """
        definition = self.registry.latest(spec.definition)
        check_spec(spec, definition, located)
        now = self.clock()
        with self._unit(None) as session:
            if session.scalar(select(Programme.id).where(Programme.name == spec.name)) is not None:
                raise InvalidError(N_("a programme named '{name}' exists already"), field="name", name=spec.name)
            self.registry.store(session, definition, now)
            programme = Programme(
                name=spec.name,
                description=spec.description,
                definition_id=definition.id,
                definition_version=definition.version,
                definition_hash=definition.source_hash,
                state=definition.first_stage,
                stage_entered_at=now,
                stage_visit=1,
                evidence_rev=0,
                sign_off_round=0,
                last_seq=0,
                created_at=now,
                updated_at=now,
            )
            session.add(programme)
            partners = {p.name: new_partner(p, now) for p in spec.partners}
            programme.partners.extend(partners.values())
            session.flush()
            for person_spec in spec.people:
                person = self._person(session, person_spec.name, person_spec.email, now)
                for role in person_spec.role_specs():
                    partner_id = partners[role.partner].id if role.partner else None
                    session.add(
                        RoleAssignment(
                            programme_id=programme.id, person_id=person.id, role=role.role, partner_id=partner_id
                        )
                    )
            session.add_all(plan_stages(definition, spec, programme.id, now.date()))
            self._log(
                session,
                programme,
                actor,
                "programme_started",
                None,
                programme.state,
                "",
                definition=definition.id,
                definition_version=definition.version,
                definition_hash=definition.source_hash,
                partners=[p.id for p in partners.values()],
            )
            return self._changed(session, programme)
