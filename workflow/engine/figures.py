"""Figure checks: gate criteria met by a programme's own data (its business case, its pre-nuptial
agreement) rather than by evidence someone records. A criterion names its check with ``figures:``.

Checks are plug-ins, found through the ``banns.figures`` entry point group, so the engine core knows no
money: the money package registers ``savings_by_year``, ``payback_year`` and ``complete_agreement``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import cache
from importlib.metadata import entry_points

from sqlalchemy.orm import Session

#: ``check(session, programme_id) -> (met, a sentence saying why)``
FigureCheck = Callable[[Session, int], tuple[bool, str]]


@cache
def figure_checks() -> dict[str, FigureCheck]:
    """Every installed figure check by name."""
    return {ep.name: ep.load() for ep in entry_points(group="banns.figures")}


def check_figures(session: Session, programme_id: int, names: Iterable[str]) -> dict[str, tuple[bool, str]]:
    """Run the named checks on one programme (inside the caller's transaction)."""
    checks = figure_checks()
    return {
        name: checks[name](session, programme_id) if name in checks else (False, f"no check named '{name}'")
        for name in dict.fromkeys(names)
    }
