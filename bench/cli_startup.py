"""How fast the ``banns`` command starts: ``banns --help`` in a fresh process, the median of five runs,
against a target of half a second. Plug-ins (Flask, the money package, the scheduler) and the engine
load only for a command that needs them, so the help must not wait for them.

    python bench/cli_startup.py
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_SECONDS = 0.5
RUNS = 5
#: What ``banns --help`` must not import (each costs tens to hundreds of milliseconds).
HEAVY = ("flask", "alembic", "sqlalchemy", "workflow.money", "workflow.reminders", "workflow.accounts")


def _banns() -> list[str]:
    script = Path(sys.executable).with_name("banns")
    return [str(script)] if script.exists() else [sys.executable, "-m", "workflow"]


def time_help(runs: int = RUNS) -> list[float]:
    """Wall-clock seconds of ``banns --help`` in a new process, once per run."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([*_banns(), "--help"], cwd=ROOT, check=True, capture_output=True, timeout=60)
        times.append(time.perf_counter() - start)
    return times


def heavy_imports() -> list[str]:
    """The heavy modules ``banns --help`` imported (should be none)."""
    probe = (
        "import sys\nfrom workflow.cli.commands import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        f"print('HEAVY:', *(m for m in {HEAVY!r} if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, check=True, capture_output=True, text=True, timeout=60
    ).stdout
    return next(line for line in out.splitlines() if line.startswith("HEAVY:")).split()[1:]


def measure() -> list[str]:
    """Printable lines: the median start-up of ``banns --help`` against the target, and what it loaded."""
    times = time_help()
    median = statistics.median(times)
    verdict = "meets" if median < TARGET_SECONDS else "MISSES"
    lines = [
        f"banns --help: median {median * 1000:.0f} ms of {len(times)} runs "
        f"(min {min(times) * 1000:.0f}, max {max(times) * 1000:.0f}); {verdict} the target of "
        f"{TARGET_SECONDS * 1000:.0f} ms"
    ]
    heavy = heavy_imports()
    lines.append("  heavy imports at start-up: " + (", ".join(heavy) if heavy else "none"))
    return lines


if __name__ == "__main__":
    print("\n".join(measure()))
