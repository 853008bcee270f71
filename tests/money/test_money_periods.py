"""Reporting periods read and written one way ("2027-28 Q1"), and dates typed into three boxes, read strictly:
what a person types comes back as the same period or date, or as a sentence saying what is expected."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workflow.engine.day_parts import DayPartsError, day_from_parts
from workflow.engine.errors import InvalidError
from workflow.engine.text import EARLIEST_DAY, LATEST_DAY
from workflow.money import periods
from workflow.money.periods import Period

PERIODS = st.builds(Period, st.integers(2000, 2100), st.integers(1, 4))


@given(PERIODS)
def test_a_period_written_down_reads_back_as_itself(period: Period) -> None:
    text = periods.label(period)
    assert periods.parse(text) == period
    assert periods.normal(text) == text == str(period)


@given(PERIODS, st.sampled_from(["{y}-{s} Q{q}", "{y}/{s} q{q}", "{y}-{l} Q{q}", " {y}-{s}Q{q} ", "{y}-{s}-Q{q}"]))
def test_the_usual_ways_of_writing_a_period_are_read_as_one(period: Period, shape: str) -> None:
    y = period.year
    text = shape.format(y=y, s=f"{(y + 1) % 100:02d}", l=y + 1, q=period.quarter)
    assert periods.normal(text) == periods.label(period)


@given(st.dates(EARLIEST_DAY, LATEST_DAY - timedelta(days=366)))
def test_each_day_falls_in_the_quarter_of_its_financial_year(day: date) -> None:
    period = periods.of_day(day)
    first_month = 4 + (period.quarter - 1) * 3
    start = date(period.year + (first_month > 12), (first_month - 1) % 12 + 1, 1)
    assert start <= day < date(start.year + (start.month + 3 > 12), (start.month + 2) % 12 + 1, 1)


def test_the_period_of_a_january_day_is_the_fourth_quarter() -> None:
    assert periods.label(periods.of_day(date(2027, 1, 4))) == "2026-27 Q4"
    assert periods.label(periods.of_day(date(2027, 4, 1))) == "2027-28 Q1"


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("", "Enter the reporting period, like 2027-28 Q1"),
        ("2028-Q1", "'2028-Q1' is not a reporting period: write the financial year and quarter, like 2027-28 Q1"),
        ("Q1 2027", "like 2027-28 Q1"),
        ("2027-28 Q5", "the quarter is Q1 (April to June) to Q4 (January to March)"),
        ("2027-28 Q0", "the quarter is Q1"),
        ("2027-29 Q1", "it should end in 28"),
        ("1850-51 Q1", "not a plausible financial year"),
        ("2027\r\n28 Q1", "is not a reporting period"),
    ],
)
def test_a_wrong_period_says_what_is_expected(text: str, said: str) -> None:
    with pytest.raises(InvalidError) as caught:
        periods.parse(text)
    assert said in str(caught.value) and caught.value.field == "period"


@given(st.dates(EARLIEST_DAY, LATEST_DAY))
def test_a_date_typed_in_three_boxes_reads_back(day: date) -> None:
    assert day_from_parts(str(day.day), f"{day.month:02d}", str(day.year), "Date") == day


@pytest.mark.parametrize(
    ("parts", "said", "marked"),
    [
        (("", "", ""), "Enter the meeting date", ("day", "month", "year")),
        (("4", "", ""), "Meeting date must include a month and year", ("month", "year")),
        (
            ("31", "12", "9999"),
            "Meeting date: 9999-12-31 is not a plausible date; expected a date from 2000 to 2100",
            ("year",),
        ),
        (("1", "1", "1850"), "1850-01-01 is not a plausible date", ("year",)),
        (("30", "2", "2027"), "Meeting date must be a real date, like 4 1 2027", ("day",)),
        (("4", "13", "2027"), "the month is from 1 to 12", ("month",)),
        (("4", "1", "27"), "the year must include 4 numbers", ("year",)),
        (("four", "1", "2027"), "must be a real date", ("day",)),
        (("4", "1", "5e9"), "must be a real date", ("year",)),
        (("4", "1", "\uff12\uff10\uff12\uff17"), "must be a real date", ("year",)),  # full-width digits
    ],
)
def test_a_wrong_date_names_the_boxes_to_correct(
    parts: tuple[str, str, str], said: str, marked: tuple[str, ...]
) -> None:
    with pytest.raises(DayPartsError) as caught:
        day_from_parts(*parts, "Meeting date")
    assert said in str(caught.value) and caught.value.parts == marked
