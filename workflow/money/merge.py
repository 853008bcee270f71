"""What a money file changes: the figures it names, merged line by line into what the programme has, or (to
replace) the whole of it. Lines are matched by what names them (an investment by year, category, recurrence
and note; a saving or actual by year and service; a baseline by partner and service; a basis by service; a
cost by day, category and note), so a changed amount changes that line and adds nothing.

A merge removes nothing: a line the file does not name stays as it is. Replacing removes every line the file
does not have, and :func:`removals` lists them first so that the caller can say so before anything goes.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Any

from ..engine.errors import N_
from . import years as fy
from .importer import MoneySpec
from .said import Said

#: section -> (its lines in a spec, the key naming a line, the line in words)
Section = tuple[Callable[[MoneySpec], Sequence[Any]], Callable[[Any], Hashable], Callable[[Any], Said]]

SECTIONS: dict[str, Section] = {
    "investments": (
        lambda s: s.case.investments,
        lambda i: (i.year, i.category, i.recurring, i.note),
        lambda i: Said(
            N_("investment {year} {category} (recurring): £{amount}")
            if i.recurring
            else N_("investment {year} {category}: £{amount}"),
            year=fy.label(i.year),
            category=i.category,
            amount=f"{i.amount:,}",
        ),
    ),
    "savings": (
        lambda s: s.case.savings,
        lambda x: (x.year, x.service),
        lambda x: Said(
            N_("saving {year} {service}: £{amount}"), year=fy.label(x.year), service=x.service, amount=f"{x.amount:,}"
        ),
    ),
    "baselines": (
        lambda s: s.case.baselines,
        lambda b: (b.partner, b.service),
        lambda b: Said(
            N_("baseline {partner}, {service}: £{amount}"), partner=b.partner, service=b.service, amount=f"{b.amount:,}"
        ),
    ),
    "bases": (
        lambda s: s.bases,
        lambda b: b.service,
        lambda b: (
            Said(N_("sharing basis {service} ({kind})"), service=b.service, kind=b.kind)
            if b.service
            else Said(N_("sharing basis for the programme ({kind})"), kind=b.kind)
        ),
    ),
    "costs_incurred": (
        lambda s: s.costs_incurred,
        lambda c: (c.incurred_on, c.category, c.note),
        lambda c: Said(
            N_("cost incurred {on} {category}: £{amount}"),
            on=c.incurred_on.isoformat(),
            category=c.category,
            amount=f"{c.amount:,}",
        ),
    ),
    "actuals": (
        lambda s: s.actuals,
        lambda x: (x.year, x.service),
        lambda x: Said(
            N_("actual saving {year} {service}: £{amount}"),
            year=fy.label(x.year),
            service=x.service,
            amount=f"{x.amount:,}",
        ),
    ),
}
CASE_PARTS = ("investments", "savings", "baselines")


@dataclass(frozen=True)
class Removal:
    """One line a replacing import would remove: its section and the line in words (a msgid and its values)."""

    section: str
    line: Said


def named(data: Any) -> set[str]:
    """The sections a money file names (top-level keys, and the parts of ``case`` it has)."""
    if not isinstance(data, dict):
        return set()
    found = {str(k) for k in data if k != "case"}
    case = data.get("case")
    if isinstance(case, dict):
        found |= {str(k) for k in case}
    return found


def merge(current: MoneySpec, file: MoneySpec, sections: set[str]) -> MoneySpec:
    """``current`` with the lines of each section ``file`` names set from the file (added or changed)."""

    def lines(name: str) -> list[Any]:
        of, key, _ = SECTIONS[name]
        if name not in sections:
            return list(of(current))
        merged = {key(line): line for line in of(current)}
        merged.update((key(line), line) for line in of(file))
        return list(merged.values())

    case = current.case.model_copy(
        update={
            **{part: lines(part) for part in CASE_PARTS},
            **{f: getattr(file.case, f) for f in ("first_year", "years") if f in sections},
        }
    )
    return current.model_copy(
        update={
            "case": case,
            "bases": lines("bases"),
            "costs_incurred": lines("costs_incurred"),
            "actuals": lines("actuals"),
            "agreement": file.agreement if "agreement" in sections else current.agreement,
            "confidence_scale": file.confidence_scale if "confidence_scale" in sections else current.confidence_scale,
        }
    )


def removals(current: MoneySpec, new: MoneySpec) -> list[Removal]:
    """Every line of ``current`` that ``new`` does not have, in words, section by section."""
    found = []
    for name, (of, key, words) in SECTIONS.items():
        kept = {key(line) for line in of(new)}
        found += [Removal(name, words(line)) for line in of(current) if key(line) not in kept]
    if current.agreement is not None and new.agreement is None:
        agreement = Said(N_("the pre-nuptial agreement (notice, minimum term, withdrawal terms)"))
        found.append(Removal("agreement", agreement))
    return found
