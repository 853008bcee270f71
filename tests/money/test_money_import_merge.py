"""`banns money import` changes the figures a file names and nothing else; replacing all of them lists what
goes before anything goes, and removes it only when confirmed."""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

import pytest
import yaml
from test_money_import_cli import FIGURES

from workflow.cli.commands import main
from workflow.cli.money import money
from workflow.engine.errors import ConflictError
from workflow.engine.registry import Registry
from workflow.money.service import Finances

DEFINITIONS = Path(__file__).resolve().parents[2] / "definitions"
ONE_SAVING = """
case:
  savings:
    - {year: 2029-30, service: revenues and benefits, amount: "950000.00"}
"""


@pytest.fixture
def finances(db, clock) -> Finances:
    return Finances(db, Registry(DEFINITIONS), clock=clock)


@pytest.fixture
def banns_money(cli, monkeypatch):
    monkeypatch.setitem(main.commands, "money", money)
    return cli


def savings(finances: Finances, programme_id: int) -> dict[tuple[int, str], D]:
    return {(s.year, s.service): s.amount for s in finances.case(programme_id).savings}


def test_a_file_naming_one_saving_changes_that_line_only(finances, sample) -> None:
    finances.import_figures(sample.id, FIGURES, "figures.yaml")
    before = finances.export_figures(sample.id)
    plan = finances.plan_import(sample.id, ONE_SAVING, "one.yaml")
    assert plan.sections == ("savings",) and plan.removals == ()
    finances.import_figures(sample.id, ONE_SAVING, "one.yaml", expected_version=plan.version)
    assert savings(finances, sample.id) == {
        (2028, "revenues and benefits"): D("500000.00"),
        (2029, "revenues and benefits"): D("950000.00"),
        (2030, "revenues and benefits"): D("800000.00"),
    }
    after, was = yaml.safe_load(finances.export_figures(sample.id)), yaml.safe_load(before)
    assert after["case"]["savings"] != was["case"]["savings"]
    after["case"]["savings"] = was["case"]["savings"]
    assert after == was  # the investments, bases, agreement, costs and actuals are untouched


def test_replacing_lists_what_goes_and_a_stale_plan_is_refused(finances, sample) -> None:
    finances.import_figures(sample.id, FIGURES, "figures.yaml")
    plan = finances.plan_import(sample.id, ONE_SAVING, "one.yaml", replace=True)
    lines = [str(r.line) for r in plan.removals]
    assert "saving 2028-29 revenues and benefits: £500,000.00" in lines
    assert "investment 2027-28 it: £900,000.00" in lines
    assert "the pre-nuptial agreement (notice, minimum term, withdrawal terms)" in lines
    assert all("2029-30 revenues" not in line for line in lines if line.startswith("saving"))  # changed, not removed
    finances.import_figures(sample.id, ONE_SAVING, "other.yaml")  # someone changes the figures meanwhile
    with pytest.raises(ConflictError):
        finances.import_figures(sample.id, ONE_SAVING, "one.yaml", replace=True, expected_version=plan.version)
    finances.import_figures(sample.id, ONE_SAVING, "one.yaml", replace=True)
    assert savings(finances, sample.id) == {(2029, "revenues and benefits"): D("950000.00")}
    assert finances.case(sample.id).investments == ()
    event = [e for e in finances_history(finances, sample.id) if e.kind == "figures_changed"][-1]
    assert event.data["replace"] is True and "investment 2027-28 it: £900,000.00" in event.data["removed"]


def finances_history(finances: Finances, programme_id: int):
    from workflow.engine.programmes import Programmes

    return Programmes(finances.db, finances.registry).history(programme_id)


def test_the_command_asks_before_removing_and_keeps_everything_when_refused(
    banns_money, finances, sample, tmp_path
) -> None:
    full, one = tmp_path / "figures.yaml", tmp_path / "one.yaml"
    full.write_text(FIGURES, encoding="utf-8")
    one.write_text(ONE_SAVING, encoding="utf-8")
    banns_money("money", "import", sample.id, full)
    before = finances.export_figures(sample.id)
    refused = banns_money("money", "import", sample.id, one, "--replace", input="n\n", ok=False)
    assert refused.exit_code == 1
    assert "Replacing the figures removes" in refused.output and "£300,000.00" in refused.output
    assert finances.export_figures(sample.id) == before
    done = banns_money("money", "import", sample.id, one, "--replace", "--yes")
    assert "replaced all figures" in done.output
    assert list(savings(finances, sample.id)) == [(2029, "revenues and benefits")]
