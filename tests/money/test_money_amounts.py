"""Amounts typed by people: exact pounds and pence, or a clear refusal (never a crash)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from workflow.engine.errors import InvalidError
from workflow.money.pounds import parse_pounds


@pytest.mark.parametrize(
    ("text", "amount"), [("£1,250,000.50", "1250000.50"), ("42", "42"), (" -17500.00 ", "-17500.00")]
)
def test_amounts_are_read_exactly(text: str, amount: str) -> None:
    assert parse_pounds(text) == Decimal(amount)


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("1e30", "not an amount banns can hold"),
        ("Infinity", "not an amount banns can hold"),
        ("NaN", "not an amount banns can hold"),
        ("12.345", "not a whole number of pence"),
        ("twelve", "is not an amount of money"),
        ("99999999999999999.99", "not an amount banns can hold"),
    ],
)
def test_odd_amounts_are_refused_with_the_reason(text: str, why: str) -> None:
    with pytest.raises(InvalidError, match=why) as error:
        parse_pounds(text)
    assert error.value.field == "amount"


def test_the_cli_refuses_a_huge_amount_with_a_usage_error(cli, sample) -> None:
    result = cli("money", "cost", sample.id, "2027-01-05", "it", "1e30", ok=False)
    assert result.exit_code == 2 and "not an amount banns can hold" in result.output
    assert "Traceback" not in result.output
