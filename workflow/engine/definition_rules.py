"""The rules of a lifecycle definition that span the document: every reference between stages, outcomes,
gates, roles and reminders resolves, no id is used twice, and every stage can reach an outcome. Each problem
is a path into the document and what is wrong there; :func:`~.definitions.parse_definition` adds file and line."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from .definitions import BUILT_IN_ROLES, ENGINE_MOVES, Criterion, Definition
from .figures import figure_checks, limits_of
from .kinds import FAMILIES, PARTNER_KINDS
from .kinds import unknown as unknown_kinds

#: A problem: the path of the field in the document, and what is wrong with it.
Found = tuple[tuple[str | int, ...], str]


def semantic_problems(d: Definition) -> Iterator[Found]:
    """Every rule that spans the document: references between stages, outcomes, gates, roles and reminders."""
    yield from _duplicate_ids(d)
    outcome_ids = {o.id for o in d.outcomes}
    yield from _stage_problems(d, outcome_ids)
    yield from _gate_problems(d)
    for i, rule in enumerate(d.reminders):
        for j, stage_id in enumerate(rule.stages or []):
            if stage_id not in d.stage_ids:
                yield ("reminders", i, "stages", j), _unknown("stage", stage_id, d.stage_ids)
    yield from _reachability(d, outcome_ids)


def _stage_problems(d: Definition, outcome_ids: set[str]) -> Iterator[Found]:
    stage_ids = set(d.stage_ids)
    states = stage_ids | outcome_ids
    for i, role in enumerate(d.roles):
        if role.id in BUILT_IN_ROLES:
            yield ("roles", i, "id"), f"'{role.id}' is a built-in role; choose another id"
        for j, name in enumerate(unknown_kinds(role.kinds or [])):
            yield ("roles", i, "kinds", j), _unknown("partner kind or family", name, [*FAMILIES, *PARTNER_KINDS])
        if role.kinds is not None and role.scope != "partner":
            yield ("roles", i, "kinds"), "only a role held per partner ('scope: partner') can be limited to kinds"
    for i, stage in enumerate(d.stages):
        if stage.next is not None and stage.next not in states:
            yield ("stages", i, "next"), _unknown("stage or outcome", stage.next, states)
        for j, target in enumerate(stage.returns_to or []):
            if target not in d.stage_ids[:i]:
                yield ("stages", i, "returns_to", j), _not_earlier(d, i, target)
    last = d.stages[-1]
    if last.next is None:
        yield (
            ("stages", len(d.stages) - 1),
            (
                f"the last stage '{last.id}' has no 'next', so there is no way to finish; "
                f"expected next: one of {', '.join(sorted(outcome_ids))}"
            ),
        )
    for i, outcome in enumerate(d.outcomes):
        if outcome.from_ != "all":
            for j, source in enumerate(outcome.from_):
                if source not in stage_ids:
                    yield ("outcomes", i, "from", j), _unknown("stage", source, stage_ids)
        if outcome.move in ENGINE_MOVES:
            yield ("outcomes", i, "move"), f"'{outcome.move}' is a move the engine owns; choose another verb"
        if outcome.move and not outcome.from_:
            yield ("outcomes", i, "from"), "an outcome with a move needs 'from': stages, or 'all'"
    if d.partners.join_until and d.partners.join_until not in stage_ids:
        yield ("partners", "join_until"), _unknown("stage", d.partners.join_until, stage_ids)
    if d.partners.when_too_few not in outcome_ids:
        yield ("partners", "when_too_few"), _unknown("outcome", d.partners.when_too_few, outcome_ids)


def _gate_problems(d: Definition) -> Iterator[Found]:
    stage_ids = set(d.stage_ids)
    roles = set(BUILT_IN_ROLES) | {r.id for r in d.roles}
    for stage_id, gate in d.gates.items():
        if stage_id not in stage_ids:
            yield ("gates", stage_id), f"a gate for a missing stage '{stage_id}'; stages are: " + ", ".join(d.stage_ids)
            continue
        for rules_key in ("sign_off", "waiver"):
            rules = getattr(gate, rules_key)
            for j, role in enumerate(rules.roles if rules else []):
                if role not in roles:
                    yield ("gates", stage_id, rules_key, "roles", j), _unknown("role", role, roles)
        for j, criterion in enumerate(gate.criteria):
            yield from _figure_problems(("gates", stage_id, "criteria", j), criterion)
        for j, rule in enumerate(gate.decisions):
            for k, name in enumerate(unknown_kinds(rule.kinds or [])):
                where = ("gates", stage_id, "decisions", j, "kinds", k)
                yield where, _unknown("partner kind or family", name, [*FAMILIES, *PARTNER_KINDS])
        if gate.waiver and not d.stage_by_id[stage_id].optional:
            yield ("gates", stage_id, "waiver"), f"stage '{stage_id}' is not optional, so it cannot be waived"
    for i, stage in enumerate(d.stages):
        if stage.id not in d.gates:
            yield ("stages", i), f"stage '{stage.id}' has no gate; expected gates.{stage.id} with criteria"
        elif stage.optional and d.gates[stage.id].waiver is None:
            yield ("gates", stage.id), f"optional stage '{stage.id}' needs a 'waiver' with its sign-off rules"


def _duplicate_ids(d: Definition) -> Iterator[Found]:
    groups: list[tuple[str, list[Any]]] = [
        ("stages", d.stages),
        ("outcomes", d.outcomes),
        ("roles", d.roles),
        ("reminders", d.reminders),
    ]
    seen_states: dict[str, str] = {}
    for key, items in groups:
        seen: dict[str, int] = {}
        for i, item in enumerate(items):
            if item.id in seen:
                yield (key, i, "id"), f"duplicate id '{item.id}' (also {key}[{seen[item.id]}])"
            seen.setdefault(item.id, i)
            if key in ("stages", "outcomes"):
                if item.id in seen_states and seen_states[item.id] != key:
                    yield (key, i, "id"), f"duplicate id '{item.id}': a stage and an outcome share it"
                seen_states.setdefault(item.id, key)
    for stage_id, gate in d.gates.items():
        seen = {}
        for i, criterion in enumerate(gate.criteria):
            if criterion.id in seen:
                yield (
                    ("gates", stage_id, "criteria", i, "id"),
                    (f"duplicate id '{criterion.id}' (also criteria[{seen[criterion.id]}])"),
                )
            seen.setdefault(criterion.id, i)
    moves: dict[str, int] = {}
    for i, outcome in enumerate(d.outcomes):
        if outcome.move in moves:
            yield ("outcomes", i, "move"), (f"duplicate move '{outcome.move}' (also outcomes[{moves[outcome.move]}])")
        if outcome.move:
            moves.setdefault(outcome.move, i)


def _reachability(d: Definition, outcome_ids: set[str]) -> Iterator[Found]:
    """Every stage must lie on the path that ``advance`` takes from the first stage to an outcome."""
    if len(set(d.stage_ids)) != len(d.stage_ids) or any(
        s.next and s.next not in d.stage_by_id and s.next not in outcome_ids for s in d.stages
    ):
        return  # already reported; the walk below needs sound references
    visited: list[str] = []
    state = d.first_stage
    while state in d.stage_by_id:
        if state in visited:
            yield (
                ("stages", d.stage_ids.index(visited[-1]), "next"),
                (f"advancing from '{visited[-1]}' loops back to '{state}', so there is no way to finish"),
            )
            return
        visited.append(state)
        if d.stage_by_id[state].next is None and state == d.stage_ids[-1]:
            return  # reported as 'no way to finish'
        state = d.next_of(state)
    reached = set(visited) | {state}
    for i, stage in enumerate(d.stages):
        if stage.id not in reached:
            yield (
                ("stages", i),
                (
                    f"stage '{stage.id}' cannot be reached: advancing from '{d.first_stage}' goes "
                    + " -> ".join([*visited, state])
                ),
            )
    moved_to = {outcome for _, outcome, _ in d.outcome_moves()} | {d.partners.when_too_few}
    for i, outcome in enumerate(d.outcomes):
        if outcome.id not in reached and outcome.id not in moved_to:
            yield (
                ("outcomes", i),
                (f"outcome '{outcome.id}' cannot be reached: no stage leads to it and it has no move"),
            )


def _not_earlier(d: Definition, index: int, target: str) -> str:
    stage, earlier = d.stage_ids[index], d.stage_ids[:index]
    if not earlier:
        return f"'{stage}' is the first stage, so it cannot return anywhere; remove 'returns_to'"
    if target in d.stage_by_id:
        return f"'{target}' does not come before '{stage}'; a return goes back to an earlier stage: " + ", ".join(
            earlier
        )
    return _unknown("earlier stage", target, earlier)


def _unknown(what: str, value: str, known: Iterable[str]) -> str:
    options = ", ".join(sorted(known)) or "none"
    return f"unknown {what} '{value}'; expected one of: {options}"


def _figure_problems(path: tuple[str | int, ...], criterion: Criterion) -> Iterator[Found]:
    """The figure check a criterion names exists, and gets exactly the limits it takes."""
    if criterion.figures is None:
        if criterion.years is not None:
            yield (*path, "years"), "'years' is a limit for a figure check; this criterion names none ('figures')"
        return
    check = figure_checks().get(criterion.figures)
    if check is None:
        yield (*path, "figures"), _unknown("figure check", criterion.figures, figure_checks())
        return
    required, optional = limits_of(check)
    given = set(criterion.figure_params)
    for name in sorted(required - given):
        yield (*path, name), f"the figure check '{criterion.figures}' needs '{name}', its limit"
    for name in sorted(given - required - optional):
        yield (*path, name), f"the figure check '{criterion.figures}' takes no '{name}'"
