"""What to do next on a programme, for the person looking at it: facts the programme and gate pages lead with.

:func:`next_steps` reads a :class:`~workflow.engine.views.ProgrammeView` (nothing else: no database, no
clock) and answers with the steps open to one person, the first one leading. Each step is a code and its
values (criteria, people, rejections, the requirements that would refuse a move); the words are the web's.
The gate's own report decides what is met, so these steps can never disagree with what a move would do.

Codes: ``decide`` / ``approve_waiver`` (the person is asked to decide on the open request, on the gate or on
waiving the stage), ``decide_for`` (as a deputy), ``record_evidence``, ``complete_figures``,
``request_sign_off``, ``resubmit`` (a rejection stands: correct, then request again), ``chase`` (people still
to decide), ``partner_decisions`` (approvals held until a partner's own decision counts), ``advance``,
``waive``, ``request_waiver``, ``wait`` (nothing for this person to do: ``awaits`` says what the programme
waits on) and ``ended``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .definitions import Criterion
from .gates import REJECT, ApprovalHold, Requirement
from .reasons import Reason
from .views import AskedView, GateView, ProgrammeView, SignOffView

DECIDE = "decide"
APPROVE_WAIVER = "approve_waiver"
DECIDE_FOR = "decide_for"
RECORD_EVIDENCE = "record_evidence"
COMPLETE_FIGURES = "complete_figures"
REQUEST_SIGN_OFF = "request_sign_off"
RESUBMIT = "resubmit"
CHASE = "chase"
PARTNER_DECISIONS = "partner_decisions"
ADVANCE = "advance"
WAIVE = "waive"
REQUEST_WAIVER = "request_waiver"
WAIT = "wait"
ENDED = "ended"

#: Every code a step may carry, for the clients that word them.
CODES = frozenset(
    {
        DECIDE,
        APPROVE_WAIVER,
        DECIDE_FOR,
        RECORD_EVIDENCE,
        COMPLETE_FIGURES,
        REQUEST_SIGN_OFF,
        RESUBMIT,
        CHASE,
        PARTNER_DECISIONS,
        ADVANCE,
        WAIVE,
        REQUEST_WAIVER,
        WAIT,
        ENDED,
    }
)


@dataclass(frozen=True)
class CriterionToMeet:
    """A required criterion of the gate not yet met: by evidence, or by the figure check it names."""

    id: str
    title: str
    figures: str | None = None
    detail: Reason | None = None


@dataclass(frozen=True)
class NextStep:
    """One thing to do. ``possible``: it can be done now (a button); if not, ``blockers`` say why.

    ``subject`` is what the decisions are about ('gate' or 'waiver'); ``people`` who is still asked to decide
    (for ``chase`` and ``wait``; the signatory, for ``decide_for``); ``capacities`` the capacities the person
    is asked in; ``rejections`` the rejections that stand; ``holds`` the partners' decisions that hold
    approvals back; ``awaits`` (for ``wait``) the step the programme waits on.
    """

    code: str
    possible: bool = True
    subject: str = "gate"
    criteria: tuple[CriterionToMeet, ...] = ()
    people: tuple[AskedView, ...] = ()
    capacities: tuple[AskedView, ...] = ()
    rejections: tuple[SignOffView, ...] = ()
    blockers: tuple[Requirement, ...] = ()
    holds: tuple[ApprovalHold, ...] = ()
    awaits: str | None = None


def next_steps(
    view: ProgrammeView,
    criteria: Sequence[Criterion],
    person_id: int | None,
    *,
    manages: bool,
    deputy_for: Iterable[int] = (),
) -> tuple[NextStep, ...]:
    """The steps open to ``person_id`` on ``view``, the one to take first leading (never empty).

    ``criteria`` are the current gate's, from the programme's definition; ``manages``: the person may record
    evidence, request sign-off and move the programme; ``deputy_for``: the signatories the person decides
    for today as their deputy.
    """
    gate = view.gate
    if view.ended or gate is None:
        return (NextStep(ENDED, possible=False),)
    steps = list(_own_decisions(gate, person_id, deputy_for))
    managing = _manager_steps(view, gate, criteria)
    if manages:
        steps += managing
    elif not steps:
        lead = managing[0]
        steps.append(
            NextStep(
                WAIT,
                possible=False,
                subject=lead.subject,
                criteria=lead.criteria,
                people=lead.people if lead.code in (CHASE, WAIT) else gate.waiting_on,
                rejections=lead.rejections,
                holds=lead.holds,
                blockers=lead.blockers,
                awaits=lead.code,
            )
        )
    return tuple(steps)


def _own_decisions(gate: GateView, person_id: int | None, deputy_for: Iterable[int]) -> list[NextStep]:
    """Deciding on the open request: the person's own capacities, then those of whom they deputise for."""
    if not gate.request_open:
        return []
    code = APPROVE_WAIVER if gate.subject == "waiver" else DECIDE
    steps = []
    mine = gate.asked_of(person_id)
    if mine:
        steps.append(NextStep(code, subject=gate.subject, capacities=mine))
    for signatory in dict.fromkeys(deputy_for):
        theirs = gate.asked_of(signatory)
        if theirs and signatory != person_id:
            steps.append(NextStep(DECIDE_FOR, subject=gate.subject, capacities=theirs, people=theirs[:1]))
    return steps


