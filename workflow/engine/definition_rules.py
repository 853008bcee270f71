"""The rules of a lifecycle definition that span the document: every reference between stages, outcomes,
gates, roles and reminders resolves, no id is used twice, and every stage can reach an outcome. Each problem
is a path into the document and what is wrong there; :func:`~.definitions.parse_definition` adds file and line."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from .definitions import BUILT_IN_ROLES, ENGINE_MOVES, Criterion, Definition
from .errors import N_, Word
from .figures import figure_checks, limits_of
from .kinds import FAMILIES, PARTNER_KINDS
from .kinds import unknown as unknown_kinds

#: A problem: the path of the field in the document, and what is wrong with it (a msgid and its values).
Found = tuple[tuple[str | int, ...], str, dict[str, Any]]

#: What a name refers to, where it refers to nothing (see :func:`_unknown`).
UNKNOWN = {
    "stage": N_("unknown stage '{name}'; expected one of: {options}"),
    "outcome": N_("unknown outcome '{name}'; expected one of: {options}"),
    "stage or outcome": N_("unknown stage or outcome '{name}'; expected one of: {options}"),
    "earlier stage": N_("unknown earlier stage '{name}'; expected one of: {options}"),
    "role": N_("unknown role '{name}'; expected one of: {options}"),
    "partner kind or family": N_("unknown partner kind or family '{name}'; expected one of: {options}"),
    "figure check": N_("unknown figure check '{name}'; expected one of: {options}"),
}


def semantic_problems(d: Definition) -> Iterator[Found]:
    """Every rule that spans the document: references between stages, outcomes, gates, roles and reminders."""
    yield from _duplicate_ids(d)
    outcome_ids = {o.id for o in d.outcomes}
    yield from _stage_problems(d, outcome_ids)
    yield from _gate_problems(d)
    for i, rule in enumerate(d.reminders):
        for j, stage_id in enumerate(rule.stages or []):
            if stage_id not in d.stage_ids:
                yield ("reminders", i, "stages", j), *_unknown("stage", stage_id, d.stage_ids)
    yield from _reachability(d, outcome_ids)


def _stage_problems(d: Definition, outcome_ids: set[str]) -> Iterator[Found]:
    stage_ids = set(d.stage_ids)
    states = stage_ids | outcome_ids
    for i, role in enumerate(d.roles):
        if role.id in BUILT_IN_ROLES:
            yield ("roles", i, "id"), N_("'{role}' is a built-in role; choose another id"), {"role": role.id}
        for j, name in enumerate(unknown_kinds(role.kinds or [])):
            yield ("roles", i, "kinds", j), *_unknown("partner kind or family", name, [*FAMILIES, *PARTNER_KINDS])
        if role.kinds is not None and role.scope != "partner":
            yield (
                ("roles", i, "kinds"),
                N_("only a role held per partner ('scope: partner') can be limited to kinds"),
                {},
            )
    for i, stage in enumerate(d.stages):
        if stage.next is not None and stage.next not in states:
            yield ("stages", i, "next"), *_unknown("stage or outcome", stage.next, states)
        for j, target in enumerate(stage.returns_to or []):
            if target not in d.stage_ids[:i]:
                yield ("stages", i, "returns_to", j), *_not_earlier(d, i, target)
    last = d.stages[-1]
    if last.next is None:
        yield (
            ("stages", len(d.stages) - 1),
            N_(
                "the last stage '{stage}' has no 'next', so there is no way to finish; expected next: one of {outcomes}"
            ),
            {"stage": last.id, "outcomes": tuple(sorted(outcome_ids))},
        )
    for i, outcome in enumerate(d.outcomes):
        if outcome.from_ != "all":
            for j, source in enumerate(outcome.from_):
                if source not in stage_ids:
                    yield ("outcomes", i, "from", j), *_unknown("stage", source, stage_ids)
        if outcome.move in ENGINE_MOVES:
            yield (
                ("outcomes", i, "move"),
                N_("'{move}' is a move the engine owns; choose another verb"),
                {"move": outcome.move},
            )
        if outcome.move and not outcome.from_:
            yield ("outcomes", i, "from"), N_("an outcome with a move needs 'from': stages, or 'all'"), {}
    if d.partners.join_until and d.partners.join_until not in stage_ids:
        yield ("partners", "join_until"), *_unknown("stage", d.partners.join_until, stage_ids)
    if d.partners.when_too_few not in outcome_ids:
        yield ("partners", "when_too_few"), *_unknown("outcome", d.partners.when_too_few, outcome_ids)


def _gate_problems(d: Definition) -> Iterator[Found]:
    stage_ids = set(d.stage_ids)
    roles = set(BUILT_IN_ROLES) | {r.id for r in d.roles}
    for stage_id, gate in d.gates.items():
        if stage_id not in stage_ids:
            message = N_("a gate for a missing stage '{stage}'; stages are: {stages}")
            yield ("gates", stage_id), message, {"stage": stage_id, "stages": tuple(d.stage_ids)}
            continue
        for rules_key in ("sign_off", "waiver"):
            rules = getattr(gate, rules_key)
            for j, role in enumerate(rules.roles if rules else []):
                if role not in roles:
                    yield ("gates", stage_id, rules_key, "roles", j), *_unknown("role", role, roles)
        for j, criterion in enumerate(gate.criteria):
            yield from _figure_problems(("gates", stage_id, "criteria", j), criterion)
        for j, rule in enumerate(gate.decisions):
            for k, name in enumerate(unknown_kinds(rule.kinds or [])):
                where = ("gates", stage_id, "decisions", j, "kinds", k)
                yield where, *_unknown("partner kind or family", name, [*FAMILIES, *PARTNER_KINDS])
        if gate.waiver and not d.stage_by_id[stage_id].optional:
            message = N_("stage '{stage}' is not optional, so it cannot be waived")
            yield ("gates", stage_id, "waiver"), message, {"stage": stage_id}
    for i, stage in enumerate(d.stages):
        if stage.id not in d.gates:
            yield (
                ("stages", i),
                N_("stage '{stage}' has no gate; expected gates.{stage} with criteria"),
                {"stage": stage.id},
            )
        elif stage.optional and d.gates[stage.id].waiver is None:
            message = N_("optional stage '{stage}' needs a 'waiver' with its sign-off rules")
            yield ("gates", stage.id), message, {"stage": stage.id}


#: An id given twice in a list (values: id, key: the list, index: where it was first given).
DUPLICATE_ID = N_("duplicate id '{id}' (also {key}[{index}])")


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
                yield (key, i, "id"), DUPLICATE_ID, {"id": item.id, "key": key, "index": seen[item.id]}
            seen.setdefault(item.id, i)
            if key in ("stages", "outcomes"):
                if item.id in seen_states and seen_states[item.id] != key:
                    yield (key, i, "id"), N_("duplicate id '{id}': a stage and an outcome share it"), {"id": item.id}
                seen_states.setdefault(item.id, key)
    for stage_id, gate in d.gates.items():
        seen = {}
        for i, criterion in enumerate(gate.criteria):
            if criterion.id in seen:
                where = ("gates", stage_id, "criteria", i, "id")
                yield where, DUPLICATE_ID, {"id": criterion.id, "key": "criteria", "index": seen[criterion.id]}
            seen.setdefault(criterion.id, i)
    moves: dict[str, int] = {}
    for i, outcome in enumerate(d.outcomes):
        if outcome.move in moves:
            message = N_("duplicate move '{move}' (also outcomes[{index}])")
            yield ("outcomes", i, "move"), message, {"move": outcome.move, "index": moves[outcome.move]}
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
                N_("advancing from '{stage}' loops back to '{target}', so there is no way to finish"),
                {"stage": visited[-1], "target": state},
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
                N_("stage '{stage}' cannot be reached: advancing from '{first}' goes {route}"),
                {"stage": stage.id, "first": d.first_stage, "route": " -> ".join([*visited, state])},
            )
    moved_to = {outcome for _, outcome, _ in d.outcome_moves()} | {d.partners.when_too_few}
    for i, outcome in enumerate(d.outcomes):
        if outcome.id not in reached and outcome.id not in moved_to:
            yield (
                ("outcomes", i),
                N_("outcome '{outcome}' cannot be reached: no stage leads to it and it has no move"),
                {"outcome": outcome.id},
            )


def _not_earlier(d: Definition, index: int, target: str) -> tuple[str, dict[str, Any]]:
    stage, earlier = d.stage_ids[index], d.stage_ids[:index]
    if not earlier:
        return N_("'{stage}' is the first stage, so it cannot return anywhere; remove 'returns_to'"), {"stage": stage}
    if target in d.stage_by_id:
        message = N_("'{target}' does not come before '{stage}'; a return goes back to an earlier stage: {earlier}")
        return message, {"target": target, "stage": stage, "earlier": tuple(earlier)}
    return _unknown("earlier stage", target, earlier)


def _unknown(what: str, value: str, known: Iterable[str]) -> tuple[str, dict[str, Any]]:
    """``value`` names no ``what``: the msgid (:data:`UNKNOWN`) and its values, the names it may take sorted."""
    return UNKNOWN[what], {"name": value, "options": tuple(sorted(known)) or Word(N_("none"))}


def _figure_problems(path: tuple[str | int, ...], criterion: Criterion) -> Iterator[Found]:
    """The figure check a criterion names exists, and gets exactly the limits it takes."""
    if criterion.figures is None:
        if criterion.years is not None:
            yield (
                (*path, "years"),
                N_("'years' is a limit for a figure check; this criterion names none ('figures')"),
                {},
            )
        return
    check = figure_checks().get(criterion.figures)
    if check is None:
        yield (*path, "figures"), *_unknown("figure check", criterion.figures, figure_checks())
        return
    required, optional = limits_of(check)
    check_id = criterion.figures
    given = set(criterion.figure_params)
    for name in sorted(required - given):
        yield (
            (*path, name),
            N_("the figure check '{check}' needs '{limit}', its limit"),
            {"check": check_id, "limit": name},
        )
    for name in sorted(given - required - optional):
        yield (*path, name), N_("the figure check '{check}' takes no '{limit}'"), {"check": check_id, "limit": name}
