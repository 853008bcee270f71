"""What every figure hands back (:class:`Row`), the final table, and the machine the run was on."""

from __future__ import annotations

import os
import platform
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from statistics import median

import psycopg


@dataclass(frozen=True)
class Row:
    """One line of the final table. ``passed`` is None for a figure printed for information only."""

    figure: str
    target: str
    measured: str
    passed: bool | None

    @property
    def verdict(self) -> str:
        return {True: "pass", False: "MISS", None: "info"}[self.passed]


def error_row(figure: str, exc: BaseException) -> Row:
    """The row of a figure that could not be measured (the run then exits non-zero)."""
    first = (str(exc).strip().splitlines() or [""])[0][:70]
    return Row(figure, "-", f"ERROR {type(exc).__name__}: {first}", None)


def table(rows: list[Row], errors: set[str]) -> list[str]:
    """The rows as a fixed-width table; a figure that raised says ERROR in its verdict."""
    head = ("figure", "target", "measured", "verdict")
    cells = [(r.figure, r.target, r.measured, "ERROR" if r.figure in errors else r.verdict) for r in rows]
    widths = [max(len(c[i]) for c in [head, *cells]) for i in range(3)]

    def line(c: tuple[str, str, str, str]) -> str:
        return "  ".join(x.ljust(w) for x, w in zip(c[:3], widths, strict=True)) + "  " + c[3]

    rule = "-" * (sum(widths) + 6 + 7)
    return [line(head), rule, *(line(c) for c in cells)]


def ratio_rounds(values: list[float]) -> str:
    """A median of per-round ratios with every round's ratio, as the figures print them."""
    return f"{median(values):.2f} [rounds: {', '.join(f'{v:.2f}' for v in values)}]"


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def postgres_version(url: str | None) -> str:
    if url is None:
        return "not used"
    try:
        with psycopg.connect(url, connect_timeout=3) as conn:
            row = conn.execute("SHOW server_version").fetchone()
            return str(row[0]) if row else "unknown"
    except psycopg.Error as exc:
        return f"unreachable ({type(exc).__name__})"


def machine(postgres_url: str | None, load_at_start: float) -> list[str]:
    """The lines describing the machine and the run's conditions."""
    return [
        f"  CPU: {cpu_model()}, {os.cpu_count()} cores; {platform.system()} {platform.release()}",
        f"  Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, "
        f"PostgreSQL {postgres_version(postgres_url)}",
        f"  load average: {load_at_start:.2f} at the start, {os.getloadavg()[0]:.2f} at the end",
    ]
