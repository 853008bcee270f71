"""The values an event keeps as text, as the log's lines show them: money, days and whether an amount is nil."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from web.extensions import _london_date, _money


def pounds(text: Any) -> str:
    """Money stored as text pounds and pence, as people write it: £600,000.00."""
    try:
        return _money(Decimal(str(text)))
    except (InvalidOperation, ValueError):
        return str(text)


def day(text: Any) -> str:
    """A date stored as ISO text, as people write it: 4 January 2027."""
    try:
        return _london_date(date.fromisoformat(str(text)))
    except ValueError:
        return str(text or "")


def nonzero(text: Any) -> bool:
    """Whether ``text`` is an amount other than nil (text that is no amount is not)."""
    try:
        return bool(text) and Decimal(str(text)) != 0
    except (InvalidOperation, ValueError):
        return False
