"""The headline figure: a persisted advance through a passing 3-partner gate, as a ratio to the raw rate.

- raw: ``UPDATE t`` + ``INSERT INTO log`` + commit through the driver (:class:`targets.Raw`).
- core / orm: the same transaction through SQLAlchemy Core, then through an ORM session opened by
  ``Database.write()`` (load the row, change it, add the log row): the floors the engine stands on.
- engine: ``Programmes.advance`` on a programme whose gate is met: lock and load, check the gate, move,
  event row, commit, and the view it returns.

Runs are interleaved (raw, core, orm, engine, raw, ...) and the medians of the rounds are reported,
because the machine is shared and its speed drifts. Each floor runs about as long as the engine's round.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from statistics import median

from sqlalchemy import Integer, String, event, select, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from bench.prepare import Preparer
from bench.targets import Raw, Target
from workflow.engine.db import Database
from workflow.engine.programmes import Programmes
from workflow.engine.registry import Registry


class _BenchBase(DeclarativeBase):
    """The raw side's two tables, mapped for the ORM floor only (never migrated)."""


class T(_BenchBase):
    __tablename__ = "t"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    n: Mapped[int] = mapped_column(Integer)


class Log(_BenchBase):
    __tablename__ = "log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    t_id: Mapped[int] = mapped_column(Integer)
    n: Mapped[int] = mapped_column(Integer)
    at: Mapped[str] = mapped_column(String)
    note: Mapped[str] = mapped_column(String)


class Core:
    """The raw transaction through SQLAlchemy Core, in the engine's write mode (``BEGIN IMMEDIATE``)."""

    def __init__(self, target: Target) -> None:
        self.db = Database(target.url)

    def run(self, n: int) -> float:
        started = time.perf_counter()
        update = text("UPDATE t SET n = n + 1 WHERE id = 1")
        insert = text("INSERT INTO log (t_id, n, at, note) VALUES (1, :n, :at, :note)")
        with self.db.engine.connect() as conn:
            conn = conn.execution_options(banns_write=True)
            for i in range(n):
                with conn.begin():
                    conn.execute(update)
                    conn.execute(insert, {"n": i, "at": datetime.now(UTC).isoformat(), "note": "advanced"})
        return n / (time.perf_counter() - started)

    def dispose(self) -> None:
        self.db.dispose()


class Orm(Core):
    """The raw transaction as a minimal unit of work: ``Database.write()``, load and lock, change, add."""

    def run(self, n: int) -> float:
        started = time.perf_counter()
        stmt = select(T).where(T.id == 1).with_for_update()
        for i in range(n):
            with self.db.write() as session:
                row = session.scalars(stmt).one()
                row.n += 1
                session.add(Log(t_id=1, n=i, at=datetime.now(UTC).isoformat(), note="advanced"))
        return n / (time.perf_counter() - started)


class Engine:
    """Persisted advances through ``programmes_class`` (the real engine, or a bench experiment)."""

    def __init__(
        self, target: Target, folder: Path, pool: list[int], programmes_class: type[Programmes] = Programmes
    ) -> None:
        self.db = Database(target.url)
        self.programmes = programmes_class(self.db, Registry(folder))
        self.pool = pool

    def run(self, n: int) -> float:
        """Advance ``n`` prepared programmes once each; advances per second.

        Raises:
            AssertionError: an advance did not reach the second stage.
        """
        ids, self.pool[:] = self.pool[:n], self.pool[n:]
        assert len(ids) == n, "not enough prepared programmes"
        advance = self.programmes.advance
        started = time.perf_counter()
        for pid in ids:
            view = advance(pid)
            assert view is None or view.state == "second", view
        return n / (time.perf_counter() - started)

    def statements(self) -> int:
        """Statements sent through the driver by one advance (``BEGIN`` counts on SQLite only)."""
        sent: list[str] = []

        def count(_conn: object, _cursor: object, statement: str, *_: object) -> None:
            sent.append(statement)

        event.listen(self.db.engine, "before_cursor_execute", count)
        try:
            self.run(1)
        finally:
            event.remove(self.db.engine, "before_cursor_execute", count)
        return len(sent)

    def dispose(self) -> None:
        self.db.dispose()


@dataclass
class Series:
    """One contender's runs: wall-clock rate and CPU time per transaction, one of each per round."""

    name: str
    rates: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    per_round: int = 0
    statements: int | None = None

    @property
    def rate(self) -> float:
        return median(self.rates)

    @property
    def cpu_us(self) -> float:
        return median(self.cpu) * 1e6


