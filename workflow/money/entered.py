"""Money as people type it into a form or a spreadsheet cell, read strictly: ``12,000`` and ``£12,000.50`` are
amounts, ``5e9``, ``1.234`` and ``12,00`` are not. Every refusal says in words what was expected, so the web and
the spreadsheet import can show it beside the field or the cell."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from ..engine.day_parts import day_from_parts
from ..engine.errors import InvalidError
from ..engine.text import check_amount
from . import years as fy

_POUNDS = re.compile(r"^(-)?£?(-)?(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?$", re.ASCII)
_NUMBER = re.compile(r"^(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,6}))?$", re.ASCII)
#: How an amount may be written, for messages.
_EXAMPLE = "like 12,000 or £12,000.50"


def pounds(text: str, label: str, field: str = "amount", *, negative: bool = False) -> Decimal:
    """``"£12,000.50"`` -> ``Decimal("12000.50")``.

    Raises:
        InvalidError: empty, not written as pounds and pence, negative where ``negative`` is False, or more
            than banns holds; the message starts with ``label``.
    """
    cleaned = str(text).strip().replace(" ", "")
    if not cleaned:
        raise InvalidError(f"Enter the {label[:1].lower()}{label[1:]}", field=field)
    match = _POUNDS.match(cleaned)
    if match is None or (match.group(1) and match.group(2)):
        raise InvalidError(f"{label} must be in pounds and pence, {_EXAMPLE}", field=field)
    minus = bool(match.group(1) or match.group(2))
    if minus and not negative:
        raise InvalidError(f"{label} must be £0 or more", field=field)
    amount = Decimal(match.group(3).replace(",", "") + "." + (match.group(4) or "0").ljust(2, "0"))
    try:
        check_amount(amount, field)
    except InvalidError:
        raise InvalidError(f"{label} must be £100,000,000,000 or less", field=field) from None
    return -amount if minus else amount


def number(text: str, label: str, field: str, *, largest: Decimal = Decimal("1000000000000")) -> Decimal:
    """A count, a percentage or a driver value: 0 or more, at most six decimal places (commas fine).

    Raises:
        InvalidError: otherwise, naming ``label``.
    """
    cleaned = str(text).strip().replace(" ", "").removesuffix("%")
    if not cleaned:
        raise InvalidError(f"Enter the {label[:1].lower()}{label[1:]}", field=field)
    match = _NUMBER.match(cleaned)
    if match is None:
        raise InvalidError(f"{label} must be a number of 0 or more, like 1,250 or 33.5", field=field)
    value = Decimal(match.group(1).replace(",", "") + ("." + match.group(2) if match.group(2) else ""))
    if value > largest:
        raise InvalidError(f"{label} must be {largest:,} or less", field=field)
    return value


def whole(text: str, label: str, field: str, *, largest: int) -> int:
    """A whole number from 0 to ``largest``.

    Raises:
        InvalidError: otherwise, naming ``label``.
    """
    cleaned = str(text).strip().replace(",", "")
    if not cleaned:
        raise InvalidError(f"Enter the {label[:1].lower()}{label[1:]}", field=field)
    if not (cleaned.isascii() and cleaned.isdigit()) or len(cleaned) > 12 or int(cleaned) > largest:
        raise InvalidError(f"{label} must be a whole number from 0 to {largest:,}", field=field)
    return int(cleaned)


def financial_year(text: str, label: str = "Financial year", field: str = "year") -> int:
    """``"2027-28"`` (or ``2027/28``, ``2027-2028``) -> ``2027``.

    Raises:
        InvalidError: empty, not a financial year, or outside 2000-2100, naming ``label``.
    """
    cleaned = str(text).strip()
    if not cleaned:
        raise InvalidError(f"Enter the {label.lower()}", field=field)
    if cleaned.isascii() and cleaned.isdigit():
        raise InvalidError(f"{label} must be written like 2027-28", field=field)
    try:
        return fy.parse(cleaned)
    except InvalidError as exc:
        message = str(exc)
        raise InvalidError(f"{label}: {message[:1].upper()}{message[1:]}", field=field) from None


def day(year: str, month: str, day_: str, label: str, field: str) -> date:
    """A date from its three GOV.UK date-input parts (:func:`workflow.engine.day_parts.day_from_parts`).

    Raises:
        InvalidError: a part missing, not a real date, or outside 2000-2100, naming ``label``.
    """
    return day_from_parts(day_, month, year, label, field)
