"""Benefits realisation, highlight report, re-truing the split, a partner joining, and the schema."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from tests.words_support import english
from workflow.engine.errors import InvalidError, NotAllowedError
from workflow.engine.importer import PartnerSpec
from workflow.engine.models import Base
from workflow.engine.registry import Registry
from workflow.money.case import BusinessCase, Investment, Saving
from workflow.money.service import Finances
from workflow.money.sharing import Basis, BasisKind

DEFINITIONS = Path(__file__).resolve().parents[2] / "definitions"
NB, SM, EV = "Northbridge District Council", "Southmoor District Council", "Eastvale Borough Council"
CASE = BusinessCase(
    investments=(Investment(2026, "it", D("600000.00")),),
    savings=tuple(Saving(y, "hr", D("300000.00")) for y in (2027, 2028, 2029)),
)


@pytest.fixture
def finances(db, clock) -> Finances:
    return Finances(db, Registry(DEFINITIONS), clock=clock)


def test_actuals_against_plan_and_the_highlight_report(finances, sample, programmes, clock) -> None:
    finances.set_case(sample.id, CASE)
    finances.record_cost(sample.id, date(2027, 1, 4), "it", D("450000.00"))
    variance = finances.record_actual(sample.id, 2027, "hr", D("270000.00"))
    assert (variance.variance, variance.variance_percent) == (D("-30000.00"), D("-10.0"))
    finances.record_confidence(sample.id, "2027-28 Q1", "Green", "going well", scale="rag")
    finances.record_confidence(sample.id, "2027-28 Q2", "amber", "IT supplier late")
    with pytest.raises(InvalidError, match="'Amber/Green' is not on the rag scale"):
        finances.record_confidence(sample.id, "2027-28 Q3", "Amber/Green", "x")
    clock.advance(days=400)
    view = programmes.get(sample.id)
    report = finances.highlight(sample.id, "2027-28 Q2", english(view.gate.report.unmet))
    assert report.confidence.rating == "Amber" and report.stage == "courtship"
    assert report.days_late > 0  # courtship was planned to end long ago
    assert (report.planned_investment_to_date, report.costs_incurred_to_date) == (D("600000.00"), D("450000.00"))
    assert (report.planned_savings_to_date, report.actual_savings_to_date) == (D("300000.00"), D("270000.00"))
    assert report.waiting_on == english(view.gate.report.unmet) and report.waiting_on
    assert [(v.label, v.actual) for v in report.savings if v.actual] == [("2027-28", D("270000.00"))]


def test_a_retrue_changes_the_split_only_beyond_its_threshold(finances, sample) -> None:
    values = {NB: D(40), SM: D(30), EV: D(30)}
    split = finances.set_basis(sample.id, Basis(BasisKind.DRIVER, values, "posts", D("2.0")))
    assert split.shares == {NB: D("40.0000"), SM: D("30.0000"), EV: D("30.0000")}
    small = finances.retrue(sample.id, values={NB: D(41)})  # 40.5941% - moves 0.59 points
    assert not small.changed and finances.splits(sample.id)[0].shares[NB] == D("40.0000")
    big = finances.retrue(sample.id, values={NB: D(50)})  # 45.4545...% - moves 5.45 points
    # the odd 0.0001% goes to the largest remainder (Northbridge's .45 against .27 and .27)
    assert big.changed and finances.splits(sample.id)[0].shares == {
        NB: D("45.4546"),
        SM: D("27.2727"),
        EV: D("27.2727"),
    }


def test_a_partner_joining_shares_from_its_joining_date(finances, sample, programmes, clock) -> None:
    finances.set_basis(sample.id, Basis(BasisKind.EQUAL))
    finances.set_case(
        sample.id, BusinessCase(investments=tuple(Investment(y, "set_up", D("300000.00")) for y in (2026, 2027)))
    )
    clock.advance(days=86)  # 31 March 2027: the last day of 2026-27
    programmes.add_partner(
        sample.id,
        PartnerSpec(
            name="Westdale District Council", kind="district_council", population=70000, net_budget=D("9000000.00")
        ),
    )
    rows = {(r.partner, r.year): r.costs for r in finances.results(sample.id).partners}
    assert rows[("Westdale District Council", 2026)] == D("205.48")  # 1 day of 365, a quarter of it
    assert rows[("Westdale District Council", 2027)] == D("75000.00")
    assert rows[(NB, 2027)] == D("75000.00")
    assert sum(v for (_, y), v in rows.items() if y == 2026) == D("300000.00")


def test_only_the_programme_manager_changes_figures(finances, sample, programmes) -> None:
    observer = programmes.actor("sam.ellis@audit.example")
    assert finances.case(sample.id, actor=observer).is_empty
    with pytest.raises(NotAllowedError):
        finances.set_case(sample.id, CASE, actor=observer)
    finances.set_case(sample.id, CASE, actor=programmes.actor("priya.shah@northbridge.example"))


def test_the_migration_matches_the_money_models(db) -> None:
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert [d for d in diff if "money_" in repr(d)] == []
