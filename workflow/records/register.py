"""The honest-conversation register as it stands, read inside the caller's transaction: what each current
partner has declared (or that it has none), every other current partner's answer, and what is still open.

Only current partners count: a partner that withdrew no longer declares or answers, and one that joins later
must declare, and answer the others, before the register is agreed again.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..engine import reasons as R
from ..engine.errors import Worded
from ..engine.models import Partner, Programme
from ..engine.reasons import Reason, reason
from ..words import describe
from .models import ACCEPTED, OBJECTED, Declaration, DeclarationAnswer, DeclarationNone

AWAITING = "awaiting"


@dataclass(frozen=True)
class AnswerView:
    """One partner's answer to a declaration: ``accepted``, ``objected``, or ``awaiting`` (not yet given, or
    given to an earlier revision)."""

    partner_id: int
    partner_name: str
    status: str
    comment: str = ""
    answered_by_id: int | None = None
    answered_at: datetime | None = None


@dataclass(frozen=True)
class DeclarationView:
    id: int
    partner_id: int
    partner_name: str
    kind: str
    title: str
    reason: str
    revision: int
    declared_at: datetime
    revised_at: datetime | None
    answers: tuple[AnswerView, ...]

    @property
    def agreed(self) -> bool:
        return all(a.status == ACCEPTED for a in self.answers)


@dataclass(frozen=True)
class PartnerDeclarations:
    """A current partner's side of the register: ``declared`` (items), ``none`` or ``missing``."""

    partner_id: int
    partner_name: str
    status: str
    declarations: tuple[DeclarationView, ...]


@dataclass(frozen=True)
class Objection:
    """An open objection: ``objector`` objects to ``owner``'s declaration."""

    declaration_id: int
    owner_id: int
    owner_name: str
    objector_id: int
    objector_name: str
    kind: str
    title: str
    comment: str


@dataclass(frozen=True)
class Awaited:
    """An answer still wanted: ``partner`` has not answered ``owner``'s declaration (at its latest revision)."""

    declaration_id: int
    owner_id: int
    owner_name: str
    partner_id: int
    partner_name: str
    kind: str
    title: str


@dataclass(frozen=True)
class Register:
    programme_id: int
    partners: tuple[PartnerDeclarations, ...]
    objections: tuple[Objection, ...]
    awaited: tuple[Awaited, ...]

    @property
    def missing(self) -> tuple[PartnerDeclarations, ...]:
        """Current partners that have declared neither items nor "none"."""
        return tuple(p for p in self.partners if p.status == "missing")

    @property
    def agreed(self) -> bool:
        return not (self.missing or self.objections or self.awaited)

    def declaration(self, declaration_id: int) -> DeclarationView | None:
        return next((d for p in self.partners for d in p.declarations if d.id == declaration_id), None)

    def problems(self) -> tuple[Reason, ...]:
        """What stops the register being agreed, one reason each (``REGISTER_OBJECTION``,
        ``REGISTER_NOT_DECLARED``, ``REGISTER_NOT_ANSWERED``), naming the partners and the items."""
        found = [
            reason(R.REGISTER_OBJECTION, objector=o.objector_name, owner=o.owner_name, item=item(o.kind, o.title))
            for o in self.objections
        ]
        found += [reason(R.REGISTER_NOT_DECLARED, partner=p.partner_name) for p in self.missing]
        found += [
            reason(R.REGISTER_NOT_ANSWERED, partner=a.partner_name, owner=a.owner_name, item=item(a.kind, a.title))
            for a in self.awaited
        ]
        return tuple(found)


def item(kind: str, title: str) -> Reason:
    """A declared item, ``red line 'no job losses in year one'`` in words."""
    return reason(R.DECLARATION_ITEM, kind=reason(R.DECLARATION_KIND, kind=kind), title=title)


def current_partners(programme: Programme) -> list[Partner]:
    return [p for p in programme.partners if p.is_current]


def load_register(session: Session, programme: Programme) -> Register:
    """The register of ``programme`` for its current partners."""
    return load_registers(session, [programme])[programme.id]


