"""Random sequences of use cases on the example programme, checked after every step against the database:

(a) no gate is passed unless an independent oracle, reading the rows itself, says its rules hold, and no
    advance (or waiver) is refused when the oracle says they hold;
(b) every change of stage writes exactly one stage event, and a refused step writes nothing at all;
(c) replaying the event log gives the stored programme's state;
(d) the view a step returns equals the programme read back afterwards;
(e) the programme manager's next steps offer an advance (or a waiver) as possible exactly when the oracle
    says it would pass.
"""

from __future__ import annotations

import contextlib
import math
import shutil
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from records_support import agree_register
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session, selectinload

from tests.decisions_support import decide_all
from workflow.engine.db import Database
from workflow.engine.definitions import load_definition
from workflow.engine.errors import BannsError, ConflictError, NotAllowedError
from workflow.engine.figures import figure_checks
from workflow.engine.importer import PartnerSpec, load_programme
from workflow.engine.models import Event, Evidence, Partner, Programme, RoleAssignment, SignOff
from workflow.engine.next_steps import next_steps
from workflow.engine.permissions import Actor
from workflow.engine.programmes import Programmes
from workflow.engine.registry import Registry
from workflow.engine.replay import STAGE_CHANGES, Snapshot, replay, snapshot
from workflow.engine.views import ProgrammeView
from workflow.money.service import Finances
from workflow.records.decision_models import DecisionCallIn, PartnerDecision

ROOT = Path(__file__).resolve().parents[2]
DEFINITIONS = ROOT / "definitions"
EXAMPLE = ROOT / "examples" / "northbridge-southmoor.yaml"
MONEY = ROOT / "examples" / "northbridge-southmoor-money.yaml"
DEFINITION = load_definition(DEFINITIONS / "shared-service.yaml")
ROLES = sorted(DEFINITION.role_scope)
REGISTRY = Registry(DEFINITIONS)  # shared: it caches parsed definitions by content
START = datetime(2027, 1, 4, 9, tzinfo=UTC)
EVENT_OF = {"advance": "advanced", "waive": "waived", "return": "returned", "end": "ended"}

# Every action stays possible at every step, but the likely ones follow what a programme manager would do
# next, so that runs get through gates instead of bouncing off the first one. Drastic moves are rare.
ACTIONS = [
    "evidence",
    "request",
    "sign",
    "sign_all",
    "advance",
    "waiver_request",
    "waive",
    "return",
    "withdraw",
    "end",
    "join",
]
LIKELY = {
    "missing evidence": ["evidence"] * 8 + ["advance"],
    "no request": ["request"] * 5 + ["evidence", "sign", "advance"],
    "request open": ["sign"] * 5 + ["sign_all"] * 3 + ["advance"] * 3 + ["evidence", "request"],
    "waiver requested": ["sign"] * 2 + ["sign_all"] * 3 + ["waive"] * 3 + ["advance", "evidence", "request"],
    "optional stage": ["waiver_request"] * 3 + ["waive"],
}


def likely_actions(view: ProgrammeView) -> list[str]:
    if view.gate is None:
        return ACTIONS
    criteria = [r for r in view.gate.report.requirements if r.kind == "criterion"]
    situation = (
        "waiver requested"
        if view.gate.request_open and view.gate.subject == "waiver"
        else "request open"
        if view.gate.request_open
        else "missing evidence"
        if any(r.required and not r.met for r in criteria)
        else "no request"
    )
    extra = LIKELY["optional stage"] if view.gate.waiver_report is not None else []
    return ACTIONS + LIKELY[situation] * 3 + extra


# --- the oracle: gate rules judged straight from the rows ------------------------------------------------


