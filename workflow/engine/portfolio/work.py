"""My work, a page at a time: the sign-offs waiting on a person and the gates they manage.

The database picks each page: a sign-off waits on the person when a request is open on a programme in
progress, the person holds a capacity the gate's rules ask for (roles per lifecycle, gate and subject,
worked out from the definitions, which are few), and has not decided in it this round. Only the page's
programmes are then loaded and judged by :mod:`..gates`, so the statements are the same whatever the number
of programmes (a gate whose criteria need the money's figures or the partners' decisions adds its own per
programme on the page, at most a page's worth)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, exists, false, func, or_, select
from sqlalchemy.orm import Session, selectinload

from ..definitions import Definition, SignOffRules
from ..models import Partner, Programme, RoleAssignment, SignOff


@dataclass(frozen=True)
class Paged:
    """Which page of a list, of how many, and how many items in all."""

    page: int
    pages: int
    total: int


def paged(total: int, page: int, per_page: int) -> Paged:
    """The page asked for, kept within the pages there are."""
    pages = max(1, math.ceil(total / per_page))
    return Paged(min(max(page, 1), pages), pages, total)


def asked_roles(definition: Definition, rules: SignOffRules) -> list[tuple[str, frozenset[str] | None]]:
    """The roles ``rules`` ask to sign, each with the partner kinds it is limited to (None: any)."""
    roles = (["signatory"] if rules.each_partner else []) + (["steering_member"] if rules.quorum else [])
    roles += rules.roles
    return [(role, definition.role_kinds.get(role)) for role in dict.fromkeys(roles)]


def _asked(definitions: Iterable[tuple[str, Definition]]) -> ColumnElement[bool]:
    """Whether the role row (joined to its partner) is a capacity the open request's rules ask for."""
    clauses = []
    for source_hash, d in definitions:
        for state, gate in d.gates.items():
            for subject, rules in (("gate", gate.sign_off), ("waiver", gate.waiver)):
                if rules is None:
                    continue
                roles = [
                    and_(RoleAssignment.role == role, Partner.kind.in_(kinds)) if kinds else RoleAssignment.role == role
                    for role, kinds in asked_roles(d, rules)
                ]
                clauses.append(
                    and_(
                        Programme.definition_hash == source_hash,
                        Programme.state == state,
                        Programme.sign_off_subject == subject,
                        or_(*roles),
                    )
                )
    return or_(*clauses) if clauses else false()


def waiting_on(
    person_id: int | None, definitions: Sequence[tuple[str, Definition]], ended: Iterable[str]
) -> Select[int]:
    """The ids of the programmes in progress whose open request waits on the person in some capacity."""
    decided = exists().where(
        SignOff.programme_id == Programme.id,
        SignOff.stage == Programme.state,
        SignOff.stage_visit == Programme.stage_visit,
        SignOff.round == Programme.sign_off_round,
        SignOff.subject == Programme.sign_off_subject,
        SignOff.person_id == person_id,
        SignOff.role == RoleAssignment.role,
        or_(
            SignOff.partner_id == RoleAssignment.partner_id,
            and_(SignOff.partner_id.is_(None), RoleAssignment.partner_id.is_(None)),
        ),
    )
    return (
        select(Programme.id)
        .join(RoleAssignment, RoleAssignment.programme_id == Programme.id)
        .outerjoin(Partner, Partner.id == RoleAssignment.partner_id)
        .where(
            RoleAssignment.person_id == person_id,
            Programme.sign_off_subject.is_not(None),
            Programme.state.not_in(list(ended)),
            or_(RoleAssignment.partner_id.is_(None), Partner.withdrawn_at.is_(None)),
            _asked(definitions),
            ~decided,
        )
        .distinct()
    )


def managed_by(person_id: int | None, ended: Iterable[str]) -> Select[int]:
    """The ids of the programmes in progress the person manages."""
    return select(Programme.id).where(
        Programme.state.not_in(list(ended)),
        Programme.id.in_(
            select(RoleAssignment.programme_id).where(
                RoleAssignment.person_id == person_id, RoleAssignment.role == "programme_manager"
            )
        ),
    )


def page_of(
    session: Session, ids: Select[int], order: Sequence[Any], page: int, per_page: int
) -> tuple[list[Programme], Paged]:
    """One page of the programmes ``ids`` selects, in ``order``, with their partners and people."""
    counted = paged(session.scalar(select(func.count()).select_from(ids.subquery())) or 0, page, per_page)
    programmes = session.scalars(
        select(Programme)
        .where(Programme.id.in_(ids))
        .options(selectinload(Programme.partners), selectinload(Programme.roles))
        .order_by(*order, Programme.id)
        .limit(per_page)
        .offset((counted.page - 1) * per_page)
    ).all()
    return list(programmes), counted