def load_registers(session: Session, programmes: Sequence[Programme]) -> dict[int, Register]:
    """The registers of many programmes in three queries, by programme id (My work reads them all at once)."""
    ids = [p.id for p in programmes]
    rows: dict[int, list[Declaration]] = defaultdict(list)
    for d in session.scalars(select(Declaration).where(Declaration.programme_id.in_(ids)).order_by(Declaration.id)):
        rows[d.programme_id].append(d)
    answers: dict[tuple[int, int], DeclarationAnswer] = {
        (a.declaration_id, a.partner_id): a
        for a in session.scalars(select(DeclarationAnswer).join(Declaration).where(Declaration.programme_id.in_(ids)))
    }
    nones: dict[int, set[int]] = defaultdict(set)
    for programme_id, partner_id in session.execute(
        select(DeclarationNone.programme_id, DeclarationNone.partner_id).where(DeclarationNone.programme_id.in_(ids))
    ):
        nones[programme_id].add(partner_id)
    return {p.id: _register(p, rows[p.id], answers, nones[p.id]) for p in programmes}


def _register(
    programme: Programme,
    rows: list[Declaration],
    answers: dict[tuple[int, int], DeclarationAnswer],
    nones: set[int],
) -> Register:
    partners = {p.id: p.name for p in current_partners(programme)}
    views = [_view(d, partners, answers) for d in rows if d.partner_id in partners]
    sides = []
    for pid, name in partners.items():
        own = tuple(v for v in views if v.partner_id == pid)
        status = "declared" if own else "none" if pid in nones else "missing"
        sides.append(PartnerDeclarations(pid, name, status, own))
    objections = tuple(
        Objection(d.id, d.partner_id, d.partner_name, a.partner_id, a.partner_name, d.kind, d.title, a.comment)
        for d in views
        for a in d.answers
        if a.status == OBJECTED
    )
    awaited = tuple(
        Awaited(d.id, d.partner_id, d.partner_name, a.partner_id, a.partner_name, d.kind, d.title)
        for d in views
        for a in d.answers
        if a.status == AWAITING
    )
    return Register(programme.id, tuple(sides), objections, awaited)


def _view(
    d: Declaration, partners: dict[int, str], answers: dict[tuple[int, int], DeclarationAnswer]
) -> DeclarationView:
    given = []
    for pid, name in partners.items():
        if pid == d.partner_id:
            continue
        a = answers.get((d.id, pid))
        if a is None or a.revision != d.revision:
            given.append(AnswerView(pid, name, AWAITING))
        else:
            given.append(AnswerView(pid, name, a.answer, a.comment, a.answered_by_id, a.answered_at))
    return DeclarationView(
        d.id,
        d.partner_id,
        partners[d.partner_id],
        d.kind,
        d.title,
        d.reason,
        d.revision,
        d.declared_at,
        d.revised_at,
        tuple(given),
    )


def declarations_agreed(session: Session, programme_id: int) -> tuple[bool, str]:
    """The figure check ``declarations_agreed`` (a ``banns.figures`` entry point): every current partner has
    declared (items, or that it has none) and every declaration is accepted by every other current partner.

    A figure check says why as text (a decision pack keeps it as it was said): this one gives the English of
    :func:`agreement`'s reason, carrying the reason itself, which pages render in their reader's language."""
    agreed, why = agreement(session, programme_id)
    return agreed, Worded(describe(why), why)


def agreement(session: Session, programme_id: int) -> tuple[bool, Reason]:
    """Whether the register of the programme is agreed, and why as a reason (``REGISTER_AGREED``,
    ``REGISTER_OPEN`` with the problems, or ``REGISTER_NO_PROGRAMME``)."""
    programme = session.get(Programme, programme_id)
    if programme is None:
        return False, reason(R.REGISTER_NO_PROGRAMME, programme_id=programme_id)
    register = load_register(session, programme)
    problems = register.problems()
    if problems:
        return False, reason(R.REGISTER_OPEN, problems=problems)
    return True, reason(R.REGISTER_AGREED, count=sum(len(p.declarations) for p in register.partners))
