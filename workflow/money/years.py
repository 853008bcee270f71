"""Financial years (1 April to 31 March), named by the calendar year they start in: 2011 is "2011-12"."""

from __future__ import annotations

import re
from datetime import date, timedelta

from ..engine.errors import N_, InvalidError
from ..engine.text import EARLIEST_DAY, LATEST_DAY

_LABEL = re.compile(r"^(\d{4})[-/](\d{2}|\d{4})$")


def year_of(day: date) -> int:
    """The financial year ``day`` falls in: 31 March 2012 is in 2011 (2011-12), 1 April 2012 in 2012."""
    return day.year if day.month >= 4 else day.year - 1


def start_of(year: int) -> date:
    return date(year, 4, 1)


def end_of(year: int) -> date:
    """The last day of the financial year (31 March of the next calendar year)."""
    return date(year + 1, 3, 31)


def days_in(year: int) -> int:
    return (end_of(year) - start_of(year)).days + 1


def label(year: int) -> str:
    """``2011`` -> ``"2011-12"``; ``1999`` -> ``"1999-00"``."""
    return f"{year}-{(year + 1) % 100:02d}"


def parse(text: str | int) -> int:
    """A financial year from ``"2011-12"``, ``"2011/12"``, ``"2011-2012"`` or ``2011``.

    Raises:
        InvalidError: not a financial year, the two years are not consecutive, or it starts before 2000 or
            after 2100.
    """
    if isinstance(text, int) and not isinstance(text, bool):
        return _plausible(text, str(text))
    match = _LABEL.match(str(text).strip())
    if match is None:
        shown = str(text).encode("unicode_escape").decode("ascii")[:40]
        raise InvalidError(N_("'{shown}' is not a financial year; expected e.g. 2011-12"), field="year", shown=shown)
    first, second = int(match.group(1)), match.group(2)
    expected = f"{(first + 1) % 100:02d}" if len(second) == 2 else str(first + 1)
    if second != expected:
        raise InvalidError(
            N_("'{text}' is not a financial year: it should end in {expected}"),
            field="year",
            text=str(text),
            expected=expected,
        )
    return _plausible(first, str(text))


def _plausible(year: int, text: str) -> int:
    if not EARLIEST_DAY.year <= year <= LATEST_DAY.year:
        raise InvalidError(
            N_("'{text}' is not a plausible financial year; expected one from {earliest} to {latest}"),
            field="year",
            text=text,
            earliest=EARLIEST_DAY.year,
            latest=LATEST_DAY.year,
        )
    return year


def overlap_days(year: int, start: date, end: date | None) -> int:
    """How many days of financial ``year`` fall in ``[start, end)`` (``end`` ``None``: open-ended)."""
    first = max(start, start_of(year))
    last = min(end - timedelta(days=1), end_of(year)) if end else end_of(year)
    return max((last - first).days + 1, 0)
