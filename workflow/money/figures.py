"""The money package's figure checks for gates (registered as ``banns.figures`` entry points)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from ..engine.errors import N_, InvalidError
from ..engine.registry import Registry
from . import store
from . import years as fy
from .case import ZERO
from .prenup import agreement_problems
from .results import payback_year as payback_of
from .said import Said, joined

REQUIREMENTS = ("savings_by_year", "payback_year", "complete_agreement")
#: Pinned definitions come from the stored text; this registry never reads its folder.
_STORED = Registry(Path())


def savings_by_year(session: Session, programme_id: int) -> tuple[bool, Said]:
    """Planned savings are recorded by financial year."""
    return figures_status(session, programme_id, "savings_by_year")


def payback_year(session: Session, programme_id: int) -> tuple[bool, Said]:
    """The business case pays back within its appraisal period."""
    return figures_status(session, programme_id, "payback_year")


def complete_agreement(session: Session, programme_id: int) -> tuple[bool, Said]:
    """The pre-nuptial agreement has a sharing basis, withdrawal terms, notice period and minimum term."""
    return figures_status(session, programme_id, "complete_agreement")


def figures_status(session: Session, programme_id: int, requirement: str) -> tuple[bool, Said]:
    """Whether the programme's figures meet a gate requirement, and why or why not (a msgid and its values).

    Raises:
        InvalidError: unknown requirement. NotFoundError: no such programme.
    """
    if requirement not in REQUIREMENTS:
        raise InvalidError(
            N_("unknown figures requirement '{requirement}'; expected one of: {requirements}"),
            field="requirement",
            requirement=requirement,
            requirements=REQUIREMENTS,
        )
    prog = store.programme(session, programme_id)
    case = store.load_case(session, prog)
    if requirement == "savings_by_year":
        years = [y for y, amount in case.savings_by_year().items() if amount]
        if not years:
            return False, Said(N_("no planned savings by year recorded"))
        return True, Said(
            N_("planned savings in {count} year(s), {first} to {last}, £{total} in total"),
            count=len(years),
            first=fy.label(years[0]),
            last=fy.label(years[-1]),
            total=f"{sum(case.savings_by_year().values(), ZERO):,.2f}",
        )
    if requirement == "payback_year":
        if case.is_empty:
            return False, Said(N_("no business case figures recorded"))
        period = case.period()
        net = [case.savings_by_year()[y] - case.investment_by_year()[y] for y in period]
        year = payback_of(period, net)
        if year is None:
            return False, Said(N_("the case does not pay back by {year}"), year=fy.label(period[-1]))
        return True, Said(N_("pays back in {year} (year {number})"), year=fy.label(year), number=year - period[0] + 1)
    definition = _STORED.pinned(session, prog.definition_hash)
    bases = store.load_bases(session, prog)
    problems = agreement_problems(
        store.load_agreement(session, prog),
        bases[""][0] if "" in bases else None,
        definition.stage_ids,
        store.facts(store.current_partners(prog)),
    )
    if problems:
        return False, Said(N_("the agreement is incomplete: {problems}"), problems=joined(problems))
    return True, Said(N_("the agreement is complete: basis, withdrawal terms, notice period and minimum term"))
