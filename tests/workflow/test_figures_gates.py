"""Gates that require figures: the outline case needs savings by year and a payback year; the pre-nup
needs a complete agreement. Met by the programme's own money data, not by a note saying so."""

from __future__ import annotations

from pathlib import Path

import pytest
from records_support import agree_register

from tests.decisions_support import decide_all
from tests.words_support import said
from workflow.engine.definitions import DefinitionError, parse_definition
from workflow.engine.errors import MoveRefusedError
from workflow.engine.programmes import Programmes
from workflow.engine.views import ProgrammeView
from workflow.money.service import Finances
from workflow.words import refusal

ROOT = Path(__file__).resolve().parents[2]
MONEY = ROOT / "examples" / "northbridge-southmoor-money.yaml"


def at_outline_case(programmes: Programmes, sample: ProgrammeView, people: dict[str, int]) -> ProgrammeView:
    """Courtship and honest conversation passed the plain way."""
    pid = sample.id
    for _ in range(2):
        view = programmes.get(pid)
        definition = programmes.registry.latest(view.definition_id)
        for criterion in definition.gates[view.state].criteria:
            programmes.record_evidence(pid, criterion.id, "agreed at the leaders' meeting")
        agree_register(programmes.db, programmes.registry, programmes.clock, pid)  # each partner: "none"
        programmes.request_sign_off(pid)
        signers = ("tom", "aisha", "gareth") + (("helen",) if view.state == "honest_conversation" else ())
        for who in signers:  # the signatories; the honest conversation also needs a steering quorum
            programmes.sign(pid, people[who], "approve")
        programmes.advance(pid)
    return programmes.get(pid)


def test_the_outline_case_gate_waits_for_the_business_case_figures(
    programmes: Programmes, sample: ProgrammeView, people: dict[str, int]
) -> None:
    view = at_outline_case(programmes, sample, people)
    assert view.state == "outline_case"
    definition = programmes.registry.latest(view.definition_id)
    for criterion in definition.gates["outline_case"].criteria:
        programmes.record_evidence(view.id, criterion.id, "see the business case")

    with pytest.raises(MoveRefusedError) as refused:
        programmes.request_sign_off(view.id)
    assert "'Savings by year': no planned savings by year recorded" in refusal(refused.value)
    assert "'Payback year': no business case figures recorded" in refusal(refused.value)

    Finances(programmes.db, programmes.registry, programmes.clock).import_figures(
        view.id, MONEY.read_text(encoding="utf-8"), str(MONEY)
    )
    view = programmes.request_sign_off(view.id)
    assert view.gate is not None
    figures = {said(r.label): r for r in view.gate.report.requirements if r.kind == "criterion"}
    assert figures["Payback year"].met and said(figures["Payback year"].detail).startswith("pays back in ")
    assert figures["Savings by year"].met and "in total" in said(figures["Savings by year"].detail)


def test_a_definition_naming_an_unknown_figure_check_is_refused_with_its_line() -> None:
    text = (ROOT / "definitions" / "shared-service.yaml").read_text(encoding="utf-8")
    broken = text.replace("figures: payback_year", "figures: payback_month")
    line = broken.splitlines().index("        figures: payback_month") + 1
    with pytest.raises(DefinitionError) as error:
        parse_definition(broken, "shared-service.yaml")
    problem = error.value.problems[0]
    assert problem.line == line and problem.field.endswith(".figures")
    assert "unknown figure check 'payback_month'" in problem.text and "payback_year" in problem.text


def test_changing_the_figures_after_approval_asks_everyone_again(
    programmes: Programmes, sample: ProgrammeView, people: dict[str, int]
) -> None:
    view = at_outline_case(programmes, sample, people)
    finances = Finances(programmes.db, programmes.registry, programmes.clock)
    finances.import_figures(view.id, MONEY.read_text(encoding="utf-8"), str(MONEY))
    definition = programmes.registry.latest(view.definition_id)
    for criterion in definition.gates["outline_case"].criteria:
        programmes.record_evidence(view.id, criterion.id, "see the business case")
    programmes.request_sign_off(view.id)
    for who in ("tom", "aisha", "gareth", "helen"):
        programmes.sign(view.id, people[who], "approve")
    decide_all(programmes, view.id)  # each partner's cabinet decided, call-in over
    assert programmes.get(view.id).gate.report.passed

    bigger = MONEY.read_text(encoding="utf-8").replace('"950000.00"', '"9500000.00"')  # ten times the IT cost
    finances.import_figures(view.id, bigger, str(MONEY))
    after = programmes.get(view.id)
    assert not after.gate.report.passed and not after.gate.request_open
    with pytest.raises(MoveRefusedError):
        programmes.advance(view.id)
    last = programmes.history(view.id)[-1]
    assert last.kind == "figures_changed" and last.reason == ""
    assert (last.data["change"], last.data["file"]) == ("import", str(MONEY))
    assert last.data["request_closed"] is True
