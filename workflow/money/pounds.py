"""Amounts of money as people type them, read as exact ``Decimal`` pounds and pence, or refused clearly."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from ..engine.errors import InvalidError

PENNY = Decimal("0.01")
#: The largest amount banns stores (columns are NUMERIC(16,2)); a trillion pounds is far above any council's.
LARGEST = Decimal("999999999999.99")


def parse_pounds(text: str, field: str = "amount") -> Decimal:
    """``"£1,250,000.50"`` -> ``Decimal("1250000.50")``.

    Raises:
        InvalidError: not a number, not finite, more than a trillion pounds, or not whole pence.
    """
    cleaned = str(text).strip().replace(",", "").replace("£", "").replace(" ", "")
    try:
        amount = Decimal(cleaned)
    except InvalidOperation:
        raise InvalidError(f"'{text}' is not an amount of money; enter it like 125000.00", field=field) from None
    return check_pence(amount, field)


def check_pence(amount: Decimal, field: str = "amount") -> Decimal:
    """The amount itself, if it is a finite, storable amount of whole pence.

    Raises:
        InvalidError: otherwise, saying which.
    """
    if not amount.is_finite() or abs(amount) > LARGEST:
        raise InvalidError(f"{amount} is not an amount banns can hold; the largest is £{LARGEST:,}", field=field)
    if amount != amount.quantize(PENNY):
        raise InvalidError(f"£{amount} is not a whole number of pence", field=field)
    return amount
