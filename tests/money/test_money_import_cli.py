"""Money in YAML (import, export, errors with lines) and the ``banns money`` commands with ``--json``."""

from __future__ import annotations

import json
from decimal import Decimal as D
from pathlib import Path

import pytest

from workflow.cli.commands import main
from workflow.cli.money import money
from workflow.engine.importer import ProgrammeFileError
from workflow.engine.registry import Registry
from workflow.money.service import Finances

DEFINITIONS = Path(__file__).resolve().parents[2] / "definitions"
NB, SM, EV = "Northbridge District Council", "Southmoor District Council", "Eastvale Borough Council"
FIGURES = f"""
case:
  investments:
    - {{year: 2027-28, category: it, amount: "900000.00"}}
    - {{year: 2027-28, category: redundancy, amount: "300000.00", note: "12 posts"}}
  savings:
    - {{year: 2028-29, service: revenues and benefits, amount: "500000.00"}}
    - {{year: 2029-30, service: revenues and benefits, amount: "800000.00"}}
    - {{year: 2030-31, service: revenues and benefits, amount: "800000.00"}}
  baselines:
    - {{partner: {NB}, service: revenues and benefits, amount: "2100000.00"}}
bases:
  - {{kind: population, retrue_threshold: "1.0"}}
agreement:
  notice_months: 12
  minimum_term_months: 60
  exit_costs: {{redundancy: "120000.00"}}
  terms:
    - {{from_stage: prenup, share_of_costs: true, exit_costs: [redundancy]}}
costs_incurred:
  - {{incurred_on: 2027-01-04, category: programme_team, amount: "50000.00"}}
actuals:
  - {{year: 2028-29, service: revenues and benefits, amount: "450000.00"}}
"""


@pytest.fixture
def finances(db, clock) -> Finances:
    return Finances(db, Registry(DEFINITIONS), clock=clock)


@pytest.fixture
def banns_money(cli, monkeypatch):
    monkeypatch.setitem(main.commands, "money", money)  # until the lead registers the entry point
    return cli


def test_figures_survive_export_and_import(finances, sample) -> None:
    case = finances.import_figures(sample.id, FIGURES, "figures.yaml")
    assert case.investment_by_year() == {2027: D("1200000.00"), 2028: 0, 2029: 0, 2030: 0}
    exported = finances.export_figures(sample.id)
    finances.import_figures(sample.id, exported, "exported.yaml")
    assert finances.export_figures(sample.id) == exported
    assert finances.case(sample.id) == case
    r = finances.results(sample.id)
    assert r.total_net == D("900000.00") and r.payback_year == 2029


def test_a_wrong_file_names_every_problem_and_its_line(finances, sample) -> None:
    wrong = (
        FIGURES.replace('amount: "900000.00"', "amount: 900000.10")
        .replace("from_stage: prenup", "from_stage: pre_nup")
        .replace("category: redundancy", "category: exit")
    )
    with pytest.raises(ProgrammeFileError) as caught:
        finances.import_figures(sample.id, wrong, "wrong.yaml")
    text = str(caught.value)
    assert 'wrong.yaml:4: case.investments[0].amount: write amounts in quotes, e.g. "900000.10"' in text
    assert "wrong.yaml:5: case.investments[1].category" in text
    with pytest.raises(
        ProgrammeFileError, match=r"wrong.yaml:19: agreement.terms\[0\].from_stage: unknown stage 'pre_nup'"
    ):
        finances.import_figures(sample.id, FIGURES.replace("from_stage: prenup", "from_stage: pre_nup"), "wrong.yaml")
    assert finances.case(sample.id).is_empty  # nothing was imported


def test_money_commands_print_figures_and_json(banns_money, sample, tmp_path) -> None:
    path = tmp_path / "figures.yaml"
    path.write_text(FIGURES, encoding="utf-8")
    assert (
        "Imported figures.yaml (changed only what it names)" in banns_money("money", "import", sample.id, path).output
    )
    results = json.loads(banns_money("money", "results", sample.id, "--json").output)
    assert results["total_investment"] == "1200000.00" and results["payback_year"] == "2029-30"
    assert results["discount_rate"] == "0.035"
    shares = json.loads(banns_money("money", "shares", sample.id, "--json").output)
    assert sum(D(v) for v in shares[0]["shares"].values()) == 100
    what_if = json.loads(banns_money("money", "what-if", sample.id, SM, "--json").output)
    assert what_if["liability"]["total"] == "0.00"  # at courtship, before the prenup term applies
    assert "nothing is owed before 'prenup'" in banns_money("money", "what-if", sample.id, SM).output
    status = json.loads(banns_money("money", "status", sample.id, "payback_year", "--json").output)
    assert status == {"requirement": "payback_year", "met": True, "detail": "pays back in 2029-30 (year 3)"}
    banns_money("money", "confidence", sample.id, "2027-28 Q4", "amber/green", "--commentary", "on track, IT late")
    benefits = json.loads(banns_money("money", "benefits", sample.id, "--json").output)
    assert benefits["by_year"][1]["variance"] == "-50000.00" and benefits["confidence"][0]["rating"] == "Amber/Green"
    assert "Amber/Green" in banns_money("money", "highlight", sample.id, "--period", "2027-28 Q4").output
    bad = banns_money("money", "cost", sample.id, "2027-02-01", "it", "10.005", ok=False)
    assert bad.exit_code == 2 and "not a whole number of pence" in bad.output
    wrong = banns_money("money", "confidence", sample.id, "2027-28 Q4", "purple", "--commentary", "x", ok=False)
    assert wrong.exit_code == 2 and "expected one of: Green, Amber/Green, Amber, Amber/Red, Red" in wrong.output


def test_shares_print_with_the_same_precision_in_text_and_json(banns_money, sample, tmp_path) -> None:
    path = tmp_path / "figures.yaml"
    path.write_text(FIGURES, encoding="utf-8")
    banns_money("money", "import", sample.id, path)
    in_json = json.loads(banns_money("money", "shares", sample.id, "--json").output)[0]["shares"]
    text = banns_money("money", "shares", sample.id).output
    for name, value in in_json.items():
        assert len(value.split(".")[1]) == 4 and f"{value}%  {name}" in text
    what_if = json.loads(banns_money("money", "what-if", sample.id, SM, "--json").output)
    text = banns_money("money", "what-if", sample.id, SM).output
    after = what_if["shares_after"]
    assert f"{NB} {what_if['shares_before'][NB]}% -> {after[NB]}%" in text
    assert f"{SM} {what_if['shares_before'][SM]}% -> 0.0000%" in text
