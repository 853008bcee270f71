"""Gates that check the figures against a limit from the lifecycle file: payback within N years, a positive
NPV, every partner saving by year N. The refusal names the figure and the limit."""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

import pytest
from test_money_withdrawal import SPEC, engine, finances  # noqa: F401 - fixtures found by name

from workflow.engine.db import Database
from workflow.engine.definitions import DefinitionError, parse_definition
from workflow.engine.importer import parse_programme
from workflow.engine.programmes import Programmes
from workflow.money.case import BusinessCase, Investment, Saving
from workflow.money.limits import each_partner_saves_by, npv_positive, payback_within
from workflow.money.service import Finances
from workflow.money.sharing import Basis, BasisKind

DEFINITIONS = Path(__file__).resolve().parents[2] / "definitions"


@pytest.fixture
def three_years(engine: Programmes, finances: Finances) -> int:  # noqa: F811
    """£1.2m invested in 2027-28, £500,000 saved a year from 2028-29: pays back in year 4 (2030-31)."""
    pid = engine.start(*parse_programme(SPEC, "three-way.yaml")).id
    finances.set_basis(pid, Basis(BasisKind.POPULATION))
    finances.set_case(
        pid,
        BusinessCase(
            investments=(Investment(2027, "set_up", D("1200000.00")),),
            savings=tuple(Saving(y, "regulatory services", D("500000.00")) for y in range(2028, 2033)),
        ),
    )
    return pid


def test_a_payback_limit_is_refused_then_met(db: Database, three_years: int) -> None:
    with db.read() as session:
        refused = _english(payback_within(session, three_years, years=3))
        met = _english(payback_within(session, three_years, years=4))
    assert refused == (False, "payback: 4 years, over the limit of 3")
    assert met == (True, "payback: 4 year(s), within the limit of 4")


def test_npv_and_each_partner_by_year(db: Database, three_years: int) -> None:
    with db.read() as session:
        npv_met, npv_why = _english(npv_positive(session, three_years))
        early = _english(each_partner_saves_by(session, three_years, years=2))
        later = _english(each_partner_saves_by(session, three_years, years=5))
    assert npv_met and npv_why.startswith("net present value: £") and "above the limit of £0.00" in npv_why
    assert not early[0] and "not yet a saving for" in early[1] and "(year 2)" in early[1]
    assert later == (True, "net position by 2031-32 (year 5): a saving for every partner")


def test_a_check_without_figures_says_so(db: Database, engine: Programmes) -> None:  # noqa: F811
    pid = engine.start(*parse_programme(SPEC, "three-way.yaml")).id
    with db.read() as session:
        assert _english(payback_within(session, pid, years=3)) == (False, "no business case figures recorded")


def _english(checked: tuple[bool, object]) -> tuple[bool, str]:
    """A figure check's verdict with its why in English."""
    return checked[0], str(checked[1])


def _with_criterion(extra: str) -> str:
    text = (DEFINITIONS / "shared-service.yaml").read_text()
    anchor = "      - id: savings_by_year\n"
    assert anchor in text
    return text.replace(anchor, extra + anchor, 1)


def test_the_lifecycle_file_gives_the_limit_and_a_missing_one_is_named() -> None:
    good = _with_criterion(
        "      - id: quick_payback\n        title: Pays back within three years\n"
        "        figures: payback_within\n        years: 3\n"
    )
    definition = parse_definition(good, "good.yaml")
    [criterion] = [c for c in definition.gates["outline_case"].criteria if c.id == "quick_payback"]
    assert criterion.figure_params == {"years": 3}

    missing = _with_criterion("      - id: quick_payback\n        title: Pays back\n        figures: payback_within\n")
    with pytest.raises(DefinitionError, match="needs 'years', its limit"):
        parse_definition(missing, "missing.yaml")
    stray = _with_criterion(
        "      - id: positive\n        title: NPV\n        figures: npv_positive\n        years: 3\n"
    )
    with pytest.raises(DefinitionError, match="takes no 'years'"):
        parse_definition(stray, "stray.yaml")
