"""Lifecycle definitions: the real ones load, and every kind of mistake is reported at the right line."""

from __future__ import annotations

from pathlib import Path

import pytest

from workflow.engine.definitions import (
    BUILT_IN_ROLES,
    Definition,
    DefinitionError,
    definition_files,
    load_definition,
    parse_definition,
)

ROOT = Path(__file__).resolve().parents[2]
DEFINITIONS = ROOT / "definitions"
BROKEN = ROOT / "tests" / "data" / "definitions" / "broken"

# file -> (line, field, a fragment of the message saying what was expected), read off each file by hand.
EXPECTED: dict[str, tuple[int, str, str]] = {
    "bad_yaml.yaml": (7, "", "not valid YAML"),
    "builtin_role_redefined.yaml": (6, "roles[0].id", "'chair' is a built-in role"),
    "duplicate_criterion_id.yaml": (24, "gates.courtship.criteria[1].id", "duplicate id 'partners_named'"),
    "duplicate_key.yaml": (8, "stages[0].title", "duplicate key (first given on line 7)"),
    "duplicate_move.yaml": (20, "outcomes[2].move", "duplicate move 'abandon'"),
    "duplicate_stage_id.yaml": (8, "stages[1].id", "duplicate id 'courtship'"),
    "empty_file.yaml": (1, "", "the file is empty; expected a mapping"),
    "empty_sign_off.yaml": (24, "gates.courtship.sign_off", "at least one rule: each_partner, quorum"),
    "engine_move.yaml": (16, "outcomes[1].move", "'withdraw' is a move the engine owns"),
    "gate_for_missing_stage.yaml": (33, "gates.prenup", "missing stage 'prenup'; stages are"),
    "invalid_id.yaml": (8, "stages[1].id", "expected lower-case letters, digits and '_'"),
    "join_until_unknown_stage.yaml": (
        6,
        "partners.join_until",
        "unknown stage 'outline_case'; expected one of: courtship, review",
    ),
    "loop.yaml": (10, "stages[1].next", "loops back to 'courtship'"),
    "missing_field.yaml": (26, "gates.review.sign_off", "required but missing"),
    "move_without_from.yaml": (14, "outcomes[1].from", "needs 'from'"),
    "next_unknown_stage.yaml": (8, "stages[0].next", "unknown stage or outcome 'transfer'; expected one of"),
    "no_criteria.yaml": (21, "gates.courtship.criteria", "expected at least 1 item"),
    "no_way_to_finish.yaml": (8, "stages[1]", "no way to finish; expected next: one of abandoned, live"),
    "not_a_mapping.yaml": (2, "", "expected a mapping"),
    "optional_without_waiver.yaml": (20, "gates.courtship", "needs a 'waiver'"),
    "outcome_from_unknown_stage.yaml": (17, "outcomes[1].from[1]", "unknown stage 'transfer'"),
    "quorum_both_count_and_fraction.yaml": (
        26,
        "gates.courtship.sign_off.quorum",
        "exactly one of 'share' (majority, two_thirds or all), 'count' or 'fraction'",
    ),
    "reminder_unknown_stage.yaml": (39, "reminders[0].stages[1]", "unknown stage 'transfer'"),
    "returns_to_later_stage.yaml": (11, "stages[1].returns_to[0]", "earlier stage: courtship"),
    "sign_off_left_empty.yaml": (24, "gates.courtship.sign_off", "expected a mapping of keys, got nothing"),
    "stage_and_outcome_share_id.yaml": (14, "outcomes[1].id", "a stage and an outcome share it"),
    "stage_without_gate.yaml": (8, "stages[1]", "no gate; expected gates.honest_conversation"),
    "unknown_key.yaml": (7, "stages[0].titel", "unknown key 'titel' (did you mean 'title'?)"),
    "unknown_outcome_for_too_few.yaml": (
        7,
        "partners.when_too_few",
        "unknown outcome 'failed'; expected one of: abandoned, live",
    ),
    "unknown_reminder_kind.yaml": (35, "reminders[0].kind", "expected one of: sign_off_pending"),
    "unknown_role.yaml": (27, "gates.courtship.sign_off.roles[0]", "unknown role 's151_officer'"),
    "unknown_role_scope.yaml": (8, "roles[0].scope", "expected 'partner' or 'programme', got 'council'"),
    "unreachable_outcome.yaml": (14, "outcomes[1]", "outcome 'dissolved' cannot be reached"),
    "unreachable_stage.yaml": (9, "stages[1]", "'honest_conversation' cannot be reached"),
    "waiver_on_required_stage.yaml": (26, "gates.courtship.waiver", "not optional, so it cannot be waived"),
    "wrong_type.yaml": (8, "stages[0].planned_days", "expected a whole number, got 'soon'"),
    "zero_version.yaml": (3, "version", "expected a number greater than 0, got 0"),
}

