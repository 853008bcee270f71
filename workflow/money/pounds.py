"""Amounts of money as people type them, read as exact ``Decimal`` pounds and pence, or refused clearly."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from ..engine.errors import N_, InvalidError
from ..engine.text import LARGEST_AMOUNT, PENNY, check_amount

#: The largest amount banns accepts: £100bn, far above any partnership's budget (columns hold NUMERIC(16,2)).
LARGEST = LARGEST_AMOUNT
__all__ = ["LARGEST", "PENNY", "check_pence", "parse_pounds"]


def parse_pounds(text: str, field: str = "amount") -> Decimal:
    """``"£1,250,000.50"`` -> ``Decimal("1250000.50")``.

    Raises:
        InvalidError: not a number, not finite, more than £100bn either way, or not whole pence.
    """
    cleaned = str(text).strip().replace(",", "").replace("£", "").replace(" ", "")
    try:
        amount = Decimal(cleaned)
    except InvalidOperation:
        shown = str(text).encode("unicode_escape").decode("ascii")[:40]
        raise InvalidError(
            N_("'{shown}' is not an amount of money; enter it like 125000.00"), field=field, shown=shown
        ) from None
    return check_pence(amount, field)


def check_pence(amount: Decimal, field: str = "amount") -> Decimal:
    """The amount itself, if it is a finite amount of whole pence, at most £100bn either way.

    Raises:
        InvalidError: otherwise, saying which.
    """
    return check_amount(amount, field)
