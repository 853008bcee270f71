"""Figure 4, the reminder scan (``workflow.reminders.scan.scan``) over many programmes (10,000; 300 in the
quick run), shaped like the sample and scanned twenty days after they started: one reminder is due per
programme (a chase where a sign-off request is open, on every other one; a stage-end notice elsewhere).

- first: a scan that writes every due reminder to the outbox (the outbox emptied before each round, and the
  scan's memory of what it saw forgotten, as in a new process: it reads every programme);
- repeat: the same scan again, nothing new (everything due is queued already, no programme's version has
  moved: it reads the versions only). Target: <= 0.1x the first;
- the SELECT: one query through the bare driver reading the queued reminder rows, all columns, the rows a
  scan has to account for. Target: the repeat scan <= 3x that SELECT.
"""

from __future__ import annotations

import time
from datetime import timedelta
from statistics import median

from bench.context import Context
from bench.report import Row, ratio_rounds
from bench.site import Site
from bench.targets import Target
from workflow.reminders.scan import forget, scan

REPEAT_GOAL, SELECT_GOAL = 0.1, 3.0


def _timed(call: object) -> float:
    started = time.perf_counter()
    call()  # type: ignore[operator]
    return time.perf_counter() - started


def _rounds(site: Site, target: Target, quick: bool) -> tuple[list[float], list[float], int]:
    now = site.sample.created_at + timedelta(days=20)
    conn = target.connect()
    sqlite = target.name == "sqlite"

    def empty_outbox() -> None:
        for table in ("sign_off_tokens", "outbox"):
            conn.execute(f"DELETE FROM {table}")
        conn.commit()
        forget()  # the outbox was emptied behind the engine's back: scan as a new process would

    def select() -> None:
        conn.execute("SELECT * FROM outbox WHERE key LIKE 'rule:%'").fetchall()
        if not sqlite:
            conn.rollback()

    try:
        due = scan(site.db, now)  # warm: definitions parsed, statements compiled
        repeat_ratios, select_ratios = [], []
        rounds, repeats = (1, 1) if quick else (2, 2)
        for _ in range(rounds):
            empty_outbox()
            first = _timed(lambda: scan(site.db, now))
            repeat = median(_timed(lambda: scan(site.db, now)) for _ in range(repeats))
            one_select = median(_timed(select) for _ in range(3))
            repeat_ratios.append(repeat / first)
            select_ratios.append(repeat / one_select)
            print(
                f"  {target.name}: first scan {first * 1000:.0f} ms, repeat {repeat * 1000:.0f} ms, "
                f"SELECT of the {due:,} due rows {one_select * 1000:.1f} ms",
                flush=True,
            )
        return repeat_ratios, select_ratios, due
    finally:
        conn.close()


def measure(ctx: Context) -> list[Row]:
    rows = []
    for target in ctx.targets("scan"):
        site = Site.make(target.url, ctx.tmp / f"scan-{target.name}")
        try:
            site.grow(ctx.plan.scan_size)
            print()
            repeat, select, due = _rounds(site, target, ctx.plan.quick)
        finally:
            site.close()
        size = f"{ctx.plan.scan_size:,}"
        print(f"  {target.name}: repeat / first {ratio_rounds(repeat)}; repeat / SELECT {ratio_rounds(select)}")
        rows += [
            Row(
                f"4 scan: repeat / first ({target.name}, {size})",
                f"<= {REPEAT_GOAL}",
                f"{median(repeat):.2f}",
                median(repeat) <= REPEAT_GOAL,
            ),
            Row(
                f"4 scan: scan / SELECT due ({target.name}, {due:,} due)",
                f"<= {SELECT_GOAL:g}x",
                f"{median(select):.1f}x",
                median(select) <= SELECT_GOAL,
            ),
        ]
    return rows
