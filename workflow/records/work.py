"""What the honest-conversation register waits on, per person, for My work: open objections (for the people
who speak for the declaring partner and for the objector), answers their partner still owes, and their
partner's own declarations when it has made none."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..engine.db import Database
from ..engine.models import Programme, RoleAssignment
from ..engine.permissions import Actor
from ..engine.registry import Registry
from .declarations import SPEAKING_ROLES
from .register import Register, load_registers

#: the figure check that makes a gate ask for the register
CHECK = "declarations_agreed"


@dataclass(frozen=True)
class RegisterTask:
    """One thing a person must act on. ``what``: ``objection_to_you`` (the partner they speak for is objected
    to), ``your_objection`` (it objects), ``answer`` (it has not answered) or ``declare`` (it has not declared).
    ``owner``/``other`` name the partners involved; ``title`` and ``kind`` the item, where there is one."""

    programme_id: int
    programme_name: str
    what: str
    partner_id: int
    partner_name: str
    other_name: str = ""
    declaration_id: int | None = None
    kind: str = ""
    title: str = ""
    comment: str = ""


def register_tasks(db: Database, registry: Registry, actor: Actor) -> list[RegisterTask]:
    """Every register task of the partners the actor speaks for, in programmes that have not ended."""
    if actor.person_id is None:
        return []
    tasks: list[RegisterTask] = []
    with db.read() as session:
        held = session.execute(
            select(RoleAssignment.programme_id, RoleAssignment.partner_id).where(
                RoleAssignment.person_id == actor.person_id, RoleAssignment.role.in_(SPEAKING_ROLES)
            )
        ).all()
        speaks: dict[int, set[int]] = {}
        for programme_id, partner_id in held:
            if partner_id is not None:
                speaks.setdefault(programme_id, set()).add(partner_id)
        programmes = (
            session.scalars(
                select(Programme)
                .where(Programme.id.in_(speaks))
                .options(joinedload(Programme.partners))
                .order_by(Programme.name)
            )
            .unique()
            .all()
        )
        running, checking = [], set()
        for p in programmes:
            definition = registry.pinned(session, p.definition_hash)
            if definition.is_terminal(p.state):
                continue
            running.append(p)
            gate = definition.gates.get(p.state)
            if gate is not None and any(c.figures == CHECK for c in gate.criteria):
                checking.add(p.id)
        registers = load_registers(session, running)
        for p in running:
            tasks += _tasks(p, registers[p.id], speaks[p.id], asked=p.id in checking)
    return tasks


def _tasks(p: Programme, register: Register, mine: set[int], *, asked: bool) -> list[RegisterTask]:
    """Objections always; answers and declarations while the current gate checks the register (``asked``)."""
    found: list[RegisterTask] = []
    for o in register.objections:
        if o.owner_id in mine:
            found.append(
                RegisterTask(
                    p.id,
                    p.name,
                    "objection_to_you",
                    o.owner_id,
                    o.owner_name,
                    o.objector_name,
                    o.declaration_id,
                    o.kind,
                    o.title,
                    o.comment,
                )
            )
        if o.objector_id in mine:
            found.append(
                RegisterTask(
                    p.id,
                    p.name,
                    "your_objection",
                    o.objector_id,
                    o.objector_name,
                    o.owner_name,
                    o.declaration_id,
                    o.kind,
                    o.title,
                    o.comment,
                )
            )
    for a in register.awaited:
        if asked and a.partner_id in mine:
            found.append(
                RegisterTask(
                    p.id,
                    p.name,
                    "answer",
                    a.partner_id,
                    a.partner_name,
                    a.owner_name,
                    a.declaration_id,
                    a.kind,
                    a.title,
                )
            )
    for side in register.missing:
        if asked and side.partner_id in mine:
            found.append(RegisterTask(p.id, p.name, "declare", side.partner_id, side.partner_name))
    return found
