"""The command line names a criterion by its id and its title, never the id alone: the ids ``banns evidence``
takes are listed by ``definitions show`` and ``programme show``, and a wrong one is answered with the choices."""

from __future__ import annotations

from typing import Any

from workflow.engine.views import ProgrammeView


def test_definitions_show_lists_each_criterion_id_with_its_title(cli: Any) -> None:
    shown = cli("definitions", "show", "shared-service").output
    assert "[required] partners_named: Partners named" in shown
    assert "[required] appetite_confirmed: Appetite confirmed by each leader and chief executive" in shown


def test_programme_show_and_evidence_list_the_gates_criteria_by_id_and_title(cli: Any, sample: ProgrammeView) -> None:
    shown = cli("programme", "show", sample.id).output
    assert "[ ] partners_named: Partners named" in shown
    recorded = cli("evidence", sample.id, "partners_named", "Named in the statement of intent").output
    assert "[x] partners_named: Partners named" in recorded


def test_a_wrong_criterion_is_answered_with_each_id_and_title(cli: Any, sample: ProgrammeView) -> None:
    refused = cli("evidence", sample.id, "savings_by_year", "Too early", ok=False)
    assert refused.exit_code == 2
    assert "partners_named (Partners named)" in refused.output
    assert "appetite_confirmed (Appetite confirmed by each leader and chief executive)" in refused.output


def test_a_period_is_written_one_way_on_the_command_line(cli: Any, sample: ProgrammeView) -> None:
    said = cli("money", "confidence", sample.id, "2027/28 q1", "amber", "--commentary", "IT late").output
    assert said.startswith("2027-28 Q1: Amber")
    wrong = cli("money", "confidence", sample.id, "2028-Q1", "amber", "--commentary", "IT late", ok=False)
    assert wrong.exit_code == 2 and "like 2027-28 Q1" in wrong.output
    assert "highlight report 2027-28 Q1" in cli("money", "highlight", sample.id, "--period", "2027-28 Q1").output


def test_roles_and_stages_are_shown_with_their_titles(cli: Any, sample: ProgrammeView) -> None:
    shown = cli("definitions", "show", "shared-service").output
    assert "Courtship (courtship) -> Honest conversation (honest_conversation)" in shown
    added = cli("role", "add", sample.id, "new.observer@audit.example", "observer", "--name", "Nia Observer").output
    assert "new.observer@audit.example is now observer (observer)" in added.lower()
