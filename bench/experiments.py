"""Bench-only variants of the engine's hot path, to measure proposed changes before making them.

Each variant subclasses :class:`workflow.programmes.Programmes` and overrides one step; ``workflow/`` is
not touched. They must give the same result as the engine (the benchmark checks every advance lands on
the next stage); ``no view`` alone changes the API (it returns nothing) and only bounds what the view costs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session, joinedload, selectinload

from bench.prepare import Preparer
from bench.targets import Target
from workflow import gates as g
from workflow.db import Database
from workflow.definitions import Definition
from workflow.errors import NotFoundError
from workflow.machine import Move, lifecycle_for
from workflow.models import Evidence, Programme, SignOff
from workflow.permissions import Actor
from workflow.programmes import Programmes, _judge
from workflow.registry import Registry
from workflow.view_builder import build_view
from workflow.views import ProgrammeView


class _Move(Programmes):
    """The engine's ``_move``, with its steps as methods a variant can replace."""

    def _move(self, programme_id: int, actor: Actor, trigger: str, kind: str, reason: str,
              expected_version: int | None, action: str | None = None, **kwargs: Any) -> ProgrammeView:
        with self._unit(programme_id) as session:
            programme, definition = self._begin(session, programme_id, actor, action or trigger, expected_version)
            before = programme.state
            inputs = self._gate_inputs(session, programme, definition, "waiver" if trigger == "waive" else "gate")
            move = Move(programme.id, before, judge=_judge(definition, before, inputs))
            after = lifecycle_for(definition).fire(move, trigger, **kwargs)
            self._enter(programme, after)
            self._log(session, programme, actor, kind, before, after, reason, move=trigger)
            return self._view_after_move(session, programme, definition)

    def _view_after_move(self, session: Session, programme: Programme, definition: Definition) -> ProgrammeView:
        return build_view(session, programme, definition)


class NoView(_Move):
    """Upper bound of skipping the view: flush and return nothing."""

    def _view_after_move(self, session: Session, programme: Programme, definition: Definition) -> Any:
        session.flush()
        return None


class _NoSignOffs:
    """A session for :func:`build_view` right after a move: the new visit has no sign-offs yet, so the
    query for them is answered without asking the database."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def execute(self, statement: Any, *args: Any, **kwargs: Any) -> Any:
        if any(getattr(f, "name", None) == SignOff.__tablename__ for f in statement.columns_clause_froms):
            return _Empty()
        return self._session.execute(statement, *args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._session, name)


class _Empty:
    def all(self) -> list[Any]:
        return []


class LeanView(_Move):
    """After a move the programme is on a new visit (``stage_visit`` just increased): skip its sign-offs."""

    def _view_after_move(self, session: Session, programme: Programme, definition: Definition) -> ProgrammeView:
        return build_view(_NoSignOffs(session), programme, definition)  # type: ignore[arg-type]


class JoinedPartners(_Move):
    """Load partners in the programme's own query (a join) instead of a second ``selectin`` query."""

    _load_stmt = select(Programme).where(Programme.id == bindparam("pid")).options(
        joinedload(Programme.partners), selectinload(Programme.roles), selectinload(Programme.plans))

    def _load(self, session: Session, programme_id: int, *, lock: bool) -> tuple[Programme, Definition]:
        stmt = self._load_stmt.with_for_update(of=Programme) if lock else self._load_stmt
        programme = session.scalars(stmt, {"pid": programme_id}).unique().one_or_none()
        if programme is None:
            raise NotFoundError(f"no programme with id {programme_id}")
        return programme, self.registry.pinned(session, programme.definition_hash)


_SIGN_OFFS = select(SignOff.person_id, SignOff.role, SignOff.partner_id, SignOff.decision, SignOff.comment,
                    SignOff.round).where(
    SignOff.programme_id == bindparam("pid"), SignOff.stage == bindparam("stage"),
    SignOff.stage_visit == bindparam("visit"), SignOff.subject == bindparam("subject"),
    SignOff.evidence_rev == bindparam("rev"))
_EVIDENCED = select(Evidence.criterion).where(
    Evidence.programme_id == bindparam("pid"), Evidence.stage == bindparam("stage")).distinct()


class Prebuilt(JoinedPartners):
    """Statements built once at import with bound parameters, not rebuilt on every call."""

    def _gate_inputs(self, session: Session, programme: Programme, definition: Definition,
                     subject: str) -> g.GateInputs:
        current = {p.id: p.name for p in programme.partners if p.withdrawn_at is None}
        holders: dict[g.Capacity, set[int]] = {}
        names: dict[int, str] = {}
        for r in programme.roles:
            if r.partner_id is None or r.partner_id in current:
                holders.setdefault(g.Capacity(r.role, r.partner_id), set()).add(r.person_id)
                names[r.person_id] = r.person.name
        where = {"pid": programme.id, "stage": programme.state}
        decisions = session.execute(_SIGN_OFFS, {**where, "visit": programme.stage_visit, "subject": subject,
                                                 "rev": programme.evidence_rev})
        evidenced = frozenset(session.scalars(_EVIDENCED, where)) if subject == "gate" else frozenset()
        return g.GateInputs(
            partners=current, holders={cap: frozenset(ids) for cap, ids in holders.items()}, evidenced=evidenced,
            decisions=tuple(g.Decision(pid, names.get(pid, f"person {pid}"), g.Capacity(role, partner), dec,
                                       comment, rnd) for pid, role, partner, dec, comment, rnd in decisions))


class Combined(Prebuilt, LeanView):
    """Joined partners, prebuilt statements and the lean view together (the API unchanged)."""


#: Measured side by side with the engine; the last three add up (each includes the one before).
VARIANTS: dict[str, type[Programmes]] = {
    "no view (bound)": NoView,
    "lean view": LeanView,
    "joined partners": JoinedPartners,
    "+ prebuilt statements": Prebuilt,
    "+ lean view (same API)": Combined,
}


def check(target: Target, folder: Path) -> list[str]:
    """Each variant's view after an advance, against the engine's view of the same programme reloaded.

    Raises:
        AssertionError: a variant that keeps the API returned a different view.
    """
    preparer = Preparer(target, folder)
    db = Database(target.url)
    try:
        reference = Programmes(db, Registry(folder))
        for name, cls in VARIANTS.items():
            programme_id = preparer.ready(1)[0]
            view = cls(db, Registry(folder)).advance(programme_id)
            assert view is None or view == reference.get(programme_id), f"{name}: the view differs"
    finally:
        db.dispose()
        preparer.dispose()
    return [f"  {target.name}: every variant that returns a view returned the engine's view of the same programme"]
