"""Gate evaluation: do the evidence and the sign-offs meet a gate's rules? Pure: no database, no clock.

The caller gathers a :class:`GateInputs` (current partners, who holds which role, the current evidence, the
decisions that still count) and :func:`evaluate` answers with a :class:`GateReport`: passed or not, and every
unmet item in a programme manager's words, plus the task list the UI shows.

Which decisions count: only those given on the current evidence and the current visit to the stage, the
latest per person and capacity. A rejection blocks the gate until the person who rejected approves a
resubmission; changed evidence asks everyone again.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from . import reasons as R
from .definitions import Criterion, Definition, SignOffRules
from .reasons import Reason, reason

APPROVE = "approve"
REJECT = "reject"


@dataclass(frozen=True)
class Capacity:
    """A role held for a partner (``partner_id``) or for the whole programme (``None``)."""

    role: str
    partner_id: int | None = None


@dataclass(frozen=True)
class Decision:
    person_id: int
    person_name: str
    capacity: Capacity
    decision: str
    comment: str
    round: int


#: An approval hold's status: the partner's approval counts, or why not yet.
COUNTS = "counts"
AWAITING_DECISION = "awaiting_decision"
#: a sign-off's detail when it was given but does not count yet (its partner's own decision holds it back)
HELD = reason(R.SIGN_OFF_HELD)
#: a sign-off's detail when it was rejected
REJECTED = reason(R.SIGN_OFF_REJECTED)


@dataclass(frozen=True)
class ApprovalHold:
    """Whether a partner's approval counts at a gate that asks for a decision of its ``body`` (see
    :mod:`workflow.engine.approval_holds`): ``status`` is ``counts`` or why not (``awaiting_decision``,
    ``in_call_in``, ``called_in``, ...); ``counts_from`` the day it will count, when known."""

    partner_id: int
    body: str
    status: str
    counts_from: date | None = None
    decision_id: int | None = None

    @property
    def holds(self) -> bool:
        return self.status != COUNTS


@dataclass(frozen=True)
class GateInputs:
    """What a gate is judged on. ``partners`` are the current ones only, id to name."""

    partners: Mapping[int, str]
    holders: Mapping[Capacity, frozenset[int]]
    evidenced: frozenset[str]
    decisions: tuple[Decision, ...]
    #: results of the figure checks the criteria name: criterion id -> (met, why: the check's own words)
    figures: Mapping[str, tuple[bool, str]] = field(default_factory=dict)
    #: each current partner's kind (id to kind), for roles limited to some kinds; empty: every role applies
    kinds: Mapping[int, str] = field(default_factory=dict)
    #: per partner and body its decision is asked of: whether its approval counts yet
    holds: tuple[ApprovalHold, ...] = ()


@dataclass(frozen=True)
class Requirement:
    """One line of a gate's task list: a criterion or a sign-off, met or not, with its detail. ``label`` and
    ``detail`` are reasons (:mod:`.reasons`): a code and its values, rendered by :mod:`workflow.words`."""

    kind: str  # "criterion" | "sign_off" | "decision" (of a partner's body, workflow/records)
    label: Reason
    met: bool
    detail: Reason | None = None
    required: bool = True
    #: the criterion's id, for a criterion (what the command line's ``evidence`` takes)
    criterion: str = ""


@dataclass(frozen=True)
class GateReport:
    passed: bool
    unmet: tuple[Reason, ...]
    requirements: tuple[Requirement, ...] = field(default=())
    #: the partners' decisions the gate asks for, and whether each partner's approval counts yet
    holds: tuple[ApprovalHold, ...] = ()


def required_capacities(
    definition: Definition,
    rules: SignOffRules,
    partners: Mapping[int, str],
    kinds: Mapping[int, str] | None = None,
) -> list[Capacity]:
    """Every capacity whose holders are asked to sign under ``rules`` (quorum: each steering member). A role
    limited to some partner kinds is asked only of partners of those kinds (``kinds``: partner id to kind)."""
    wanted: list[Capacity] = []
    if rules.each_partner:
        wanted += [Capacity("signatory", p) for p in partners]
    if rules.quorum:
        wanted += [Capacity("steering_member", p) for p in partners]
    for role in rules.roles:
        if definition.role_scope[role] == "partner":
            wanted += [Capacity(role, p) for p in partners if applies(definition, role, p, kinds)]
        else:
            wanted.append(Capacity(role))
    return list(dict.fromkeys(wanted))


def applies(definition: Definition, role: str, partner_id: int, kinds: Mapping[int, str] | None) -> bool:
    """Whether a partner role is asked of this partner, given its kind (unknown kinds: asked)."""
    limited = definition.role_kinds.get(role)
    return limited is None or kinds is None or partner_id not in kinds or kinds[partner_id] in limited


def still_asked(
    definition: Definition,
    rules: SignOffRules,
    partners: Mapping[int, str],
    holdings: Iterable[tuple[int, Capacity]],
    decided: Iterable[tuple[int, Capacity]],
    kinds: Mapping[int, str] | None = None,
) -> list[tuple[int, Capacity]]:
    """Who is still asked to decide in an open round, and in which capacity: every (person, capacity) that
    ``rules`` ask for, that the person holds (``holdings``), and in which they have not yet decided in this
    round (``decided``). The one answer to "whom are we waiting for" (gate page, my work, reminders)."""
    wanted = set(required_capacities(definition, rules, partners, kinds))
    done = set(decided)
    return [(person, cap) for person, cap in holdings if cap in wanted and (person, cap) not in done]


def evaluate(
    definition: Definition, rules: SignOffRules, criteria: list[Criterion] | None, inputs: GateInputs
) -> GateReport:
    """Judge a gate (or, with ``criteria=None``, a waiver) against its rules."""
    requirements: list[Requirement] = []
    unmet: list[Reason] = []
    _criteria(criteria or [], inputs, requirements, unmet)

    wanted = set(required_capacities(definition, rules, inputs.partners, inputs.kinds))
    per_person = _per_person(inputs.decisions, wanted, inputs.holders)
    latest = _per_capacity(per_person)
    for d in latest.values():
        if d.decision == REJECT:
            capacity = _capacity_label(definition, d.capacity, inputs)
            unmet.append(reason(R.REJECTED_BY, person=d.person_name, capacity=capacity, comment=d.comment))

    held = _held(inputs, requirements, unmet)
    given = {c for c, d in latest.items() if d.decision == APPROVE}
    approvals = {c for c in given if c.partner_id not in held}
    rejected = {c for c, d in latest.items() if d.decision == REJECT}
    if rules.each_partner:
        _per_partner(definition, "signatory", inputs, (approvals, given), rejected, requirements, unmet)
    for role in rules.roles:
        if definition.role_scope[role] == "partner":
            _per_partner(definition, role, inputs, (approvals, given), rejected, requirements, unmet)
        else:
            cap = Capacity(role)
            met = cap in approvals
            holders = inputs.holders.get(cap, frozenset())
            title = definition.role_title[role]
            label = reason(R.ROLE_SIGN_OFF, role=title)
            requirements.append(Requirement("sign_off", label, met, _status(cap, holders, rejected)))
            if not met and cap not in rejected:
                unmet.append(reason(R.AWAITING_ROLE if holders else R.NOBODY_NAMED, role=title))
    if rules.quorum:
        _quorum(rules, inputs, per_person, requirements, unmet)
    holds = tuple(h for h in inputs.holds if h.partner_id in inputs.partners)
    return GateReport(passed=not unmet, unmet=tuple(unmet), requirements=tuple(requirements), holds=holds)


def _criteria(
    criteria: list[Criterion], inputs: GateInputs, requirements: list[Requirement], unmet: list[Reason]
) -> None:
    """The criteria's lines of the task list; the evidence missing and the figures short, as two reasons."""
    missing: list[str] = []
    short: list[Reason] = []
    for criterion in criteria:
        why: Reason | None = None
        if criterion.figures:
            checked = inputs.figures.get(criterion.id)
            met = checked is not None and checked[0]
            why = reason(R.FIGURES_DETAIL, text=checked[1]) if checked else reason(R.FIGURES_NOT_CHECKED)
        else:
            met = criterion.id in inputs.evidenced
        label = reason(R.CRITERION, title=criterion.title)
        requirements.append(
            Requirement("criterion", label, met, why, required=criterion.required, criterion=criterion.id)
        )
        if criterion.required and not met:
            if criterion.figures:
                short.append(reason(R.FIGURES_SHORT_ITEM, title=criterion.title, why=why))
            else:
                missing.append(criterion.title)
    if short:
        unmet.append(reason(R.FIGURES_SHORT, criteria=tuple(short)))
    if missing:
        unmet.append(reason(R.EVIDENCE_MISSING, count=len(missing), titles=tuple(missing)))