def _manager_steps(view: ProgrammeView, gate: GateView, criteria: Sequence[Criterion]) -> list[NextStep]:
    """What the programme manager can do, the waiver first while it is being asked for or once approved."""
    waiver = gate.waiver_report
    asked = gate.request_open and gate.subject == "waiver"
    waiver_steps: list[NextStep] = []
    if waiver is not None:
        if waiver.passed:
            waiver_steps.append(NextStep(WAIVE, subject="waiver"))
        elif asked:
            waiver_steps += _waiting_round(view, gate, "waiver", waiver.requirements)
        else:
            waiver_steps.append(NextStep(REQUEST_WAIVER, subject="waiver"))
    gate_steps = _gate_steps(view, gate, criteria)
    waiver_first = waiver is not None and not gate.report.passed and (waiver.passed or asked)
    return waiver_steps + gate_steps if waiver_first else gate_steps + waiver_steps


def _gate_steps(view: ProgrammeView, gate: GateView, criteria: Sequence[Criterion]) -> list[NextStep]:
    report = gate.report
    if report.passed:
        return [NextStep(ADVANCE)]
    steps: list[NextStep] = []
    missing = _unmet_criteria(criteria, report.requirements)
    evidence = tuple(c for c in missing if c.figures is None)
    figures = tuple(c for c in missing if c.figures is not None)
    if evidence:
        steps.append(NextStep(RECORD_EVIDENCE, criteria=evidence))
    if figures:
        steps.append(NextStep(COMPLETE_FIGURES, criteria=figures))
    if not missing:
        if gate.request_open and gate.subject == "gate":
            steps += _waiting_round(view, gate, "gate", report.requirements)
        else:
            steps.append(NextStep(REQUEST_SIGN_OFF, rejections=standing_rejections(view, gate, "gate")))
    blockers = tuple(r for r in report.requirements if r.required and not r.met)
    steps.append(NextStep(ADVANCE, possible=False, blockers=blockers, criteria=missing))
    return steps


def _waiting_round(
    view: ProgrammeView, gate: GateView, subject: str, requirements: tuple[Requirement, ...]
) -> list[NextStep]:
    """An open request not yet met: resubmit after a standing rejection, chase whoever is still asked, and
    record the partners' own decisions that hold approvals back."""
    steps: list[NextStep] = []
    rejections = standing_rejections(view, gate, subject)
    if rejections:
        again = REQUEST_WAIVER if subject == "waiver" else RESUBMIT
        steps.append(NextStep(again, subject=subject, rejections=rejections))
    if gate.waiting_on:
        steps.append(NextStep(CHASE, subject=subject, people=gate.waiting_on))
    held = tuple(h for h in gate.report.holds if h.holds) if subject == "gate" else ()
    if held:
        steps.append(NextStep(PARTNER_DECISIONS, holds=held))
    if not steps:
        blockers = tuple(r for r in requirements if r.required and not r.met)
        steps.append(NextStep(WAIT, possible=False, subject=subject, blockers=blockers, awaits=subject))
    return steps


def _unmet_criteria(criteria: Sequence[Criterion], requirements: Iterable[Requirement]) -> tuple[CriterionToMeet, ...]:
    """The required criteria the gate's report finds unmet, with their ids (the report lists criteria in the
    definition's order, by title)."""
    listed = [r for r in requirements if r.kind == "criterion"]
    return tuple(
        CriterionToMeet(c.id, c.title, c.figures, r.detail)
        for c, r in zip(criteria, listed, strict=False)
        if c.id == r.criterion and r.required and not r.met
    )


def standing_rejections(view: ProgrammeView, gate: GateView, subject: str) -> tuple[SignOffView, ...]:
    """The rejections on ``subject`` that still stand: each current holder's latest decision in a capacity,
    on the current evidence, when it is a rejection (it stands until that person approves a resubmission)."""
    held = {(r.person_id, r.role, r.partner_id) for r in view.roles}
    current = {p.id for p in view.current_partners}
    latest: dict[tuple[int, str, int | None], SignOffView] = {}
    for s in sorted(gate.sign_offs, key=lambda s: s.round):
        key = (s.person_id, s.role, s.partner_id)
        on_current = s.subject == subject and s.evidence_rev == view.evidence_rev
        if on_current and key in held and (s.partner_id is None or s.partner_id in current):
            latest[key] = s
    return tuple(s for s in latest.values() if s.decision == REJECT)
