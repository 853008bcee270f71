"""Unit tests: financial years, NPV at the Green Book rate, payback, sensitivity, shares that change in-year."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D
from fractions import Fraction

import pytest

from workflow.engine.errors import InvalidError
from workflow.money import years as fy
from workflow.money.case import BusinessCase, Investment, Saving
from workflow.money.results import (
    SharePeriod,
    allocate_in_year,
    compute,
    constant,
    discount_factor,
    payback_year,
    present_value,
    savings_late,
    savings_lower,
)


def test_financial_years_run_april_to_march() -> None:
    assert fy.year_of(date(2012, 3, 31)) == 2011 and fy.year_of(date(2012, 4, 1)) == 2012
    assert fy.label(2011) == "2011-12" and fy.label(1999) == "1999-00"
    assert fy.parse("2011-12") == fy.parse("2011/2012") == 2011
    assert fy.days_in(2011) == 366  # 29 February 2012
    with pytest.raises(InvalidError, match="should end in 12"):
        fy.parse("2011-13")


def test_npv_discounts_at_three_and_a_half_percent() -> None:
    assert discount_factor(0) == 1 and discount_factor(1) == D("0.966184") and discount_factor(10) == D("0.708919")
    assert present_value(D("103.50"), 1) == D("100.00")
    case = BusinessCase(investments=(Investment(2027, "it", D("100.00")),), savings=(Saving(2028, "ict", D("103.50")),))
    assert compute(case, constant({"A": Fraction(1)})).npv == D("0.00")


def test_payback_is_the_year_the_cumulative_position_stays_positive() -> None:
    years = [2027, 2028, 2029, 2030]
    assert payback_year(years, [D(-100), D(60), D(60), D(10)]) == 2029
    assert payback_year(years, [D(-100), D(150), D(-100), D(100)]) == 2030  # dipped again in 2029
    assert payback_year(years, [D(-100), D(10), D(10), D(10)]) is None
    assert payback_year(years, [D(0), D(10), D(10), D(10)]) == 2027


def test_sensitivity_lowers_savings_by_ten_percent_and_delays_them_a_year() -> None:
    case = BusinessCase(
        investments=(Investment(2027, "set_up", D("150.00")),),
        savings=(Saving(2028, "hr", D("100.05")), Saving(2029, "hr", D("100.00"))),
    )
    assert [s.amount for s in savings_lower(case, D("0.10")).savings] == [D("90.05"), D("90.00")]
    late = savings_late(case, 1)
    assert late.savings_by_year() == {2027: 0, 2028: 0, 2029: D("100.05")}  # the 2029 saving falls outside
    r = compute(case, constant({"A": Fraction(1)}))
    assert r.payback_year == 2029
    assert [(s.name, s.payback_year) for s in r.sensitivity] == [("savings_lower", 2029), ("savings_late", None)]


def test_a_partner_joining_mid_year_shares_from_its_joining_date() -> None:
    plan = (
        SharePeriod(date.min, {"A": Fraction(1)}),
        SharePeriod(date(2027, 10, 1), {"A": Fraction(1), "B": Fraction(1)}),
    )
    # 183 of 366 days... 2027-28 has 366 days (29 Feb 2028); B is in for 183 of them, sharing half
    split = allocate_in_year(D("366000.00"), 2027, plan)
    assert split == {"A": D("274500.00"), "B": D("91500.00")}
    assert allocate_in_year(D("100.00"), 2028, plan) == {"A": D("50.00"), "B": D("50.00")}
    assert allocate_in_year(D("100.00"), 2026, plan) == {"A": D("100.00")}


def test_partner_figures_add_up_to_the_programme_each_year() -> None:
    case = BusinessCase(
        investments=(Investment(2027, "it", D("1000.00")),),
        savings=tuple(Saving(y, s, D("333.33")) for y in (2028, 2029) for s in ("hr", "ict")),
    )
    r = compute(
        case, constant({"A": Fraction(2), "B": Fraction(1)}), {"ict": constant({"A": Fraction(1), "B": Fraction(1)})}
    )
    for year in r.years:
        rows = [p for p in r.partners if p.year == year.year]
        assert sum(p.costs for p in rows) == year.investment and sum(p.savings for p in rows) == year.savings
    assert r.partner_totals()["A"][1] == D("222.22") * 2 + D("166.67") * 2
