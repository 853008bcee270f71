"""Reporting periods: a quarter of a financial year, written one way everywhere: ``2027-28 Q1`` is April to
June 2027, ``2027-28 Q4`` January to March 2028. The web, the command line and the stored confidence ratings
all use :func:`parse` and :func:`label`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from ..engine.errors import N_, InvalidError
from . import years as fy

#: ``2027-28 Q1``; also ``2027/28 Q1``, ``2027-2028 q1`` and ``2027-28Q1``, read as the same period.
_PERIOD = re.compile(r"^(\d{4}\s*[-/]\s*(?:\d{2}|\d{4}))\s*-?\s*[Qq]\s*(\d)$", re.ASCII)
EXAMPLE = "2027-28 Q1"


@dataclass(frozen=True, order=True)
class Period:
    """Quarter ``quarter`` (1 to 4) of the financial year starting in April of ``year``."""

    year: int
    quarter: int

    def __str__(self) -> str:
        return label(self)


def label(period: Period) -> str:
    """``Period(2027, 1)`` -> ``"2027-28 Q1"``."""
    return f"{fy.label(period.year)} Q{period.quarter}"


def of_day(day: date) -> Period:
    """The period ``day`` falls in: 4 January 2027 is in ``2026-27 Q4``."""
    return Period(fy.year_of(day), (day.month - 4) % 12 // 3 + 1)


def parse(text: str) -> Period:
    """``"2027-28 Q1"`` -> ``Period(2027, 1)``.

    Raises:
        InvalidError: (field ``period``) not written like 2027-28 Q1, a quarter other than 1 to 4, years that
            are not consecutive, or a year outside 2000-2100; the message says what is expected.
    """
    cleaned = str(text).strip()
    if not cleaned:
        raise InvalidError(N_("Enter the reporting period, like {example}"), field="period", example=EXAMPLE)
    match = _PERIOD.match(cleaned)
    shown = cleaned.encode("unicode_escape").decode("ascii")[:40]
    if match is None:
        raise InvalidError(
            N_("'{shown}' is not a reporting period: write the financial year and quarter, like {example}"),
            field="period",
            shown=shown,
            example=EXAMPLE,
        )
    quarter = int(match.group(2))
    if not 1 <= quarter <= 4:
        raise InvalidError(
            N_("'{shown}' is not a reporting period: the quarter is Q1 (April to June) to Q4 (January to March)"),
            field="period",
            shown=shown,
        )
    try:
        year = fy.parse(re.sub(r"\s+", "", match.group(1)))
    except InvalidError as exc:
        raise InvalidError(
            N_("'{shown}' is not a reporting period: {problem}"), field="period", shown=shown, problem=exc
        ) from None
    return Period(year, quarter)


def normal(text: str) -> str:
    """``text`` written the one way: ``"2027/28 q1"`` -> ``"2027-28 Q1"``.

    Raises:
        InvalidError: as :func:`parse`.
    """
    return label(parse(text))


__all__ = ["EXAMPLE", "Period", "label", "normal", "of_day", "parse"]
