"""What every figure is given: how long to run (:class:`Plan`) and where (:class:`Context`)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from bench.targets import DEFAULT_POSTGRES_URL, Target, postgres_target, sqlite_target


@dataclass(frozen=True)
class Plan:
    """Sizes and durations of one run: the full run, or the quick one CI runs."""

    quick: bool
    seconds: float  # per contender pair of the throughput figures, all rounds together
    rounds: int
    peer_gates: tuple[int, int]  # gates per round, rounds
    peer_lifecycles: tuple[int, int]
    pages_sizes: tuple[int, int]
    page_repeats: int
    scan_size: int
    relay_messages: int
    memory_batch: int
    load_seconds: float


FULL = Plan(
    quick=False,
    seconds=16,
    rounds=7,
    peer_gates=(30, 7),
    peer_lifecycles=(2, 5),
    pages_sizes=(100, 10_000),
    page_repeats=5,
    scan_size=10_000,
    relay_messages=300,
    memory_batch=10_000,
    load_seconds=10,
)
QUICK = Plan(
    quick=True,
    seconds=3,
    rounds=3,
    peer_gates=(5, 3),
    peer_lifecycles=(1, 1),
    pages_sizes=(20, 500),
    page_repeats=3,
    scan_size=300,
    relay_messages=40,
    memory_batch=100,
    load_seconds=2,
)


@dataclass
class Context:
    """The run: its plan, a temporary folder, the bench definitions and which databases to use."""

    plan: Plan
    tmp: Path
    folder: Path
    postgres_url: str | None

    @classmethod
    def make(cls, plan: Plan, tmp: Path, folder: Path, sqlite_only: bool) -> Context:
        url = None if sqlite_only else os.environ.get("BANNS_BENCH_DATABASE_URL", DEFAULT_POSTGRES_URL)
        return cls(plan, tmp, folder, url)

    def sqlite(self, name: str) -> Target:
        """A new, migrated SQLite file of its own for ``name``."""
        folder = self.tmp / name
        folder.mkdir(exist_ok=True)
        return sqlite_target(folder)

    def postgres(self) -> Target:
        """The PostgreSQL database, emptied and migrated.

        Raises:
            RuntimeError: it cannot be reached (a figure that needs it cannot be measured).
        """
        if self.postgres_url is None:
            raise RuntimeError("no PostgreSQL (--sqlite-only)")
        target = postgres_target(self.postgres_url)
        if isinstance(target, str):
            raise RuntimeError(target)
        return target

    def targets(self, name: str) -> list[Target]:
        """SQLite, then PostgreSQL unless the run is SQLite only."""
        return [self.sqlite(name)] + ([self.postgres()] if self.postgres_url is not None else [])