def _held(inputs: GateInputs, requirements: list[Requirement], unmet: list[Reason]) -> set[int]:
    """The current partners whose approvals do not count yet, each with a line in the task list."""
    held: set[int] = set()
    for hold in inputs.holds:
        name = inputs.partners.get(hold.partner_id)
        if name is None:
            continue
        body = reason(R.BODY, body=hold.body)
        status = reason(R.HOLD_STATUS, status=hold.status)
        label = reason(R.BODY_DECISION, body=body, partner=name)
        requirements.append(Requirement("decision", label, not hold.holds, status))
        if hold.holds:
            held.add(hold.partner_id)
            unmet.append(reason(R.APPROVAL_HELD, partner=name, body=body, status=status))
    return held


def _per_person(
    decisions: tuple[Decision, ...], wanted: set[Capacity], holders: Mapping[Capacity, frozenset[int]]
) -> dict[tuple[int, Capacity], Decision]:
    """The latest decision of each current holder in each wanted capacity."""
    result: dict[tuple[int, Capacity], Decision] = {}
    for d in sorted(decisions, key=lambda d: d.round):
        if d.capacity in wanted and d.person_id in holders.get(d.capacity, ()):
            result[(d.person_id, d.capacity)] = d
    return result


def _per_capacity(per_person: dict[tuple[int, Capacity], Decision]) -> dict[Capacity, Decision]:
    """The decision that speaks for each capacity: a standing rejection by any holder, else an approval."""
    result: dict[Capacity, Decision] = {}
    for (_, cap), d in sorted(per_person.items(), key=lambda item: item[1].decision == REJECT):
        result[cap] = d  # rejections sort last, so they win
    return result


