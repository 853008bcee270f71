"""How fast the ``banns`` command starts: ``banns --help`` and ``banns programme list`` (one programme, in a
new SQLite database) in a fresh process, the median of five runs each, against targets of half a second and
three quarters of one. Plug-ins (Flask, the scheduler, the mail) and Alembic load only for a command that
needs them, so neither waits for them.

    python bench/cli_startup.py
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_SECONDS = 0.5
LIST_TARGET_SECONDS = 0.75
RUNS = 5
#: What ``banns --help`` must not import (each costs tens to hundreds of milliseconds).
HEAVY = ("flask", "alembic", "sqlalchemy", "workflow.money", "workflow.reminders", "workflow.accounts")
#: What ``banns programme list`` must not import (it needs the engine and the database, nothing more; the
#: money package comes with the figure checks a lifecycle names).
LIST_HEAVY = ("flask", "alembic", "apscheduler", "holidays", "jinja2", "workflow.reminders", "workflow.accounts")
EXAMPLE = ROOT / "examples" / "northbridge-southmoor.yaml"


def _banns() -> list[str]:
    script = Path(sys.executable).with_name("banns")
    return [str(script)] if script.exists() else [sys.executable, "-m", "workflow"]


def time_command(args: list[str], env: dict[str, str] | None = None, runs: int = RUNS) -> list[float]:
    """Wall-clock seconds of ``banns ARGS`` in a new process, once per run."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([*_banns(), *args], cwd=ROOT, check=True, capture_output=True, timeout=60, env=env)
        times.append(time.perf_counter() - start)
    return times


def time_help(runs: int = RUNS) -> list[float]:
    return time_command(["--help"], runs=runs)


def heavy_imports(
    args: tuple[str, ...] = ("--help",), heavy: tuple[str, ...] = HEAVY, env: dict[str, str] | None = None
) -> list[str]:
    """The heavy modules ``banns ARGS`` imported (should be none)."""
    probe = (
        "import sys\nfrom workflow.cli.commands import main\n"
        f"try:\n    main({list(args)!r})\nexcept SystemExit:\n    pass\n"
        f"print('HEAVY:', *(m for m in {heavy!r} if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, check=True, capture_output=True, text=True, timeout=60, env=env
    ).stdout
    return next(line for line in out.splitlines() if line.startswith("HEAVY:")).split()[1:]


def _line(what: str, times: list[float], target: float) -> str:
    median = statistics.median(times)
    verdict = "meets" if median < target else "MISSES"
    return (
        f"{what}: median {median * 1000:.0f} ms of {len(times)} runs "
        f"(min {min(times) * 1000:.0f}, max {max(times) * 1000:.0f}); {verdict} the target of {target * 1000:.0f} ms"
    )


def measure() -> list[str]:
    """Printable lines: the median start-up of ``banns --help`` and ``banns programme list`` against their
    targets, and what each loaded that it should not."""
    lines = [_line("banns --help", time_help(), TARGET_SECONDS)]
    heavy = heavy_imports()
    lines.append("  heavy imports at start-up: " + (", ".join(heavy) if heavy else "none"))
    with tempfile.TemporaryDirectory() as instance:
        env = {**os.environ, "BANNS_INSTANCE": instance}
        for setup in (["init"], ["programme", "import", str(EXAMPLE)]):
            subprocess.run([*_banns(), *setup], cwd=ROOT, check=True, capture_output=True, timeout=120, env=env)
        listing = ["programme", "list"]
        lines.append(_line("banns programme list", time_command(listing, env), LIST_TARGET_SECONDS))
        heavy = heavy_imports(tuple(listing), LIST_HEAVY, env)
        lines.append("  heavy imports for the list: " + (", ".join(heavy) if heavy else "none"))
    return lines


if __name__ == "__main__":
    print("\n".join(measure()))
