"""What a person holds across programmes, as facts: their roles (programme, role, partner) and the
delegations they gave or received that have not ended. Their account page lists these, and an admin sees
them before deactivating the person (with the sign-offs waiting on them: :meth:`.Portfolio.my_work`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import aliased

from .db import Database
from .definitions import Definition
from .errors import BrokenDefinitionError
from .models import Delegation, Partner, Person, Programme, RoleAssignment
from .registry import Registry


@dataclass(frozen=True)
class HeldRole:
    programme_id: int
    programme_name: str
    #: the programme's stage or outcome, by title
    state_title: str
    ended: bool
    role: str
    role_title: str
    partner_name: str | None


@dataclass(frozen=True)
class HeldDelegation:
    id: int
    programme_id: int
    programme_name: str
    signatory_id: int
    signatory_name: str
    deputy_id: int
    deputy_name: str
    starts_on: date
    ends_on: date
    reason_kind: str


@dataclass(frozen=True)
class Holdings:
    roles: tuple[HeldRole, ...]
    #: delegations the person gave (they are the signatory) and received (they are the deputy), not revoked
    #: and not ended before ``today``
    given: tuple[HeldDelegation, ...]
    received: tuple[HeldDelegation, ...]


def holdings(db: Database, registry: Registry, person_id: int, today: date) -> Holdings:
    """Everything ``person_id`` holds on programmes (three queries)."""
    with db.read() as session:
        rows = session.execute(
            select(Programme, RoleAssignment.role, Partner.name)
            .join(RoleAssignment, RoleAssignment.programme_id == Programme.id)
            .outerjoin(Partner, Partner.id == RoleAssignment.partner_id)
            .where(RoleAssignment.person_id == person_id)
            .order_by(Programme.name, Programme.id, RoleAssignment.role)
        ).all()
        definitions: dict[str, Definition | None] = {}
        roles = []
        for programme, role, partner in rows:
            if programme.definition_hash not in definitions:
                try:
                    definitions[programme.definition_hash] = registry.pinned(session, programme.definition_hash)
                except BrokenDefinitionError:  # a lifecycle that no longer reads: ids are shown instead
                    definitions[programme.definition_hash] = None
            d = definitions[programme.definition_hash]
            roles.append(
                HeldRole(
                    programme.id,
                    programme.name,
                    _title(d, programme.state),
                    bool(d and d.is_terminal(programme.state)),
                    role,
                    d.role_title.get(role, role.replace("_", " ")) if d else role.replace("_", " "),
                    partner,
                )
            )
        sig, dep = aliased(Person), aliased(Person)
        delegations = session.execute(
            select(Delegation, Programme.name, sig.name, dep.name)
            .join(Programme, Programme.id == Delegation.programme_id)
            .join(sig, sig.id == Delegation.signatory_id)
            .join(dep, dep.id == Delegation.deputy_id)
            .where(
                or_(Delegation.signatory_id == person_id, Delegation.deputy_id == person_id),
                Delegation.revoked_at.is_(None),
                Delegation.ends_on >= today,
            )
            .order_by(Delegation.starts_on, Delegation.id)
        ).all()
        held = [
            HeldDelegation(
                d.id, d.programme_id, name, d.signatory_id, s, d.deputy_id, p, d.starts_on, d.ends_on, d.reason_kind
            )
            for d, name, s, p in delegations
        ]
        return Holdings(
            tuple(roles),
            tuple(h for h in held if h.signatory_id == person_id),
            tuple(h for h in held if h.deputy_id == person_id),
        )


def _title(d: Definition | None, state: str) -> str:
    if d is None or (state not in d.stage_by_id and state not in d.outcome_by_id):
        return state.replace("_", " ").capitalize()
    return d.state_title(state)