def _status(cap: Capacity, holders: frozenset[int], rejected: set[Capacity]) -> Reason | None:
    if cap in rejected:
        return REJECTED
    return None if holders else reason(R.NOBODY_HOLDS_ROLE)


def _per_partner(
    definition: Definition,
    role: str,
    inputs: GateInputs,
    approved: tuple[set[Capacity], set[Capacity]],
    rejected: set[Capacity],
    requirements: list[Requirement],
    unmet: list[Reason],
) -> None:
    """``approved``: the approvals that count, and all given (some held back until a partner's own decision)."""
    approvals, given = approved
    waiting: list[str] = []
    nobody: list[str] = []
    title = definition.role_title[role]
    for partner_id, name in inputs.partners.items():
        if not applies(definition, role, partner_id, inputs.kinds):
            continue
        cap = Capacity(role, partner_id)
        met = cap in approvals
        holders = inputs.holders.get(cap, frozenset())
        held = not met and cap in given
        status = HELD if held else _status(cap, holders, rejected)
        requirements.append(Requirement("sign_off", reason(R.PARTNER_SIGN_OFF, role=title, partner=name), met, status))
        if not met and not held and cap not in rejected:
            (waiting if holders else nobody).append(name)
    if waiting:
        unmet.append(reason(R.AWAITING_PARTNERS, role=title, partners=tuple(waiting)))
    if nobody:
        unmet.append(reason(R.NOBODY_NAMED_FOR, role=title, partners=tuple(nobody)))


def _quorum(
    rules: SignOffRules,
    inputs: GateInputs,
    per_person: dict[tuple[int, Capacity], Decision],
    requirements: list[Requirement],
    unmet: list[Reason],
) -> None:
    quorum = rules.quorum
    assert quorum is not None
    members = {m for p in inputs.partners for m in inputs.holders.get(Capacity("steering_member", p), ())}
    steering = {key: d for key, d in per_person.items() if key[1].role == "steering_member"}
    approving = {person for (person, _), d in steering.items() if d.decision == APPROVE}
    needed = quorum.needed(len(members))
    met = len(approving) >= needed
    measure = reason(R.QUORUM_MEASURE, measure=quorum.measure) if quorum.measure in R.QUORUM_MEASURES else None
    if members:
        detail = reason(R.QUORUM_COUNT, approving=len(approving), members=len(members), needed=needed, measure=measure)
    else:
        detail = reason(R.NO_STEERING_MEMBERS)
    requirements.append(Requirement("sign_off", reason(R.QUORUM), met, detail))
    if not met:
        unmet.append(reason(R.QUORUM_NOT_MET, detail=detail))
    if quorum.each_partner_present:
        took_part = {cap.partner_id for (_, cap) in steering}
        absent = [name for p, name in inputs.partners.items() if p not in took_part]
        present = reason(R.ABSENT_PARTNERS, partners=tuple(absent)) if absent else None
        requirements.append(Requirement("sign_off", reason(R.EACH_PARTNER_PRESENT), not absent, present))
        if absent:
            unmet.append(reason(R.NOT_PRESENT, partners=tuple(absent)))


def _capacity_label(definition: Definition, cap: Capacity, inputs: GateInputs) -> Reason:
    title = definition.role_title[cap.role]
    if cap.partner_id is None:
        return reason(R.CAPACITY, role=title)
    return reason(R.CAPACITY_OF_PARTNER, role=title, partner=inputs.partners.get(cap.partner_id))
