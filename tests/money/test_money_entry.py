"""The money entered a line at a time, as the forms call it: a line set again replaces it, £0 removes it, the
pre-nup's terms keep its withdrawal terms, a term from a stage the lifecycle lacks is refused, only those who
may edit the programme may change anything, and every change is one event with its actor."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D
from pathlib import Path
from typing import Any

import pytest

from workflow.engine.errors import InvalidError, NotAllowedError
from workflow.engine.programmes import Programmes
from workflow.engine.registry import Registry
from workflow.engine.views import ProgrammeView
from workflow.money.entry import MoneyEntry
from workflow.money.prenup import WithdrawalTerm

ROOT = Path(__file__).resolve().parents[2]
NB = "Northbridge District Council"
PRIYA, SAM = "priya.shah@northbridge.example", "sam.ellis@audit.example"


@pytest.fixture
def entry(db: Any, clock: Any) -> MoneyEntry:
    return MoneyEntry(db, Registry(ROOT / "definitions"), clock=clock)


def logged(programmes: Programmes, programme_id: int) -> list[tuple[str, str, dict[str, Any]]]:
    return [(e.actor, e.reason, e.data) for e in programmes.history(programme_id) if e.kind == "figures_changed"]


def test_lines_are_set_replaced_and_removed(sample: ProgrammeView, entry: MoneyEntry, programmes: Programmes) -> None:
    priya = programmes.actor(PRIYA)
    entry.set_investment(sample.id, 2027, "it", D("950000.00"), note="systems", actor=priya)
    entry.set_investment(sample.id, 2027, "it", D("60000.00"), recurring=True, actor=priya)
    case = entry.set_investment(sample.id, 2027, "it", D("990000.00"), note="systems, revised", actor=priya)
    assert {(i.amount, i.recurring, i.note) for i in case.investments} == {
        (D("990000.00"), False, "systems, revised"),
        (D("60000.00"), True, ""),
    }
    entry.set_saving(sample.id, 2028, "legal", D("1.00"), actor=priya)
    entry.set_baseline(sample.id, NB, "legal", D("250000.00"), actor=priya)
    case = entry.set_investment(sample.id, 2027, "it", D("0.00"), recurring=True, actor=priya)
    assert [i.amount for i in case.investments] == [D("990000.00")]
    case = entry.set_saving(sample.id, 2028, "legal", D("0"), actor=priya)
    assert case.savings == () and [b.amount for b in case.baselines] == [D("250000.00")]
    first, last = logged(programmes, sample.id)[0], logged(programmes, sample.id)[-1]
    assert first[:2] == last[:2] == ("Priya Shah", "")  # facts, not sentences: the pages say them
    assert {k: first[2][k] for k in ("change", "year", "category", "recurring", "amount")} == {
        "change": "investment",
        "year": "2027-28",
        "category": "it",
        "recurring": False,
        "amount": "950000.00",
    }
    assert {k: last[2][k] for k in ("change", "year", "service", "amount")} == {
        "change": "saving",
        "year": "2028-29",
        "service": "legal",
        "amount": "0.00",
    }
    assert len(logged(programmes, sample.id)) == 7
    with pytest.raises(InvalidError, match="'Westshire' is not a partner"):
        entry.set_baseline(sample.id, "Westshire", "legal", D("1.00"), actor=priya)
    with pytest.raises(NotAllowedError):
        entry.set_saving(sample.id, 2028, "legal", D("1.00"), actor=programmes.actor(SAM))
    assert len(logged(programmes, sample.id)) == 7


def test_the_pre_nup_a_term_at_a_time(sample: ProgrammeView, entry: MoneyEntry, programmes: Programmes) -> None:
    priya = programmes.actor(PRIYA)
    entry.set_term(sample.id, WithdrawalTerm("full_case", D("0.00"), True, ("redundancy",)), priya)
    entry.set_term(sample.id, WithdrawalTerm("outline_case", D("25000.00")), priya)
    agreement = entry.set_terms(sample.id, 12, 60, date(2027, 1, 4), "pro_rata", {"redundancy": D("420000")}, priya)
    assert [t.from_stage for t in agreement.terms] == ["outline_case", "full_case"]
    assert agreement.notice_months == 12 and agreement.exit_costs == {"redundancy": D("420000")}
    assert agreement.problems(["courtship", "outline_case", "full_case"]) == []
    agreement = entry.set_term(sample.id, WithdrawalTerm("outline_case"), priya)
    assert [t.from_stage for t in agreement.terms] == ["full_case"]
    with pytest.raises(InvalidError, match="'pre_nup' is not a stage"):
        entry.set_term(sample.id, WithdrawalTerm("pre_nup", D("1.00")), priya)
    assert entry.agreement(sample.id) == agreement