JARGON = ("Input should", "instance of", "after validation", "[key]", "literal[", "constrained-str")

MINIMAL = """\
id: minimal
version: 1
title: Two stages
stages:
  - id: courtship
    title: Courtship
  - id: review
    title: Review
    next: live
outcomes:
  - id: live
    title: Live
  - id: abandoned
    title: Abandoned
    move: abandon
    from: all
gates:
  courtship:
    title: Partners chosen
    criteria:
      - id: partners_named
        title: Partners named
    sign_off:
      each_partner: true
  review:
    title: Reviewed
    criteria:
      - id: benefits_reviewed
        title: Benefits reviewed
    sign_off:
      each_partner: true
"""


@pytest.fixture(scope="module")
def default() -> Definition:
    return load_definition(DEFINITIONS / "shared-service.yaml")


def problems_of(action) -> list[tuple[int | None, str, str]]:
    with pytest.raises(DefinitionError) as caught:
        action()
    return [(p.line, p.field, p.text) for p in caught.value.problems]


def test_every_broken_file_has_an_expectation() -> None:
    on_disk = {p.name for p in BROKEN.iterdir()}
    assert on_disk == set(EXPECTED), "add the new file to EXPECTED (or remove the stale entry)"


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_broken_file_is_refused_at_the_right_line(name: str) -> None:
    line, field, fragment = EXPECTED[name]
    path = BROKEN / name

    with pytest.raises(DefinitionError) as caught:
        load_definition(path)

    problems = caught.value.problems
    matching = [p for p in problems if p.line == line and p.field == field and fragment in p.text]
    assert matching, f"expected {line} {field!r} ~ {fragment!r}; got:\n{caught.value}"
    assert all(p.file == str(path) for p in problems)
    assert not [p for p in problems if any(j in p.text or j in p.field for j in JARGON)]


@pytest.mark.parametrize("name", ["shared-service.yaml", "shared-management.yaml"])
def test_real_definitions_load(name: str) -> None:
    definition = load_definition(DEFINITIONS / name)

    assert definition.id == name.removesuffix(".yaml")
    assert definition.source_file == str(DEFINITIONS / name)
    assert definition.source_text == (DEFINITIONS / name).read_text(encoding="utf-8")


def test_definition_files_finds_both_definitions_and_not_the_readme() -> None:
    files = definition_files([DEFINITIONS])

    assert [f.name for f in files] == ["shared-management.yaml", "shared-service.yaml"]


def test_minimal_definition_parses() -> None:
    definition = parse_definition(MINIMAL, "minimal.yaml")

    assert definition.stage_ids == ["courtship", "review"]
    assert definition.partners.when_too_few == "abandoned"


def test_several_document_wide_mistakes_are_all_reported() -> None:
    text = (
        MINIMAL.replace("    next: live\n", "    next: live\n    returns_to: [review]\n").replace(
            "      each_partner: true\n  review:", "      roles: [s151_officer]\n  review:"
        )
        + "reminders:\n  - id: chase\n    kind: stage_end_approaching\n    days_before: 3\n"
        "    stages: [transfer]\n"
    )

    found = problems_of(lambda: parse_definition(text, "several.yaml"))

    fields = {(line, field) for line, field, _ in found}
    assert (10, "stages[1].returns_to[0]") in fields
    assert (25, "gates.courtship.sign_off.roles[0]") in fields
    assert (37, "reminders[0].stages[0]") in fields


def test_several_field_mistakes_are_all_reported_in_line_order() -> None:
    text = (
        MINIMAL.replace("version: 1", "version: one")
        .replace("    title: Courtship\n", "    title: Courtship\n    optional: maybe\n")
        .replace("    title: Reviewed\n", "    title: Reviewed\n    colour: blue\n")
    )

    found = problems_of(lambda: parse_definition(text, "several.yaml"))

    assert [(line, field) for line, field, _ in found] == [
        (2, "version"),
        (7, "stages[0].optional"),
        (28, "gates.review.colour"),
    ]
    assert "expected true or false, got 'maybe'" in found[1][2]


