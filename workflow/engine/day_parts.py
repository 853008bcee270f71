"""A date as people type it into the three boxes of a GOV.UK date input (day, month, year), read strictly.

The error names which of the three boxes are wrong, so a form can mark just those (the GOV.UK pattern), and
says in words what is expected; dates outside 2000-2100 are refused as in the rest of banns.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from .errors import N_, InvalidError, Word
from .text import check_day

PARTS = ("day", "month", "year")


class DayPartsError(InvalidError):
    """A date that could not be read; ``parts`` names the boxes to mark (``day``, ``month``, ``year``)."""

    def __init__(self, message: str, field: str, parts: tuple[str, ...], /, **values: Any) -> None:
        super().__init__(message, field=field, **values)
        self.parts = parts


#: The boxes by name, as words (a message names the ones missing).
_BOXES = {"day": Word(N_("day")), "month": Word(N_("month")), "year": Word(N_("year"))}


def day_from_parts(day: str, month: str, year: str, label: str, field: str = "date") -> date:
    """``("4", "1", "2027")`` -> ``date(2027, 1, 4)``.

    Raises:
        DayPartsError: empty, a part missing or not a number, not a real date, or outside 2000-2100; the
            message starts with ``label``.
    """
    given = dict(zip(PARTS, (str(day).strip(), str(month).strip(), str(year).strip()), strict=True))
    lower = label[:1].lower() + label[1:]
    if not any(given.values()):
        raise DayPartsError(N_("Enter the {label}"), field, PARTS, label=lower)
    missing = tuple(p for p in PARTS if not given[p])
    if len(missing) == 1:
        raise DayPartsError(N_("{label} must include a {part}"), field, missing, label=label, part=_BOXES[missing[0]])
    if missing:
        first, second = (_BOXES[p] for p in missing)
        raise DayPartsError(
            N_("{label} must include a {first} and {second}"), field, missing, label=label, first=first, second=second
        )
    wrong = tuple(p for p in PARTS if not (given[p].isascii() and given[p].isdigit()) or len(given[p]) > 4)
    if wrong:
        raise DayPartsError(N_("{label} must be a real date, like 4 1 2027"), field, wrong, label=label)
    numbers = {p: int(v) for p, v in given.items()}
    if len(given["year"]) != 4:
        raise DayPartsError(N_("{label}: the year must include 4 numbers, like 2027"), field, ("year",), label=label)
    if not 1 <= numbers["month"] <= 12:
        raise DayPartsError(
            N_("{label} must be a real date, like 4 1 2027: the month is from 1 to 12"), field, ("month",), label=label
        )
    try:
        found = date(numbers["year"], numbers["month"], numbers["day"])
    except ValueError:
        raise DayPartsError(N_("{label} must be a real date, like 4 1 2027"), field, ("day",), label=label) from None
    try:
        return check_day(found, field, label)
    except InvalidError as exc:
        raise DayPartsError(exc.message, field, ("year",), **exc.values) from None


__all__ = ["PARTS", "DayPartsError", "day_from_parts"]
