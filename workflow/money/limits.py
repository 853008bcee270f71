"""Figure checks with a limit from the lifecycle file (``banns.figures`` entry points): the business case pays
back within N years, its net present value is positive, and every partner's own position is a saving by year
N of the appraisal. Each answers whether it is met and why, naming the figure and the limit."""

from __future__ import annotations

from sqlalchemy.orm import Session

from ..engine.errors import N_, InvalidError
from . import store
from . import years as fy
from .case import ZERO
from .results import Results, compute
from .said import Said


def payback_within(session: Session, programme_id: int, years: int) -> tuple[bool, Said]:
    """The business case pays back within ``years`` years of the start of its appraisal."""
    results = _results(session, programme_id)
    if isinstance(results, Said):
        return False, results
    taken = results.payback_years
    if taken is None:
        return False, Said(
            N_("payback: the case does not pay back in its appraisal period; the limit is {years} year(s)"), years=years
        )
    if taken > years:
        return False, Said(N_("payback: {taken} years, over the limit of {years}"), taken=taken, years=years)
    return True, Said(N_("payback: {taken} year(s), within the limit of {years}"), taken=taken, years=years)


def npv_positive(session: Session, programme_id: int) -> tuple[bool, Said]:
    """The business case's net present value (Green Book discounting) is above zero."""
    results = _results(session, programme_id)
    if isinstance(results, Said):
        return False, results
    verdict = (
        N_("net present value: £{npv}, above the limit of £0.00")
        if results.npv > ZERO
        else N_("net present value: £{npv}, not above the limit of £0.00")
    )
    return results.npv > ZERO, Said(verdict, npv=f"{results.npv:,.2f}")


def each_partner_saves_by(session: Session, programme_id: int, years: int) -> tuple[bool, Said]:
    """By year ``years`` of the appraisal, every current partner's cumulative net position is a saving."""
    results = _results(session, programme_id)
    if isinstance(results, Said):
        return False, results
    period = [y.year for y in results.years]
    if len(period) < years:
        short = N_("the appraisal has {count} year(s); the limit names year {years}")
        return False, Said(short, count=len(period), years=years)
    year = period[years - 1]
    behind = sorted(
        (p.partner, f"{p.cumulative:,.2f}")
        for p in results.partners
        if p.year == year and p.cumulative < ZERO and p.partner in _current(session, programme_id)
    )
    if behind:
        partners = tuple(Said(N_("{partner} (£{amount})"), partner=name, amount=amount) for name, amount in behind)
        not_yet = N_("net position by {year} (year {years}): not yet a saving for {partners}")
        return False, Said(not_yet, year=fy.label(year), years=years, partners=partners)
    every = N_("net position by {year} (year {years}): a saving for every partner")
    return True, Said(every, year=fy.label(year), years=years)


def _results(session: Session, programme_id: int) -> Results | Said:
    """The programme's results, or why there are none yet."""
    prog = store.programme(session, programme_id)
    case = store.load_case(session, prog)
    if case.is_empty:
        return Said(N_("no business case figures recorded"))
    bases = store.load_bases(session, prog)
    if "" not in bases:
        return Said(N_("no cost-sharing basis recorded"))
    agreement = store.load_agreement(session, prog)
    recompute = agreement.recompute if agreement else "basis"
    plans = {s: store.share_plan(prog, basis, kept, recompute) for s, (basis, kept) in bases.items()}
    try:
        return compute(case, plans.pop(""), plans)
    except InvalidError as exc:
        return Said(N_("{problem}"), problem=exc)


def _current(session: Session, programme_id: int) -> set[str]:
    return {p.name for p in store.current_partners(store.programme(session, programme_id))}
