"""The scope register: the services the partnership shares, and for each partner the services it keeps local
and why (the tri-borough kept planning, licensing and housing single-borough). Programme managers change it,
each change one event through the engine's unit of work; everyone on the programme reads it."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..engine.db import Database
from ..engine.errors import N_, InvalidError, NotFoundError, Word
from ..engine.models import Programme
from ..engine.permissions import Actor
from ..engine.registry import Registry
from ..engine.text import LARGEST_ID, no_nul, single_line
from ..engine.unit_of_work import Listener, ProgrammeChanges
from .declarations import visible_programme
from .models import ScopeLocal, ScopeService

Clock = Callable[[], datetime]
NAME_MAX, TEXT_MAX = 200, 4000
#: the long texts, as a person reads their names, and what is said when one is too long
LABELS = {"description": N_("The description"), "reason": N_("The reason")}
TOO_LONG = {
    "description": N_("The description must be {most} characters or fewer"),
    "reason": N_("The reason must be {most} characters or fewer"),
}


@dataclass(frozen=True)
class ServiceView:
    id: int
    name: str
    description: str


@dataclass(frozen=True)
class LocalView:
    """A service ``partner`` keeps local, and why."""

    id: int
    partner_id: int
    partner_name: str
    service: str
    reason: str


@dataclass(frozen=True)
class ScopeView:
    programme_id: int
    services: tuple[ServiceView, ...]
    local: tuple[LocalView, ...]
    #: the current partners, id to name, in the order they joined
    partners: tuple[tuple[int, str], ...]

    def local_to(self, partner_id: int) -> tuple[LocalView, ...]:
        return tuple(x for x in self.local if x.partner_id == partner_id)


class Scope:
    """The scope register of every programme."""

    def __init__(
        self,
        db: Database,
        registry: Registry,
        clock: Clock = lambda: datetime.now(UTC),
        listeners: Sequence[Listener] | None = None,
    ) -> None:
        self.db = db
        self.changes = ProgrammeChanges(db, registry, clock, listeners)

    def view(self, programme_id: int, actor: Actor) -> ScopeView:
        """The scope as it stands (current partners only).

        Raises:
            NotFoundError: no such programme, or the actor is not on it.
        """
        with self.db.read() as session:
            return load_scope(session, visible_programme(session, programme_id, actor))

    def add_service(self, programme_id: int, name: str, description: str, actor: Actor) -> int:
        """A service comes into the shared scope. Returns its id.

        Raises:
            InvalidError: no name, too long, or already in scope. NotAllowedError: not a programme manager.
        """
        name = _name(name, "name")
        description = _text(description, "description", required=False)
        with self.changes.change(programme_id, actor, "edit", "scope_service_added") as change:
            taken = change.session.scalar(
                select(ScopeService.id).where(ScopeService.programme_id == programme_id, ScopeService.name == name)
            )
            if taken is not None:
                raise InvalidError(N_("'{service}' is already in scope"), field="name", service=name)
            row = ScopeService(programme_id=programme_id, name=name, description=description)
            change.session.add(row)
            change.session.flush()
            change.data.update(service_id=row.id, service=name, description=description)
            added = row.id
        return added

    def remove_service(self, programme_id: int, service_id: int, actor: Actor) -> None:
        """A service leaves the shared scope.

        Raises:
            NotFoundError: no such service in this programme.
        """
        with self.changes.change(programme_id, actor, "edit", "scope_service_removed") as change:
            row = change.session.get(ScopeService, service_id) if 0 < service_id <= LARGEST_ID else None
            if row is None or row.programme_id != programme_id:
                raise NotFoundError(
                    N_("no service {service_id} in the scope of programme {programme_id}"),
                    service_id=service_id,
                    programme_id=programme_id,
                )
            change.data.update(service_id=row.id, service=row.name)
            change.session.delete(row)

    def keep_local(self, programme_id: int, partner_id: int, service: str, reason: str, actor: Actor) -> int:
        """A partner keeps a service local, with its reason. Returns the entry's id.

        Raises:
            InvalidError: not a current partner, no service or reason, or already recorded.
        """
        service = _name(service, "service")
        reason = _text(reason, "reason", required=True)
        with self.changes.change(programme_id, actor, "edit", "scope_local_added", reason) as change:
            partner = next((p for p in change.programme.partners if p.id == partner_id and p.is_current), None)
            if partner is None:
                raise InvalidError(
                    N_("partner {partner_id} is not a current partner"), field="partner", partner_id=partner_id
                )
            taken = change.session.scalar(
                select(ScopeLocal.id).where(
                    ScopeLocal.programme_id == programme_id,
                    ScopeLocal.partner_id == partner.id,
                    ScopeLocal.service == service,
                )
            )
            if taken is not None:
                raise InvalidError(
                    N_("{partner} already keeps '{service}' local"),
                    field="service",
                    partner=partner.name,
                    service=service,
                )
            row = ScopeLocal(programme_id=programme_id, partner_id=partner.id, service=service, reason=reason)
            change.session.add(row)
            change.session.flush()
            change.data.update(local_id=row.id, partner_id=partner.id, partner=partner.name, service=service)
            change.data.update(local_reason=reason)
            added = row.id
        return added

    def remove_local(self, programme_id: int, local_id: int, actor: Actor) -> None:
        """A partner no longer keeps the service local (it may come into scope).

        Raises:
            NotFoundError: no such entry in this programme.
        """
        with self.changes.change(programme_id, actor, "edit", "scope_local_removed") as change:
            row = change.session.get(ScopeLocal, local_id) if 0 < local_id <= LARGEST_ID else None
            if row is None or row.programme_id != programme_id:
                raise NotFoundError(
                    N_("no locally kept service {local_id} in programme {programme_id}"),
                    local_id=local_id,
                    programme_id=programme_id,
                )
            name = next((p.name for p in change.programme.partners if p.id == row.partner_id), "")
            change.data.update(local_id=row.id, partner_id=row.partner_id, partner=name, service=row.service)
            change.session.delete(row)


def load_scope(session: Session, programme: Programme) -> ScopeView:
    partners = tuple((p.id, p.name) for p in programme.partners if p.is_current)
    names = dict(partners)
    services = session.scalars(
        select(ScopeService).where(ScopeService.programme_id == programme.id).order_by(ScopeService.name)
    )
    local = session.scalars(
        select(ScopeLocal).where(ScopeLocal.programme_id == programme.id).order_by(ScopeLocal.service)
    )
    return ScopeView(
        programme.id,
        tuple(ServiceView(s.id, s.name, s.description) for s in services),
        tuple(
            LocalView(x.id, x.partner_id, names[x.partner_id], x.service, x.reason)
            for x in local
            if x.partner_id in names
        ),
        partners,
    )


def _name(value: str, field: str) -> str:
    value = single_line(value.strip(), field, Word(N_("The service")))
    if not value:
        raise InvalidError(N_("Enter the name of the service"), field=field)
    if len(value) > NAME_MAX:
        raise InvalidError(N_("The service must be {most} characters or fewer"), field=field, most=NAME_MAX)
    return value


def _text(value: str, field: str, *, required: bool) -> str:
    """A long text, ``description`` or ``reason`` (only the reason is required)."""
    value = no_nul(value.strip(), field, Word(LABELS[field]))
    if required and not value:
        raise InvalidError(N_("Enter the reason"), field=field)
    if len(value) > TEXT_MAX:
        raise InvalidError(TOO_LONG[field], field=field, most=TEXT_MAX)
    return value
