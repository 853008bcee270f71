"""Money as people type it into a form or a spreadsheet cell, read strictly: ``12,000`` and ``£12,000.50`` are
amounts, ``5e9``, ``1.234`` and ``12,00`` are not. Every refusal says in words what was expected, so the web and
the spreadsheet import can show it beside the field or the cell."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from ..engine.day_parts import day_from_parts
from ..engine.errors import N_, BannsError, InvalidError, Word
from ..engine.text import check_amount
from . import years as fy

_POUNDS = re.compile(r"^(-)?£?(-)?(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?$", re.ASCII)
_NUMBER = re.compile(r"^(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,6}))?$", re.ASCII)
#: The label of a financial year when the caller gives none, and its words in the middle of a sentence.
FINANCIAL_YEAR = Word(N_("Financial year"))
_LOWER: dict[str, str] = {FINANCIAL_YEAR: Word(N_("financial year"))}


def _lower(label: str | BannsError) -> str | BannsError:
    """``label`` in the middle of a sentence ("Enter the amount"): its first letter small."""
    if not isinstance(label, str):
        return label
    return _LOWER.get(label) or label[:1].lower() + label[1:]


def pounds(text: str, label: str | BannsError, field: str = "amount", *, negative: bool = False) -> Decimal:
    """``"£12,000.50"`` -> ``Decimal("12000.50")``.

    Raises:
        InvalidError: empty, not written as pounds and pence, negative where ``negative`` is False, or more
            than banns holds; the message starts with ``label`` (a form's label, or words with values).
    """
    cleaned = str(text).strip().replace(" ", "")
    if not cleaned:
        raise InvalidError(N_("Enter the {label}"), field=field, label=_lower(label))
    match = _POUNDS.match(cleaned)
    if match is None or (match.group(1) and match.group(2)):
        raise InvalidError(
            N_("{label} must be in pounds and pence, like 12,000 or £12,000.50"), field=field, label=label
        )
    minus = bool(match.group(1) or match.group(2))
    if minus and not negative:
        raise InvalidError(N_("{label} must be £0 or more"), field=field, label=label)
    amount = Decimal(match.group(3).replace(",", "") + "." + (match.group(4) or "0").ljust(2, "0"))
    try:
        check_amount(amount, field)
    except InvalidError:
        raise InvalidError(N_("{label} must be £100,000,000,000 or less"), field=field, label=label) from None
    return -amount if minus else amount


def number(text: str, label: str, field: str, *, largest: Decimal = Decimal("1000000000000")) -> Decimal:
    """A count, a percentage or a driver value: 0 or more, at most six decimal places (commas fine).

    Raises:
        InvalidError: otherwise, naming ``label``.
    """
    cleaned = str(text).strip().replace(" ", "").removesuffix("%")
    if not cleaned:
        raise InvalidError(N_("Enter the {label}"), field=field, label=_lower(label))
    match = _NUMBER.match(cleaned)
    if match is None:
        raise InvalidError(N_("{label} must be a number of 0 or more, like 1,250 or 33.5"), field=field, label=label)
    value = Decimal(match.group(1).replace(",", "") + ("." + match.group(2) if match.group(2) else ""))
    if value > largest:
        raise InvalidError(N_("{label} must be {largest} or less"), field=field, label=label, largest=f"{largest:,}")
    return value


def whole(text: str, label: str, field: str, *, largest: int) -> int:
    """A whole number from 0 to ``largest``.

    Raises:
        InvalidError: otherwise, naming ``label``.
    """
    cleaned = str(text).strip().replace(",", "")
    if not cleaned:
        raise InvalidError(N_("Enter the {label}"), field=field, label=_lower(label))
    if not (cleaned.isascii() and cleaned.isdigit()) or len(cleaned) > 12 or int(cleaned) > largest:
        raise InvalidError(
            N_("{label} must be a whole number from 0 to {largest}"), field=field, label=label, largest=f"{largest:,}"
        )
    return int(cleaned)


def financial_year(text: str, label: str = FINANCIAL_YEAR, field: str = "year") -> int:
    """``"2027-28"`` (or ``2027/28``, ``2027-2028``) -> ``2027``.

    Raises:
        InvalidError: empty, not a financial year, or outside 2000-2100, naming ``label``.
    """
    cleaned = str(text).strip()
    if not cleaned:
        raise InvalidError(N_("Enter the {label}"), field=field, label=_LOWER.get(label) or label.lower())
    if cleaned.isascii() and cleaned.isdigit():
        raise InvalidError(N_("{label} must be written like 2027-28"), field=field, label=label)
    try:
        return fy.parse(cleaned)
    except InvalidError as exc:  # its message starts with the year as written, in quotes: no capital to make
        raise InvalidError(N_("{label}: {problem}"), field=field, label=label, problem=exc) from None


def day(year: str, month: str, day_: str, label: str, field: str) -> date:
    """A date from its three GOV.UK date-input parts (:func:`workflow.engine.day_parts.day_from_parts`).

    Raises:
        InvalidError: a part missing, not a real date, or outside 2000-2100, naming ``label``.
    """
    return day_from_parts(day_, month, year, label, field)
