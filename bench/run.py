"""``make bench``: every figure of issue 12 against its target, then a table and the machine; see bench/README.md.

    python bench/run.py [--quick] [--sqlite-only] [--only 1,3] [--memory-batch N] [--extras]

Exits non-zero when a figure could not be measured (it raised); a figure that misses its target is not an
error. PostgreSQL comes from ``BANNS_BENCH_DATABASE_URL`` (default ``postgresql://postgres@127.0.0.1:5432/bench``;
its schema ``public`` is dropped and recreated for each figure).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if __package__ in (None, ""):
    sys.path.insert(0, str(ROOT))

from bench import (  # noqa: E402
    breakdown,
    cli_startup,
    experiments,
    load,
    machines,
    memory,
    pages,
    peer,
    portfolio,
    relay,
    reminder_scan,
    statements,
)
from bench.advance import measure as layers  # noqa: E402
from bench.context import FULL, QUICK, Context  # noqa: E402
from bench.prepare import definitions_folder  # noqa: E402
from bench.report import Row, error_row, machine, table  # noqa: E402
from workflow.engine import schema  # noqa: E402

Figure = Callable[[Context], list[Row]]
FIGURES: dict[str, tuple[str, Figure]] = {
    "1": ("1 peer: banns against SpiffWorkflow on the same gate, SQLite WAL full sync", peer.measure),
    "2": ("2 same statements: the engine against the driver replaying its statements", statements.measure),
    "3": ("3 pages at a small and a large number of programmes (Flask test client)", pages.measure),
    "4": ("4 the reminder scan", reminder_scan.measure),
    "5": ("5 the outbox relay against plain smtplib (aiosmtpd on loopback)", relay.measure),
    "6": ("6 memory held per programme (tracemalloc)", memory.measure),
    "7": ("7 load: concurrent clients through gunicorn", load.measure),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, few rounds (CI; about a minute)")
    parser.add_argument("--sqlite-only", action="store_true", help="skip PostgreSQL")
    parser.add_argument("--only", default="", help="comma-separated figure numbers, e.g. 1,3")
    parser.add_argument("--memory-batch", type=int, help="programmes in the memory figure's batch")
    parser.add_argument("--extras", action="store_true", help="also the older sections (layers, machines, ...)")
    args = parser.parse_args(argv)
    plan = QUICK if args.quick else FULL
    if args.memory_batch:
        plan = replace(plan, memory_batch=args.memory_batch)
    chosen = [n.strip() for n in args.only.split(",") if n.strip()] or list(FIGURES)
    started, load_at_start = time.perf_counter(), os.getloadavg()[0]
    schema.load_all_models()
    print(
        f"banns bench, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {'quick' if plan.quick else 'full'} run; "
        f"load average {load_at_start:.2f}; ratios are medians of per-round ratios",
        flush=True,
    )
    rows: list[Row] = []
    errors: set[str] = set()
    with tempfile.TemporaryDirectory(prefix="banns-bench-") as tmp:
        ctx = Context.make(plan, Path(tmp), definitions_folder(Path(tmp)), args.sqlite_only)
        for number in chosen:
            title, figure = FIGURES[number]
            _run(title, lambda f=figure: f(ctx), rows, errors)
        if not args.only:
            _run("profile: where an advance's time goes (information)", lambda: _profile(ctx), rows, errors)
        if args.extras:
            _extras(ctx)
    print(f"\nThe figures of issue 12 ({time.perf_counter() - started:.0f} s)")
    print("\n".join(table(rows, errors)))
    print("\nThe machine")
    print("\n".join(machine(ctx.postgres_url, load_at_start)), flush=True)
    if errors:
        print(f"\n{len(errors)} figure(s) could not be measured: {', '.join(sorted(errors))}")
    return 1 if errors else 0


def _run(title: str, figure: Callable[[], list[Row]], rows: list[Row], errors: set[str]) -> None:
    """Run one figure; an exception becomes an ERROR row (and the run's exit status), not the end of the run."""
    print(f"\n{title}", flush=True)
    try:
        rows += figure()
    except Exception as exc:
        traceback.print_exc()
        rows.append(error_row(title.split(":")[0], exc))
        errors.add(title.split(":")[0])


def _profile(ctx: Context) -> list[Row]:
    """The timed and profiled split of an advance (SQLite; PostgreSQL too in a full run), and the check
    that the bench-only variants still return the engine's view."""
    n = 10 if ctx.plan.quick else 40
    targets = [ctx.sqlite("profile")] if ctx.plan.quick else ctx.targets("profile")
    for target in targets:
        print(f" {target.name}, timed without a profiler:")
        print("\n".join(breakdown.timed(target, ctx.folder, n)), flush=True)
        print(f" {target.name}, under cProfile:")
        print("\n".join(breakdown.profiled(target, ctx.folder, n)), flush=True)
        print("\n".join(experiments.check(target, ctx.folder)), flush=True)
    return []


def _extras(ctx: Context) -> None:
    """The sections the bench printed before issue 12, for information."""
    print("\nLayers: the two-statement transaction through each layer, then the advance")
    for target in ctx.targets("layers"):
        result = layers(target, ctx.folder, ctx.plan.seconds, ctx.plan.rounds)
        print(result.headline())
        print("\n".join(result.ladder()), flush=True)
    print("\nSharing transitions machines between programmes")
    print("\n".join(machines.compare(0.4)), flush=True)
    print(f"\nThe portfolio query at {portfolio.SIZES[0]:,} and {portfolio.SIZES[-1]:,} programmes")
    for target in ctx.targets("portfolio"):
        print("\n".join(portfolio.compare(target.url, target.name, repeats=5)), flush=True)
    print("\nThe command line: `banns --help` in a new process")
    print("\n".join(cli_startup.measure()), flush=True)


if __name__ == "__main__":
    sys.exit(main())
