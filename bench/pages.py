"""Figure 3, pages: the portfolio, My work and a programme page at a small and a large number of programmes
(100 and 10,000; 20 and 500 in the quick run), one person (the sample's programme manager) on all of them,
through the Flask test client. Target per page and backend: the same number of SQL queries at both sizes,
and the median time at the large size at most 1.5x the time at the small one.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from statistics import median
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import event

from bench.context import Context
from bench.report import Row
from bench.site import Site

GOAL = 1.5
PAGES = {"portfolio": "/programmes", "my work": "/", "programme": "/programmes/{pid}"}


@contextmanager
def counting(site: Site) -> Iterator[list[str]]:
    """The statements the app's engine runs while the block runs."""
    sent: list[str] = []
    engine = site.app.extensions["banns"].db.engine

    def record(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        sent.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", record)


def _get(client: FlaskClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200, f"{path}: {response.status_code}"


def _measure(site: Site, client: FlaskClient, repeats: int) -> dict[str, tuple[int, float]]:
    """Per page: queries, median milliseconds."""
    found = {}
    for page, path in PAGES.items():
        path = path.format(pid=site.sample.id)
        _get(client, path)  # warm (definitions, compiled statements)
        with counting(site) as sent:
            _get(client, path)
        times = []
        for _ in range(repeats):
            started = time.perf_counter()
            _get(client, path)
            times.append((time.perf_counter() - started) * 1000)
        found[page] = (len(sent), median(times))
    return found


def measure(ctx: Context) -> list[Row]:
    small, large = ctx.plan.pages_sizes
    rows = []
    for target in ctx.targets("pages"):
        site = Site.make(target.url, ctx.tmp / f"pages-{target.name}")
        try:
            client = site.client()
            site.grow(small)
            at_small = _measure(site, client, ctx.plan.page_repeats)
            started = time.perf_counter()
            site.grow(large)
            print(f"\n  {target.name}: {large - small:,} programmes added in {time.perf_counter() - started:.1f} s")
            at_large = _measure(site, client, ctx.plan.page_repeats)
        finally:
            site.close()
        for page in PAGES:
            (q1, t1), (q2, t2) = at_small[page], at_large[page]
            print(
                f"  {target.name} {page:<10} {q1:3d} queries {t1:8.1f} ms at {small:,}   "
                f"{q2:3d} queries {t2:8.1f} ms at {large:,}   x{t2 / t1:.2f}",
                flush=True,
            )
            rows.append(
                Row(
                    f"3 pages: {page} ({target.name})",
                    f"same queries, <= {GOAL}x",
                    f"{q1}->{q2} queries, x{t2 / t1:.2f}",
                    q1 == q2 and t2 / t1 <= GOAL,
                )
            )
    return rows