def oracle(session: Session, pid: int, subject: str) -> bool:
    """Whether the current gate (or its waiver) holds, computed without the engine's gate code."""
    programme = session.get(Programme, pid)
    assert programme is not None
    if DEFINITION.is_terminal(programme.state):
        return False
    gate = DEFINITION.gates[programme.state]
    rules = gate.sign_off if subject == "gate" else gate.waiver
    if rules is None:
        return False
    if subject == "gate":
        evidenced = set(
            session.scalars(
                select(Evidence.criterion).where(Evidence.programme_id == pid, Evidence.stage == programme.state)
            )
        )
        if any(c.required and not c.figures and c.id not in evidenced for c in gate.criteria):
            return False
        # criteria met by the programme's own figures (business case, pre-nup, the register), as their checks say
        if any(
            c.required and c.figures and not figure_checks()[c.figures](session, pid, **c.figure_params)[0]
            for c in gate.criteria
        ):
            return False
        # each partner's own body decided (approved, never called in, its meeting weeks ago), where the gate asks
        if not _partners_decided(session, programme, gate):
            return False
    partners = set(
        session.scalars(select(Partner.id).where(Partner.programme_id == pid, Partner.withdrawn_at.is_(None)))
    )
    held = {
        (r.person_id, r.role, r.partner_id)
        for r in session.scalars(select(RoleAssignment).where(RoleAssignment.programme_id == pid))
        if r.partner_id is None or r.partner_id in partners
    }
    latest: dict[tuple[int, str, int | None], str] = {}
    for s in session.scalars(
        select(SignOff)
        .where(
            SignOff.programme_id == pid,
            SignOff.stage == programme.state,
            SignOff.stage_visit == programme.stage_visit,
            SignOff.subject == subject,
            SignOff.evidence_rev == programme.evidence_rev,
        )
        .order_by(SignOff.round)
    ):
        if (s.person_id, s.role, s.partner_id) in held:
            latest[(s.person_id, s.role, s.partner_id)] = s.decision

    wanted: set[tuple[str, int | None]] = set()
    if rules.each_partner:
        wanted |= {("signatory", p) for p in partners}
    if rules.quorum:
        wanted |= {("steering_member", p) for p in partners}
    kind_of = dict(session.execute(select(Partner.id, Partner.kind).where(Partner.programme_id == pid)).all())
    for role in rules.roles:
        if DEFINITION.role_scope[role] != "partner":
            wanted.add((role, None))
            continue
        limited = next((r.kinds for r in DEFINITION.roles if r.id == role), None)
        families = {"council": COUNCIL_KINDS, "nhs": NHS_KINDS, "company": {"company", "mutual"}}
        allowed = None if limited is None else set().union(*(families.get(k, {k}) for k in limited))
        wanted |= {(role, p) for p in partners if allowed is None or kind_of[p] in allowed}
    if any(d == "reject" and (role, partner) in wanted for (_, role, partner), d in latest.items()):
        return False

    def approved(role: str, partner: int | None) -> bool:
        return any(d == "approve" and (ro, pa) == (role, partner) for (_, ro, pa), d in latest.items())

    if not all(approved(role, partner) for role, partner in wanted if role != "steering_member"):
        return False
    if rules.quorum:
        members = {pe for pe, ro, _ in held if ro == "steering_member"}
        approving = {pe for (pe, ro, _), d in latest.items() if ro == "steering_member" and d == "approve"}
        q = rules.quorum
        n = len(members)
        by_share = {"majority": n // 2 + 1, "two_thirds": math.ceil(2 * n / 3), "all": n}
        if q.share is not None:
            needed = max(1, by_share[q.share])
        else:
            needed = q.count if q.count is not None else max(1, math.ceil(q.fraction * n))
        if len(approving) < needed:
            return False
        present = {pa for (_, ro, pa) in latest if ro == "steering_member"}
        if q.each_partner_present and not partners <= present:
            return False
    return True


def _partners_decided(session: Any, programme: Programme, gate: Any) -> bool:
    kinds = dict(
        session.execute(
            select(Partner.id, Partner.kind).where(Partner.programme_id == programme.id, Partner.withdrawn_at.is_(None))
        ).all()
    )
    for rule in gate.decisions:
        for partner, kind in kinds.items():
            if not rule.applies_to(kind):
                continue
            row = session.scalar(
                select(PartnerDecision).where(
                    PartnerDecision.programme_id == programme.id,
                    PartnerDecision.partner_id == partner,
                    PartnerDecision.stage == programme.state,
                    PartnerDecision.stage_visit == programme.stage_visit,
                    PartnerDecision.body == rule.body,
                )
            )
            called = row is not None and session.scalar(
                select(DecisionCallIn.id).where(DecisionCallIn.decision_id == row.id)
            )
            if row is None or row.outcome != "approved" or called:
                return False
    return True


COUNCIL_KINDS = {
    "district_council",
    "county_council",
    "unitary_council",
    "metropolitan_council",
    "london_borough",
    "welsh_council",
    "scottish_council",
    "northern_ireland_council",
}
NHS_KINDS = {
    "nhs_trust",
    "nhs_foundation_trust",
    "integrated_care_board",
    "welsh_health_board",
    "scottish_health_board",
}


def _no_fsync(dbapi_connection: Any, _record: Any) -> None:
    """These throwaway databases need no durability; skipping fsync keeps the run fast on slow disks."""
    dbapi_connection.execute("PRAGMA synchronous=OFF")


# --- one run: a fresh database, the example programme, checked steps -------------------------------------


@dataclass(frozen=True)
class Facts:
    state: str
    stage_visit: int
    version: int
    events: int
    sign_offs: int
    evidence: int
    withdrawn: int


class Run:
    def __init__(self, url: str, programme_exists: bool = True) -> None:
        self.db = Database(url)
        event.listen(self.db.engine, "connect", _no_fsync)
        self.now = 0
        self.programmes = Programmes(self.db, REGISTRY, clock=self.clock)
        self.pid = 1
        self.view = (
            self.programmes.get(self.pid) if programme_exists else self.programmes.start(*load_programme(EXAMPLE))
        )
        self.people = {r.person_name.split()[0].lower(): r.person_id for r in self.view.roles}
        self.pm = self.programmes.actor("priya.shah@northbridge.example")
        self.seen: Counter[str] = Counter()

    def clock(self) -> datetime:
        return START + timedelta(hours=self.now)

    def facts(self, session: Session) -> Facts:
        def count(model: type, *where: object) -> Any:
            return (
                select(func.count()).select_from(model).where(model.programme_id == self.pid, *where).scalar_subquery()
            )  # type: ignore[attr-defined]

        row = session.execute(
            select(
                Programme.state,
                Programme.stage_visit,
                Programme.version_id,
                count(Event),
                count(SignOff),
                count(Evidence),
                count(Partner, Partner.withdrawn_at.is_not(None)),
            ).where(Programme.id == self.pid)
        ).one()
        return Facts(*row)

    def stored(self) -> Snapshot:
        with self.db.read() as session:
            programme = session.scalars(
                select(Programme).where(Programme.id == self.pid).options(selectinload(Programme.partners))
            ).one()
            return snapshot(programme)

    def do(self, kind: str, call: Callable[[], ProgrammeView], stale: bool = False) -> None:
        """Take one step and check (a)-(d) around it."""
        with self.db.read() as session:
            before = self.facts(session)
            holds = {
                subject: oracle(session, self.pid, subject)
                for subject in ("gate", "waiver")
                if kind in ("advance", "waive")
            }
        self.now += 1
        try:
            view = call()
        except BannsError as exc:
            self.refused(kind, exc, before, holds, stale)
            self.seen[f"{kind} refused"] += 1
            return
        assert not stale, f"{kind} with a stale version was accepted"
        if kind == "advance":
            assert holds["gate"], f"advanced from {before.state} though the oracle says its gate is not met"
        if kind == "waive":
            assert holds["waiver"], f"waived {before.state} though the oracle says the waiver is not approved"
        self.seen[kind] += 1
        self.check_log(kind, before)
        assert self.programmes.get(self.pid) == view  # (d)
        with self.db.read() as session:
            if view.gate is not None:
                assert view.gate.report.passed == oracle(session, self.pid, "gate"), view.gate.report.unmet
                self.check_next_steps(session, view)
        self.view = view

    def check_next_steps(self, session: Session, view: ProgrammeView) -> None:
        """(e): what the manager is told to do next never offers a move the engine would refuse, nor hides one."""
        criteria = DEFINITION.gates[view.state].criteria
        steps = next_steps(view, criteria, self.pm.person_id, manages=True)
        possible = {s.code for s in steps if s.possible}
        assert ("advance" in possible) == oracle(session, self.pid, "gate"), [s.code for s in steps]
        assert ("waive" in possible) == oracle(session, self.pid, "waiver"), [s.code for s in steps]

    def refused(self, kind: str, exc: BannsError, before: Facts, holds: dict[str, bool], stale: bool) -> None:
        assert stale or not isinstance(exc, ConflictError), f"{kind}: {exc!r}"  # stale: refused, for any reason
        with self.db.read() as session:
            assert self.facts(session) == before, f"refused {kind} wrote something: {exc}"
        if isinstance(exc, ConflictError | NotAllowedError):
            pass
        elif kind == "advance":
            assert not holds["gate"], f"the oracle says the {before.state} gate holds, but advance was refused: {exc}"
        elif kind == "waive":
            assert not holds["waiver"], f"the oracle says the waiver holds, but waive was refused: {exc}"

    def check_log(self, kind: str, before: Facts) -> None:
        history = self.programmes.history(self.pid)
        assert [e.seq for e in history] == list(range(1, len(history) + 1))
        new = history[before.events :]
        assert new, f"{kind} changed the programme without an event"
        with self.db.read() as session:
            after = self.facts(session)
        stage_events = [e for e in new if e.kind in STAGE_CHANGES]  # (b)
        assert after.stage_visit == before.stage_visit + len(stage_events)
        if after.state != before.state or after.stage_visit != before.stage_visit:
            assert len(stage_events) == 1, [e.kind for e in new]
            assert (stage_events[0].from_state, stage_events[0].to_state) == (before.state, after.state)
        if kind in EVENT_OF:
            assert [e.kind for e in stage_events] == [EVENT_OF[kind]]
        assert replay(history) == self.stored()  # (c)


# --- drawing the actions ---------------------------------------------------------------------------------


def take_step(run: Run, data: st.DataObject) -> None:
    state = run.view.state
    kind = data.draw(st.sampled_from(likely_actions(run.view)), label="action")
    gate = DEFINITION.gates.get(state) or DEFINITION.gates["courtship"]
    pid, pm, p = run.pid, run.pm, run.programmes
    version, stale = run.view.version, data.draw(st.integers(0, 19), label="stale") == 0
    expected = version - 1 if stale else data.draw(st.sampled_from([None, version]), label="expected")
    if kind == "evidence":
        have = {e.criterion for e in run.view.gate.evidence} if run.view.gate else set()
        missing = [c.id for c in gate.criteria if c.required and c.id not in have]
        criterion = data.draw(st.sampled_from(missing or [c.id for c in gate.criteria]), label="criterion")
        run.do(
            kind,
            lambda: p.record_evidence(pid, criterion, "minutes of the meeting", actor=pm, expected_version=expected),
            stale,
        )
    elif kind in ("request", "waiver_request"):
        waiver = kind == "waiver_request"
        run.do(
            kind,
            lambda: p.request_sign_off(
                pid, pm, waiver=waiver, note="clear model" if waiver else "", expected_version=expected
            ),
            stale,
        )
    elif kind == "sign":
        sign_once(run, data)
    elif kind == "sign_all":  # everyone decides, in random order; perhaps one of them rejects
        order = data.draw(st.permutations(sorted(run.people.values())), label="order")
        dissenter = data.draw(st.sampled_from([None] * len(order) + list(order)), label="dissenter")
        for person in order:
            decision = "reject" if person == dissenter else "approve"
            run.do(
                decision,
                lambda person=person, d=decision: p.sign(  # type: ignore[misc]
                    pid, person, d, "the numbers do not add up"
                ),
            )
    elif kind in ("advance", "waive"):
        actor = data.draw(st.sampled_from([pm, pm, pm, Actor(run.people["tom"], "Tom Hardy")]), label="actor")
        move = p.advance if kind == "advance" else (lambda i, a, **kw: p.waive(i, "clear agreed model", a, **kw))
        run.do(kind, lambda: move(pid, actor, expected_version=expected), stale)
    elif kind == "return":
        targets = DEFINITION.return_targets(state) if state in DEFINITION.stage_by_id else []
        to = data.draw(st.sampled_from(targets or DEFINITION.stage_ids), label="return to")
        run.do(
            kind,
            lambda: p.return_to(pid, to, "gate evidence was not good enough", pm, expected_version=expected),
            stale,
        )
    elif kind == "withdraw" and data.draw(st.integers(0, 2), label="really withdraw") == 0:
        partner = data.draw(st.sampled_from([x.id for x in run.view.partners]), label="partner")
        run.do(kind, lambda: p.withdraw(pid, partner, "cabinet voted to leave", pm, expected_version=expected), stale)
    elif kind == "join" and data.draw(st.integers(0, 2), label="really join") == 0:
        join(run, expected, stale)
    elif kind == "end" and data.draw(st.integers(0, 3), label="really end") == 0:
        move = data.draw(st.sampled_from(["abandon", "dissolve"]), label="end move")
        run.do("end", lambda: p.end(pid, move, "no appetite left", pm, expected_version=expected), stale)


def join(run: Run, expected: int | None, stale: bool) -> None:
    """A new partner joins (allowed only early on) and names a signatory who also sits on the steering group."""
    n = len(run.view.partners) + 1
    spec = PartnerSpec(
        name=f"Newtown {n} Council", kind="district_council", population=50_000 + n, net_budget=Decimal("7000000.00")
    )
    run.do("join", lambda: run.programmes.add_partner(run.pid, spec, run.pm, expected_version=expected), stale)
    partner = next((x.id for x in run.view.partners if x.name == spec.name), None)
    if partner is not None:
        email = f"signatory{n}@newtown.example"
        for role in ("signatory", "steering_member"):
            run.do(
                "assign",
                lambda role=role: run.programmes.assign_role(  # type: ignore[misc]
                    run.pid, email, role, partner, run.pm, name=f"Newtown Signatory {n}"
                ),
            )
        run.people[f"newtown{n}"] = run.programmes.actor(email).person_id or 0


def sign_once(run: Run, data: st.DataObject) -> None:
    """A random person decides, usually in every capacity they hold, sometimes naming a role or partner."""
    person = data.draw(st.sampled_from(sorted(run.people.values())), label="person")
    role = data.draw(st.sampled_from([None] * 8 + ROLES), label="role")
    partner = data.draw(st.sampled_from([None] * 8 + [x.id for x in run.view.partners]), label="as partner")
    decision = data.draw(st.sampled_from(["approve"] * 3 + ["reject"]), label="decision")
    comment = data.draw(st.sampled_from(["the numbers do not add up"] * 4 + [""]), label="comment")
    run.do(decision, lambda: run.programmes.sign(run.pid, person, decision, comment, role=role, partner_id=partner))


def walk(run: Run) -> None:
    """Pass the current gate the straightforward way: evidence, request, everyone asked approves, advance."""
    p, start = run.programmes, run.view.state
    agree_register(run.db, REGISTRY, run.clock, run.pid)  # the honest conversation's register: "none" each
    for criterion in DEFINITION.gates[start].criteria:
        p.record_evidence(run.pid, criterion.id, "agreed", actor=run.pm)
    p.request_sign_off(run.pid, run.pm)
    for person in run.people.values():
        with contextlib.suppress(NotAllowedError):
            p.sign(run.pid, person, "approve")
    decide_all(p, run.pid)  # each partner's cabinet, where the gate asks for it
    run.view = p.advance(run.pid, run.pm)
    assert run.view.state == DEFINITION.next_of(start)
    assert replay(p.history(run.pid)) == run.stored()


@pytest.fixture(scope="module")
def starting_points(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Database files with the example programme at each stage, courtship to review, its gates passed by
    :func:`walk`; each example starts on a copy of one of them."""
    folder = tmp_path_factory.mktemp("starting_points")
    shutil.copy(sqlite_template, folder / "work.sqlite3")
    run = Run(f"sqlite:///{folder / 'work.sqlite3'}", programme_exists=False)
    points = []
    partner = {p.name.split()[0]: p.id for p in run.view.partners}
    # Two holders for some capacities, so that one may approve while the other rejects.
    run.programmes.assign_role(run.pid, "fiona.lowe@southmoor.example", "signatory", partner["Southmoor"])
    run.programmes.assign_role(run.pid, "dev.patel@eastvale.example", "steering_member", partner["Eastvale"])
    run.programmes.assign_role(run.pid, "oliver.grant@northbridge.example", "chair")
    # the business case and pre-nup that the outline case and pre-nup gates check
    Finances(run.db, REGISTRY, run.clock).import_figures(run.pid, MONEY.read_text(encoding="utf-8"), str(MONEY))
    run.view = run.programmes.get(run.pid)
    try:
        for i, _stage in enumerate(DEFINITION.stage_ids):
            if i:
                walk(run)
            with run.db.engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            points.append(folder / f"{run.view.state}.sqlite3")
            shutil.copy(folder / "work.sqlite3", points[-1])
    finally:
        run.db.dispose()
    return points


SEEN: Counter[str] = Counter()


def explore(start: Path, data: st.DataObject) -> None:
    """Random steps on a copy of ``start``, each checked; stop soon after the programme ends."""
    with tempfile.TemporaryDirectory() as folder:
        shutil.copy(start, Path(folder) / "banns.sqlite3")
        run = Run(f"sqlite:///{Path(folder) / 'banns.sqlite3'}")
        try:
            for _ in range(data.draw(st.integers(5, 50), label="steps")):
                take_step(run, data)
                if run.view.ended:
                    take_step(run, data)  # one more, to see it refused
                    break
        finally:
            run.db.dispose()
            SEEN.update(run.seen)


@pytest.mark.slow
@settings(max_examples=30, deadline=None)
@given(data=st.data())
def test_random_use_keeps_the_engine_honest(starting_points: list[Path], data: st.DataObject) -> None:
    explore(data.draw(st.sampled_from(starting_points), label="starting point"), data)


@pytest.mark.slow
@settings(max_examples=12, deadline=None)
@given(data=st.data())
def test_random_use_around_an_optional_stage(starting_points: list[Path], data: st.DataObject) -> None:
    optional = [p for p in starting_points if DEFINITION.stage_by_id[p.stem].optional]
    explore(data.draw(st.sampled_from(optional), label="starting point"), data)


@pytest.fixture(scope="module", autouse=True)
def _report_coverage() -> Iterator[None]:
    yield
    print("\nengine property steps:", dict(sorted(SEEN.items())))
