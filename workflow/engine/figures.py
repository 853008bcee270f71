"""Figure checks: gate criteria met by a programme's own data (its business case, its pre-nuptial
agreement) rather than by evidence someone records. A criterion names its check with ``figures:``.

Checks are plug-ins, found through the ``banns.figures`` entry point group, so the engine core knows no
money: the money package registers ``savings_by_year``, ``payback_year`` and ``complete_agreement``.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable
from functools import cache
from importlib.metadata import entry_points
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from .errors import N_, Phrase

if TYPE_CHECKING:
    from .definitions import Criterion

#: ``check(session, programme_id, **limits) -> (met, a sentence saying why)``; limits (``years``) come from the
#: criterion in the lifecycle file.
FigureCheck = Callable[..., tuple[bool, str]]


@cache
def figure_checks() -> dict[str, FigureCheck]:
    """Every installed figure check by name."""
    return {ep.name: ep.load() for ep in entry_points(group="banns.figures")}


def limits_of(check: FigureCheck) -> tuple[set[str], set[str]]:
    """The limits a check takes: (required, optional) parameter names beyond the session and programme."""
    params = list(inspect.signature(check).parameters.values())[2:]
    required = {p.name for p in params if p.default is inspect.Parameter.empty}
    return required, {p.name for p in params} - required


def check_figures(session: Session, programme_id: int, criteria: Iterable[Criterion]) -> dict[str, tuple[bool, str]]:
    """Run the figure checks the criteria name on one programme (inside the caller's transaction), by
    criterion id."""
    checks = figure_checks()
    found: dict[str, tuple[bool, str]] = {}
    for c in criteria:
        if c.figures is None:
            continue
        check = checks.get(c.figures)
        found[c.id] = (
            check(session, programme_id, **c.figure_params)
            if check
            else (False, Phrase(N_("no check '{check}'"), check=c.figures))
        )
    return found
