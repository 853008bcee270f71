"""The money package's figure checks for gates (registered as ``banns.figures`` entry points)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from ..engine.errors import InvalidError
from ..engine.registry import Registry
from . import store
from . import years as fy
from .case import ZERO
from .prenup import agreement_problems
from .results import payback_year as payback_of

REQUIREMENTS = ("savings_by_year", "payback_year", "complete_agreement")
#: Pinned definitions come from the stored text; this registry never reads its folder.
_STORED = Registry(Path())


def savings_by_year(session: Session, programme_id: int) -> tuple[bool, str]:
    """Planned savings are recorded by financial year."""
    return figures_status(session, programme_id, "savings_by_year")


def payback_year(session: Session, programme_id: int) -> tuple[bool, str]:
    """The business case pays back within its appraisal period."""
    return figures_status(session, programme_id, "payback_year")


def complete_agreement(session: Session, programme_id: int) -> tuple[bool, str]:
    """The pre-nuptial agreement has a sharing basis, withdrawal terms, notice period and minimum term."""
    return figures_status(session, programme_id, "complete_agreement")


def figures_status(session: Session, programme_id: int, requirement: str) -> tuple[bool, str]:
    """Whether the programme's figures meet a gate requirement, and a sentence saying why or why not.

    Raises:
        InvalidError: unknown requirement. NotFoundError: no such programme.
    """
    if requirement not in REQUIREMENTS:
        raise InvalidError(
            f"unknown figures requirement '{requirement}'; expected one of: " + ", ".join(REQUIREMENTS),
            field="requirement",
        )
    prog = store.programme(session, programme_id)
    case = store.load_case(session, prog)
    if requirement == "savings_by_year":
        years = [y for y, amount in case.savings_by_year().items() if amount]
        if not years:
            return False, "no planned savings by year recorded"
        return True, (
            f"planned savings in {len(years)} year(s), {fy.label(years[0])} to {fy.label(years[-1])}, "
            f"£{sum(case.savings_by_year().values(), ZERO):,.2f} in total"
        )
    if requirement == "payback_year":
        if case.is_empty:
            return False, "no business case figures recorded"
        period = case.period()
        net = [case.savings_by_year()[y] - case.investment_by_year()[y] for y in period]
        year = payback_of(period, net)
        if year is None:
            return False, f"the case does not pay back by {fy.label(period[-1])}"
        return True, f"pays back in {fy.label(year)} (year {year - period[0] + 1})"
    definition = _STORED.pinned(session, prog.definition_hash)
    bases = store.load_bases(session, prog)
    problems = agreement_problems(
        store.load_agreement(session, prog),
        bases[""][0] if "" in bases else None,
        definition.stage_ids,
        store.facts(store.current_partners(prog)),
    )
    if problems:
        return False, "the agreement is incomplete: " + "; ".join(problems)
    return True, "the agreement is complete: basis, withdrawal terms, notice period and minimum term"