@dataclass
class Result:
    target: Target
    series: dict[str, Series]

    def ratio(self, name: str, to: str = "raw") -> float:
        """Median over rounds of the per-round ratio (each round's two runs saw the same machine)."""
        return median(a / b for a, b in zip(self.series[name].rates, self.series[to].rates, strict=True))

    def headline(self) -> str:
        engine, raw, ratio = self.series["engine"], self.series["raw"], self.ratio("engine")
        verdict = "MET" if ratio >= self.target.goal else "NOT MET"
        rounds = ", ".join(f"{e / r:.2f}" for e, r in zip(engine.rates, raw.rates, strict=True))
        return (
            f"{self.target.name:<10} advance {engine.rate:5.0f}/s  raw {raw.rate:5.0f}/s  ratio {ratio:.3f}  "
            f"(goal >= {self.target.goal})  {verdict}   [per round: {rounds}]"
        )

    def ladder(self) -> list[str]:
        """Each contender's wall and CPU time per transaction, and the wall time it adds to the one before."""
        lines, before = [], 0.0
        for s in self.series.values():
            us = 1e6 / s.rate
            added = f"+{us - before:6.0f}" if before else " " * 7
            lines.append(
                f"  {s.name:<18} {s.rate:6.0f}/s {us:6.0f} us {added}  cpu {s.cpu_us:5.0f} us  "
                f"ratio to raw {self.ratio(s.name):.3f}  ({len(s.rates)} x {s.per_round})"
            )
            before = us
        return lines

    def against_engine(self) -> list[str]:
        """The engine and its variants: wall and CPU time per advance, speed-up, ratio to raw, statements."""
        lines = []
        for s in self.series.values():
            if s.statements is None:
                continue
            lines.append(
                f"  {s.name:<24} {1e6 / s.rate:6.0f} us  cpu {s.cpu_us:5.0f} us  "
                f"{self.ratio(s.name, 'engine'):5.2f}x engine  ratio to raw {self.ratio(s.name):.3f}  "
                f"{s.statements:2d} statements"
            )
        return lines


Runner = Callable[[int], float]


def measure(
    target: Target,
    folder: Path,
    seconds: float,
    rounds: int,
    *,
    floors: bool = True,
    variants: dict[str, type[Programmes]] | None = None,
    most: int = 300,
) -> Result:
    """Interleave the contenders for ``rounds`` rounds within about ``seconds``: each engine-like one
    advances the same number of programmes a round (at most ``most``), each floor runs about as long."""
    engines = {"engine": Programmes, **(variants or {})}
    preparer = Preparer(target, folder)
    warm = 10
    pools = {name: preparer.ready(most * rounds + warm + 1) for name in engines}
    preparer.dispose()
    raw = Raw(target)
    contenders: dict[str, tuple[Runner, bool]] = {"raw": (raw.run, False)}
    counters: dict[str, Callable[[], int]] = {}
    closers: list[Callable[[], None]] = [raw.close]
    if floors:
        core, orm = Core(target), Orm(target)
        contenders |= {"sqlalchemy core": (core.run, False), "orm unit of work": (orm.run, False)}
        closers += [core.dispose, orm.dispose]
    for name, cls in engines.items():
        engine = Engine(target, folder, pools[name], cls)
        contenders[name] = (engine.run, True)
        counters[name] = engine.statements
        closers.append(engine.dispose)
    try:
        result = _rounds(target, contenders, seconds, rounds, warm, most)
        for name, count in counters.items():
            result.series[name].statements = count()
        return result
    finally:
        for close in closers:
            close()


def _rounds(
    target: Target, contenders: dict[str, tuple[Runner, bool]], seconds: float, rounds: int, warm: int, most: int
) -> Result:
    estimates = {name: run(warm) for name, (run, _) in contenders.items()}
    slowest = min(estimates[name] for name, (_, is_engine) in contenders.items() if is_engine)
    n = max(10, min(most, int(seconds / rounds / len(contenders) * slowest)))
    counts = {
        name: n if is_engine else int(min(20 * n, max(n, n * estimates[name] / slowest)))
        for name, (_, is_engine) in contenders.items()
    }
    series = {name: Series(name, per_round=counts[name]) for name in contenders}
    for _ in range(rounds):
        for name, (run, _) in contenders.items():
            cpu = time.process_time()
            series[name].rates.append(run(counts[name]))
            series[name].cpu.append((time.process_time() - cpu) / counts[name])
    return Result(target, series)
