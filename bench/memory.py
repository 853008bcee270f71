"""Figure 6, memory: what the engine keeps per programme over a batch of programmes (10,000; 100 in the quick
run), each advanced once through one ``Programmes`` (the bench lifecycle, its gate met), traced with
``tracemalloc`` (one frame per allocation: deeper tracebacks make it ~20x slower). The figure is the memory
still held after the batch (garbage collected) by every allocation made during it, the engine's and the
libraries' it drives (SQLAlchemy, the driver), divided by the batch size: a cache or a list that grows with
every programme shows here; the working memory of one advance, freed after it, does not.
Target: <= 5 KB per programme. The peak traced during the batch is printed for information.
"""

from __future__ import annotations

import gc
import time
import tracemalloc

from bench.context import Context
from bench.prepare import Preparer
from bench.report import Row
from workflow.engine.db import Database
from workflow.engine.programmes import Programmes
from workflow.engine.registry import Registry

GOAL_BYTES = 5 * 1024
NOT_TRACEMALLOC = tracemalloc.Filter(False, tracemalloc.__file__)


def _held(snapshot: tracemalloc.Snapshot, since: tracemalloc.Snapshot) -> int:
    return sum(s.size_diff for s in snapshot.compare_to(since, "filename"))


def measure(ctx: Context) -> list[Row]:
    target = ctx.sqlite("memory")
    n = ctx.plan.memory_batch
    preparer = Preparer(target, ctx.folder)
    db = Database(target.url)
    try:
        ids = preparer.ready(n + 20)
        preparer.dispose()
        programmes = Programmes(db, Registry(ctx.folder))
        for pid in ids[:20]:  # warm: definitions parsed and cached, statements compiled, pool filled
            programmes.advance(pid)
        gc.collect()
        tracemalloc.start(1)
        before = tracemalloc.take_snapshot().filter_traces([NOT_TRACEMALLOC])
        started = time.perf_counter()
        for pid in ids[20:]:
            assert programmes.advance(pid).state == "second"
        elapsed = time.perf_counter() - started
        gc.collect()
        after = tracemalloc.take_snapshot().filter_traces([NOT_TRACEMALLOC])
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    finally:
        db.dispose()
    held = _held(after, before)
    top = after.compare_to(before, "lineno")[:3]
    print(
        f"\n  sqlite: {n:,} advances in {elapsed:.0f} s under tracemalloc; held afterwards "
        f"{held / 1024:.1f} KB ({held / n:.0f} bytes per programme); peak traced {peak / 1024 / 1024:.1f} MB"
    )
    for stat in top:
        print(f"    {stat}")
    return [
        Row(
            f"6 memory: held per programme ({n:,} advanced)",
            f"<= {GOAL_BYTES // 1024} KB",
            f"{held / n / 1024:.2f} KB",
            held / n <= GOAL_BYTES,
        )
    ]
