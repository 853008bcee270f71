"""Working days per UK nation: weekends and bank holidays, from the installed ``holidays`` package.

The holiday tables ship inside the package, so nothing is fetched at run time. England and Wales share
their bank holidays (the package's ``ENG`` and ``WLS`` subdivisions agree); Scotland and Northern Ireland
have their own. A day counted for several partners at once (a programme-wide deadline) is a working day
only if it is one in every nation involved.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from datetime import date, timedelta

import holidays

from .errors import N_, InvalidError

NATIONS = {"england": "ENG", "wales": "WLS", "scotland": "SCT", "northern_ireland": "NIR"}


@functools.lru_cache(maxsize=64)
def _bank_holidays(nation: str, year: int) -> frozenset[date]:
    try:
        subdiv = NATIONS[nation]
    except KeyError:
        raise InvalidError(
            N_("unknown nation '{nation}'; expected one of: {nations}"),
            field="nation",
            nation=nation,
            nations=tuple(NATIONS),
        ) from None
    return frozenset(holidays.country_holidays("GB", subdiv=subdiv, years=year, categories=(holidays.PUBLIC,)))


def bank_holidays(nation: str, year: int) -> frozenset[date]:
    """The bank holidays of ``nation`` in ``year``.

    Raises:
        InvalidError: an unknown nation.
    """
    return _bank_holidays(nation, year)


def is_working_day(day: date, nations: Iterable[str]) -> bool:
    """Monday to Friday and a bank holiday in none of ``nations`` (default England if none given)."""
    if day.weekday() >= 5:
        return False
    return not any(day in _bank_holidays(n, day.year) for n in (tuple(nations) or ("england",)))


def add_days(start: date, days: int, nations: Iterable[str] = (), *, working: bool = False) -> date:
    """``start`` moved by ``days`` (negative: earlier), counting only working days when ``working``.

    With working days, the result is always a working day: ``days`` working days after (or before) start.
    """
    if not working:
        return start + timedelta(days=days)
    return _add_working_days(start, days, _key(nations))


def _key(nations: Iterable[str]) -> tuple[str, ...]:
    """The nations as a cache key: a day is a working day in a set of nations whatever their order."""
    return tuple(sorted(set(nations))) or ("england",)


@functools.lru_cache(maxsize=8192)
def _add_working_days(start: date, days: int, nations: tuple[str, ...]) -> date:
    """Working-day arithmetic, remembered: a reminder scan asks the same sums for many programmes."""
    step = timedelta(days=1 if days >= 0 else -1)
    day, left = start, abs(days)
    while left:
        day += step
        if is_working_day(day, nations):
            left -= 1
    return day


def working_day_on_or_before(day: date, nations: Iterable[str] = ()) -> date:
    """The last working day on or before ``day``: a statutory deadline counted in calendar days that falls on a
    weekend or bank holiday has to be met by the working day before it, so that is when it is reminded."""
    return _working_day_on_or_before(day, _key(nations))


@functools.lru_cache(maxsize=4096)
def _working_day_on_or_before(day: date, nations: tuple[str, ...]) -> date:
    while not is_working_day(day, nations):
        day -= timedelta(days=1)
    return day


def add_months(start: date, months: int) -> date:
    """The same day ``months`` later, or the month's last day where it is shorter (31 Aug + 6 = 28/29 Feb)."""
    total = start.month - 1 + months
    year, month = start.year + total // 12, total % 12 + 1
    for day in (start.day, 30, 29, 28):
        try:
            return date(year, month, min(start.day, day))
        except ValueError:
            continue
    raise AssertionError("unreachable")  # pragma: no cover


def occurrences(
    start: date, every: int, until: date, nations: Iterable[str] = (), *, working: bool = False
) -> list[date]:
    """The dates ``every``, ``2*every``, ... days after ``start`` up to and including ``until``."""
    return list(_occurrences(start, every, until, _key(nations), working))


@functools.lru_cache(maxsize=4096)
def _occurrences(start: date, every: int, until: date, nations: tuple[str, ...], working: bool) -> tuple[date, ...]:
    found = []
    day = add_days(start, every, nations, working=working)
    while day <= until:
        found.append(day)
        day = add_days(day, every, nations, working=working)
    return tuple(found)
