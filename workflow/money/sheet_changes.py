"""What a spreadsheet would change, shown before it is imported: each figure whose amount differs, as it is and
as it would be, and a fingerprint of the figures it was compared with, so that a confirmation arriving after
someone else changed them is refused rather than applied to figures nobody saw. The figures also travel as
plain data (``to_data``/``from_data``) between the check and the confirmation."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from ..engine.errors import N_
from . import years as fy
from .case import CATEGORY_TITLES, Baseline, BusinessCase, Investment, Saving
from .said import Said
from .sheet_figures import ACTUALS, BASELINES, CASE, COSTS, Cost, Sheets


@dataclass(frozen=True)
class Change:
    """One figure the import changes (``before`` None: new; ``after`` None: removed); ``item`` names it, a
    msgid and its values ("2027-28 IT (one-off)")."""

    sheet: str
    item: Said
    before: Decimal | None
    after: Decimal | None


@dataclass(frozen=True)
class Preview:
    """Every change, the appraisal period before and after, and the fingerprint of the figures compared."""

    changes: tuple[Change, ...]
    period_before: tuple[int, ...]
    period_after: tuple[int, ...]
    fingerprint: str


def fingerprint(case: BusinessCase, actuals: Iterable[Saving], costs: Iterable[Cost]) -> str:
    """A hash of the figures a spreadsheet replaces: it changes whenever any of them does."""
    text = repr(
        (
            sorted(map(repr, case.investments)),
            sorted(map(repr, case.savings)),
            sorted(map(repr, case.baselines)),
            case.first_year,
            case.years,
            sorted(map(repr, actuals)),
            sorted(map(repr, costs)),
        )
    )
    return hashlib.sha256(text.encode()).hexdigest()


def preview(case: BusinessCase, actuals: tuple[Saving, ...], costs: tuple[Cost, ...], sheets: Sheets) -> Preview:
    """What importing ``sheets`` over these figures would change."""
    found = _compare(CASE, _investments(case.investments), _investments(sheets.case.investments))
    found += _compare(CASE, _savings(case.savings), _savings(sheets.case.savings))
    found += _compare(BASELINES, _baselines(case.baselines), _baselines(sheets.case.baselines))
    if sheets.actuals is not None:
        found += _compare(ACTUALS, _savings(actuals), _savings(sheets.actuals))
    if sheets.costs is not None and sorted(map(repr, costs)) != sorted(map(repr, sheets.costs)):
        total = sum((c.amount for c in costs), Decimal("0.00"))
        found.append(
            Change(
                COSTS,
                Said(N_("{before} costs become {after}"), before=len(costs), after=len(sheets.costs)),
                total,
                sum((c.amount for c in sheets.costs), Decimal("0.00")),
            )
        )
    return Preview(tuple(found), tuple(case.period()), tuple(sheets.case.period()), fingerprint(case, actuals, costs))


def _compare(sheet: str, before: dict[Said, Decimal], after: dict[Said, Decimal]) -> list[Change]:
    keys = list(dict.fromkeys([*before, *after]))
    return [Change(sheet, k, before.get(k), after.get(k)) for k in keys if before.get(k) != after.get(k)]


def _investments(lines: Iterable[Investment]) -> dict[Said, Decimal]:
    totals: dict[Said, Decimal] = {}
    for i in sorted(lines, key=lambda i: (i.year, i.recurring, i.category)):
        item = N_("{year} {category} (recurring)") if i.recurring else N_("{year} {category} (one-off)")
        key = Said(item, year=fy.label(i.year), category=CATEGORY_TITLES[i.category])
        totals[key] = totals.get(key, Decimal("0.00")) + i.amount
    return totals


def _savings(lines: Iterable[Saving]) -> dict[Said, Decimal]:
    totals: dict[Said, Decimal] = {}
    for s in sorted(lines, key=lambda s: (s.year, s.service)):
        key = Said(N_("{year} {service}"), year=fy.label(s.year), service=s.service)
        totals[key] = totals.get(key, Decimal("0.00")) + s.amount
    return totals


def _baselines(lines: Iterable[Baseline]) -> dict[Said, Decimal]:
    return {Said(N_("{partner}: {service}"), partner=b.partner, service=b.service): b.amount for b in lines}


# --- the figures as plain data, to carry from the check to the confirmation ------------------------------------


def to_data(sheets: Sheets) -> dict[str, Any]:
    c = sheets.case
    return {
        "i": [[i.year, i.category, str(i.amount), i.recurring] for i in c.investments],
        "s": [[s.year, s.service, str(s.amount)] for s in c.savings],
        "b": [[b.partner, b.service, str(b.amount)] for b in c.baselines],
        "p": [c.first_year, c.years],
        "a": None if sheets.actuals is None else [[a.year, a.service, str(a.amount)] for a in sheets.actuals],
        "c": None
        if sheets.costs is None
        else [[x.on.isoformat(), x.category, str(x.amount), x.note] for x in sheets.costs],
    }


def from_data(data: dict[str, Any]) -> Sheets:
    """Raises: KeyError, ValueError, TypeError: not what :func:`to_data` wrote."""
    case = BusinessCase(
        tuple(Investment(int(y), str(c), Decimal(a), bool(r)) for y, c, a, r in data["i"]),
        tuple(Saving(int(y), str(s), Decimal(a)) for y, s, a in data["s"]),
        tuple(Baseline(str(p), str(s), Decimal(a)) for p, s, a in data["b"]),
        data["p"][0],
        data["p"][1],
    )
    actuals = None if data["a"] is None else tuple(Saving(int(y), str(s), Decimal(a)) for y, s, a in data["a"])
    costs = (
        None
        if data["c"] is None
        else tuple(Cost(date.fromisoformat(d), str(c), Decimal(a), str(n)) for d, c, a, n in data["c"])
    )
    return Sheets(case, actuals, costs)
