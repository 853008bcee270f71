"""Where the time of one advance goes, two ways.

- Timed, without a profiler: the time inside the driver's ``execute`` (statement round trips, counted)
  and ``commit`` (the fsync), against the whole advance; everything else is Python on our side.
- Profiled with cProfile: the advance split into its phases (inclusive times of the engine's own steps),
  and the same time split by who spends it (our modules, SQLAlchemy, the driver, transitions, ...).
  The profiler slows Python far more than it slows waiting on the disk or the network, so these shares
  overstate Python; read them for the order of the phases, and the timed figures for the real split.
"""

from __future__ import annotations

import cProfile
import importlib
import pstats
import time
from collections import Counter
from pathlib import Path
from statistics import median
from typing import Any

from sqlalchemy import event

from bench.advance import Engine
from bench.prepare import Preparer
from bench.targets import Target

#: Phases of an advance: (label, (file suffix, function name), where the function lives). A phase the profile
#: never saw reads "not called" (the engine may have stopped doing it); a function that no longer exists where
#: it is named stops the bench, so that the table cannot silently go stale again (issue 12).
PHASES = (
    ("load and lock", ("workflow/engine/unit_of_work.py", "_load"), "workflow.engine.unit_of_work:ProgrammeChanges"),
    ("gate inputs", ("workflow/engine/gate_inputs.py", "read_gate_inputs"), "workflow.engine.gate_inputs:"),
    ("machine + gate evaluation", ("workflow/engine/machine.py", "fire"), "workflow.engine.machine:Lifecycle"),
    (
        "event + listeners (outbox)",
        ("workflow/engine/unit_of_work.py", "_log"),
        "workflow.engine.unit_of_work:ProgrammeChanges",
    ),
    ("flush: UPDATE + INSERT", ("sqlalchemy/orm/session.py", "flush"), "sqlalchemy.orm:Session"),
    ("view building (minus flush)", ("workflow/engine/view_builder.py", "build_view"), "workflow.engine.view_builder:"),
    ("commit (incl. fsync)", ("sqlalchemy/orm/session.py", "commit"), "sqlalchemy.orm:Session"),
)
PACKAGES = (
    ("driver (sqlite3/psycopg)", ("sqlite3", "psycopg")),
    ("sqlalchemy", ("sqlalchemy",)),
    ("transitions", ("transitions",)),
    ("our code (workflow/)", ("/workflow/",)),
    ("pydantic", ("pydantic",)),
)


def timed(target: Target, folder: Path, n: int, rounds: int = 3) -> list[str]:
    """Driver time against the whole, unprofiled; medians of ``rounds`` rounds of ``n`` advances."""
    preparer = Preparer(target, folder)
    ids = preparer.ready(n * rounds + 10)
    preparer.dispose()
    engine = Engine(target, folder, ids)
    spent: Counter[str] = Counter()
    _instrument(engine, spent)
    engine.run(10)
    samples: dict[str, list[float]] = {"whole": [], "execute": [], "commit": [], "statements": []}
    for _ in range(rounds):
        spent.clear()
        started = time.perf_counter()
        engine.run(n)
        samples["whole"].append((time.perf_counter() - started) / n * 1e6)
        for key in ("execute", "commit"):
            samples[key].append(spent[key] / n * 1e6)
        samples["statements"].append(spent["statements"] / n)
    engine.dispose()
    whole, execute, commit, statements = (median(samples[k]) for k in ("whole", "execute", "commit", "statements"))
    rest = whole - execute - commit
    return [
        f"  whole advance              {whole:7.0f} us",
        f"  driver executing SQL       {execute:7.0f} us  {execute / whole:4.0%}   "
        f"({statements:.0f} statements through the driver)",
        f"  driver commit (the fsync)  {commit:7.0f} us  {commit / whole:4.0%}",
        f"  Python: ORM, engine, view  {rest:7.0f} us  {rest / whole:4.0%}",
    ]


def _instrument(engine: Engine, spent: Counter[str]) -> None:
    sa_engine = engine.db.engine
    starts: list[float] = []

    @event.listens_for(sa_engine, "before_cursor_execute")
    def _before(*_: Any) -> None:
        starts.append(time.perf_counter())

    @event.listens_for(sa_engine, "after_cursor_execute")
    def _after(*_: Any) -> None:
        spent["execute"] += time.perf_counter() - starts.pop()
        spent["statements"] += 1

    dialect = sa_engine.dialect
    do_commit = dialect.do_commit

    def timed_commit(dbapi_connection: Any) -> None:
        started = time.perf_counter()
        do_commit(dbapi_connection)
        spent["commit"] += time.perf_counter() - started

    dialect.do_commit = timed_commit  # type: ignore[method-assign]


def profiled(target: Target, folder: Path, n: int) -> list[str]:
    """Phases and packages of ``n`` advances under cProfile."""
    preparer = Preparer(target, folder)
    ids = preparer.ready(n + 10)
    preparer.dispose()
    engine = Engine(target, folder, ids)
    engine.run(10)
    profile = cProfile.Profile()
    profile.enable()
    engine.run(n)
    profile.disable()
    engine.dispose()
    stats: dict[tuple[str, int, str], tuple[Any, ...]] = pstats.Stats(profile).stats  # type: ignore[attr-defined]
    total = sum(tt for _, _, tt, _, _ in stats.values())
    cumulative = {label: _cumulative(stats, where, home) for label, where, home in PHASES}
    if cumulative["view building (minus flush)"]:
        cumulative["view building (minus flush)"] -= cumulative["flush: UPDATE + INSERT"]
    lines = [f"  phases (profiled; {total / n * 1e6:.0f} us per advance under the profiler):"]
    for label, seconds in cumulative.items():
        lines.append(f"    {label:<30} {seconds / total:5.1%}" + ("" if seconds else "  (not called)"))
    rest = total - sum(cumulative.values())
    lines.append(f"    {'session, BEGIN, close (rest)':<30} {rest / total:5.1%}")
    lines.append("  own time by package (profiled):")
    for label, share in _by_package(stats, total):
        lines.append(f"    {label:<30} {share:5.1%}")
    return lines


def _cumulative(stats: dict[tuple[str, int, str], tuple[Any, ...]], where: tuple[str, str], home: str) -> float:
    """The time spent in the function (0 when the profile never saw it).

    Raises:
        AssertionError: the function no longer exists where ``home`` says (``module:Class`` or ``module:``).
    """
    suffix, name = where  # the outermost of same-named functions (Session.commit calls a nested commit)
    module, _, owner = home.partition(":")
    found_in = getattr(importlib.import_module(module), owner) if owner else importlib.import_module(module)
    if not hasattr(found_in, name):
        raise AssertionError(f"{home} has no {name}: update bench/breakdown.py PHASES")
    found = [ct for (file, _, func), (_, _, _, ct, _) in stats.items() if func == name and file.endswith(suffix)]
    return float(max(found, default=0.0))


def _by_package(stats: dict[tuple[str, int, str], tuple[Any, ...]], total: float) -> list[tuple[str, float]]:
    shares: Counter[str] = Counter()
    for (file, _, func), (_, _, tt, _, _) in stats.items():
        shares[_package(file, func)] += tt
    return [(label, shares[label] / total) for label in [*(p for p, _ in PACKAGES), "stdlib and other"]]


def _package(file: str, func: str) -> str:
    where = f"{file} {func}"
    for label, needles in PACKAGES:
        if any(needle in where for needle in needles):
            return label
    return "stdlib and other"
