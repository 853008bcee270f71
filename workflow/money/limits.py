"""Figure checks with a limit from the lifecycle file (``banns.figures`` entry points): the business case pays
back within N years, its net present value is positive, and every partner's own position is a saving by year
N of the appraisal. Each answers whether it is met and why, naming the figure and the limit."""

from __future__ import annotations

from sqlalchemy.orm import Session

from ..engine.errors import InvalidError
from . import store
from . import years as fy
from .case import ZERO
from .results import Results, compute


def payback_within(session: Session, programme_id: int, years: int) -> tuple[bool, str]:
    """The business case pays back within ``years`` years of the start of its appraisal."""
    results = _results(session, programme_id)
    if isinstance(results, str):
        return False, results
    taken = results.payback_years
    if taken is None:
        return False, f"payback: the case does not pay back in its appraisal period; the limit is {years} year(s)"
    if taken > years:
        return False, f"payback: {taken} years, over the limit of {years}"
    return True, f"payback: {taken} year(s), within the limit of {years}"


def npv_positive(session: Session, programme_id: int) -> tuple[bool, str]:
    """The business case's net present value (Green Book discounting) is above zero."""
    results = _results(session, programme_id)
    if isinstance(results, str):
        return False, results
    verdict = "above" if results.npv > ZERO else "not above"
    return results.npv > ZERO, f"net present value: £{results.npv:,.2f}, {verdict} the limit of £0.00"


def each_partner_saves_by(session: Session, programme_id: int, years: int) -> tuple[bool, str]:
    """By year ``years`` of the appraisal, every current partner's cumulative net position is a saving."""
    results = _results(session, programme_id)
    if isinstance(results, str):
        return False, results
    period = [y.year for y in results.years]
    if len(period) < years:
        return False, f"the appraisal has {len(period)} year(s); the limit names year {years}"
    year = period[years - 1]
    behind = sorted(
        f"{p.partner} (£{p.cumulative:,.2f})"
        for p in results.partners
        if p.year == year and p.cumulative < ZERO and p.partner in _current(session, programme_id)
    )
    if behind:
        return False, f"net position by {fy.label(year)} (year {years}): not yet a saving for " + ", ".join(behind)
    return True, f"net position by {fy.label(year)} (year {years}): a saving for every partner"


def _results(session: Session, programme_id: int) -> Results | str:
    """The programme's results, or why there are none yet."""
    prog = store.programme(session, programme_id)
    case = store.load_case(session, prog)
    if case.is_empty:
        return "no business case figures recorded"
    bases = store.load_bases(session, prog)
    if "" not in bases:
        return "no cost-sharing basis recorded"
    agreement = store.load_agreement(session, prog)
    recompute = agreement.recompute if agreement else "basis"
    plans = {s: store.share_plan(prog, basis, kept, recompute) for s, (basis, kept) in bases.items()}
    try:
        return compute(case, plans.pop(""), plans)
    except InvalidError as exc:
        return str(exc)


def _current(session: Session, programme_id: int) -> set[str]:
    return {p.name for p in store.current_partners(store.programme(session, programme_id))}