def test_outcome_from_that_is_neither_list_nor_all_says_both() -> None:
    text = MINIMAL.replace("from: all", "from: everywhere")

    found = problems_of(lambda: parse_definition(text, "from.yaml"))

    assert found == [(16, "outcomes[1].from", "expected a list or 'all', got 'everywhere'")]


def test_reminder_without_kind_lists_the_kinds() -> None:
    text = MINIMAL + "reminders:\n  - id: chase\n    every_days: 7\n"

    found = problems_of(lambda: parse_definition(text, "kind.yaml"))

    assert found == [
        (
            33,
            "reminders[0].kind",
            "is required but missing; expected one of: sign_off_pending, "
            "stage_end_approaching, review_due, transfer_clock, forward_plan_due, call_in_expiring, papers_due",
        )
    ]


def test_unreadable_file_is_a_definition_error(tmp_path: Path) -> None:
    found = problems_of(lambda: load_definition(tmp_path / "absent.yaml"))

    assert found[0][0] is None
    assert "cannot be read" in found[0][2]


def test_source_hash_follows_the_text() -> None:
    first = parse_definition(MINIMAL, "a.yaml")
    again = parse_definition(MINIMAL, "b.yaml")
    changed = parse_definition(MINIMAL + "# a comment is a change too\n", "a.yaml")

    assert len(first.source_hash) == 64
    assert first.source_hash == again.source_hash
    assert changed.source_hash != first.source_hash
    assert changed.source_text.endswith("# a comment is a change too\n")


def test_next_of_walks_every_stage_in_order_to_live(default: Definition) -> None:
    visited, state = [], default.first_stage
    while not default.is_terminal(state):
        visited.append(state)
        state = default.next_of(state)

    assert visited == default.stage_ids
    assert state == "live"
    assert default.next_of("prenup") == "full_case"


@pytest.mark.parametrize("name", ["shared-service.yaml", "shared-management.yaml"])
def test_return_targets_are_earlier_stages(name: str) -> None:
    definition = load_definition(DEFINITIONS / name)

    for index, stage in enumerate(definition.stage_ids):
        assert set(definition.return_targets(stage)) <= set(definition.stage_ids[:index])
    assert definition.return_targets(definition.first_stage) == []


def test_return_targets_default_to_every_earlier_stage(default: Definition) -> None:
    assert default.return_targets("prenup") == ["courtship", "honest_conversation", "outline_case"]


def test_returns_to_narrows_the_targets() -> None:
    definition = load_definition(DEFINITIONS / "shared-management.yaml")

    assert definition.return_targets("senior_team") == ["joint_appointment"]
    assert definition.return_targets("review") == definition.stage_ids[:-1]


def test_outcome_moves(default: Definition) -> None:
    moves = {move: (outcome, sources) for move, outcome, sources in default.outcome_moves()}

    assert moves == {
        "dissolve": ("dissolved", ["transfer", "go_live", "review"]),
        "abandon": ("abandoned", default.stage_ids),
    }


def test_states_titles_and_reminders(default: Definition) -> None:
    assert default.is_terminal("abandoned") and not default.is_terminal("review")
    assert default.state_title("prenup") == "Pre-nuptial agreement"
    assert default.state_title("live") == "Live"
    assert "stage_end" in {r.id for r in default.reminders_for("transfer")}
    assert "stage_end" not in {r.id for r in default.reminders_for("review")}
    assert set(BUILT_IN_ROLES) <= set(default.role_scope)


def test_shared_management_needs_full_council_and_head_of_paid_service() -> None:
    definition = load_definition(DEFINITIONS / "shared-management.yaml")
    gate = definition.gates["joint_appointment"]

    assert gate.sign_off.each_partner
    assert gate.sign_off.roles == ["full_council", "head_of_paid_service"]
    assert definition.stage_by_id["senior_team"].optional
    assert definition.gates["senior_team"].waiver is not None
    assert {o.id for o in definition.outcomes} == {"live", "dissolved", "abandoned"}
