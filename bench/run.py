"""``make bench``: the engine's hot path against the database driver's own rate; see bench/README.md.

    python bench/run.py [--sqlite-only] [--quick] [--no-experiments]

First the headline (a persisted advance through a passing 3-partner gate, as a ratio to raw transactions
on the same database, per backend), then the layers in between, how machines are shared, where an
advance's time goes, bench-only variants of the hot path, and the portfolio at 100 and 10,000
programmes. PostgreSQL comes from
``BANNS_BENCH_DATABASE_URL`` (default ``postgresql://postgres@127.0.0.1:5432/bench``; its schema ``public``
is dropped and recreated) and is skipped with a line saying why when it cannot be reached.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if __package__ in (None, ""):
    sys.path.insert(0, str(ROOT))

import sqlalchemy  # noqa: E402
import transitions  # noqa: E402

from bench import breakdown, cli_startup, machines, portfolio  # noqa: E402
from bench.advance import Result, measure  # noqa: E402
from bench.experiments import VARIANTS, check  # noqa: E402
from bench.prepare import definitions_folder  # noqa: E402
from bench.targets import DEFAULT_POSTGRES_URL, Target, postgres_target, sqlite_target  # noqa: E402
from workflow.engine import schema  # noqa: E402


@dataclass(frozen=True)
class Plan:
    """How long to run each part (seconds per backend), in how many interleaved rounds."""

    seconds: float
    rounds: int
    machine_seconds: float
    breakdown_n: int
    experiment_seconds: float
    experiment_rounds: int


FULL = Plan(seconds=24, rounds=7, machine_seconds=0.4, breakdown_n=40, experiment_seconds=20, experiment_rounds=5)
QUICK = Plan(seconds=6, rounds=3, machine_seconds=0.15, breakdown_n=20, experiment_seconds=0, experiment_rounds=0)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sqlite-only", action="store_true", help="skip PostgreSQL")
    parser.add_argument("--quick", action="store_true", help="fewer, shorter rounds; no experiments (< 30 s)")
    parser.add_argument("--no-experiments", action="store_true", help="skip the bench-only hot-path variants")
    args = parser.parse_args(argv)
    plan = QUICK if args.quick else FULL
    started = time.perf_counter()
    schema.load_all_models()
    print(
        f"banns bench, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, Python {platform.python_version()}, "
        f"SQLAlchemy {sqlalchemy.__version__}, transitions {transitions.__version__}, {os.cpu_count()} CPUs; "
        f"load average {os.getloadavg()[0]:.1f}; {plan.rounds} interleaved rounds, medians",
        flush=True,
    )
    with tempfile.TemporaryDirectory(prefix="banns-bench-") as tmp:
        folder = definitions_folder(Path(tmp))
        targets, skipped = _targets(Path(tmp), args.sqlite_only)
        results = {t.name: measure(t, folder, plan.seconds, plan.rounds) for t in targets}
        for result in results.values():
            print(result.headline(), flush=True)
        if skipped:
            print(skipped, flush=True)
        _section("Layers: the raw transaction through each layer, then the advance (wall and CPU per transaction)")
        for result in results.values():
            print(f" {result.target.name}:")
            print("\n".join(result.ladder()), flush=True)
        _section("Sharing transitions machines between programmes (advance moves, default lifecycle)")
        print("\n".join(machines.compare(plan.machine_seconds)), flush=True)
        _section("Where an advance's time goes")
        for target in targets:
            print(f" {target.name}, timed without a profiler:")
            print("\n".join(breakdown.timed(target, folder, plan.breakdown_n)), flush=True)
            print(f" {target.name}, under cProfile:")
            print("\n".join(breakdown.profiled(target, folder, plan.breakdown_n)), flush=True)
        _experiments(targets, folder, plan, skip=args.quick or args.no_experiments)
        _section(
            f"The portfolio: one page of 25, at {portfolio.SIZES[0]:,} and {portfolio.SIZES[-1]:,} programmes "
            "(median ms; x: the larger scaled by the smaller)"
        )
        for target in _fresh(Path(tmp), args.sqlite_only):
            print("\n".join(portfolio.compare(target.url, target.name, repeats=5 if args.quick else 15)), flush=True)
        _section("The command line: `banns --help` in a new process (median of 5)")
        print("\n".join(cli_startup.measure()), flush=True)
    print(f"\n(bench took {time.perf_counter() - started:.0f} s; load average {os.getloadavg()[0]:.1f})")
    return 0


def _targets(tmp: Path, sqlite_only: bool) -> tuple[list[Target], str | None]:
    """The databases to run on, and the line to print in place of PostgreSQL's when it is skipped."""
    if sqlite_only:
        return [sqlite_target(tmp)], "postgresql skipped (--sqlite-only)"
    postgres = postgres_target(os.environ.get("BANNS_BENCH_DATABASE_URL", DEFAULT_POSTGRES_URL))
    if isinstance(postgres, str):
        return [sqlite_target(tmp)], f"postgresql skipped: {postgres}; set BANNS_BENCH_DATABASE_URL"
    return [sqlite_target(tmp), postgres], None


def _fresh(tmp: Path, sqlite_only: bool) -> list[Target]:
    """New, empty databases for the portfolio (the advance figures filled the first ones)."""
    folder = tmp / "portfolio"
    folder.mkdir()
    return _targets(folder, sqlite_only)[0]


def _experiments(targets: list[Target], folder: Path, plan: Plan, *, skip: bool) -> None:
    _section("Experiments: bench-only variants of the hot path (bench/experiments.py), against the engine")
    if skip:
        print("  skipped (--quick or --no-experiments)")
        return
    for target in targets:
        print("\n".join(check(target, folder)))
        result: Result = measure(
            target, folder, plan.experiment_seconds, plan.experiment_rounds, floors=False, variants=VARIANTS, most=100
        )
        print(f" {target.name} ({plan.experiment_rounds} rounds of {result.series['engine'].per_round}):")
        print("\n".join(result.against_engine()), flush=True)


def _section(title: str) -> None:
    print(f"\n{title}")


if __name__ == "__main__":
    sys.exit(main())
