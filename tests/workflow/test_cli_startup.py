"""``banns --help`` starts quickly: the engine, Alembic, Flask and the plug-ins load only for the command
that needs them, yet the help still names every command, plug-ins included, with its summary."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from bench.cli_startup import HEAVY, LIST_HEAVY, heavy_imports, measure

ROOT = Path(__file__).resolve().parents[2]


def test_help_loads_nothing_heavy() -> None:
    assert heavy_imports() == []


def test_help_names_plug_in_commands_with_their_summary() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "workflow", "--help"], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout
    assert "serve        Serve the web UI" in out
    assert "money        Money: business case" in out
    assert "scheduler    Run the scheduler" in out
    assert "audit        The tamper-evident event log." in out
    assert "history      The programme's event log" in out


def test_a_plug_in_still_runs_and_has_its_own_help() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "workflow", "money", "--help"], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout
    assert "what-if" in out and "results" in out


def test_the_bench_reports_against_the_target() -> None:
    lines = measure()
    assert "banns --help: median" in lines[0] and "the target of 500 ms" in lines[0]
    assert lines[1] == "  heavy imports at start-up: none"
    assert "banns programme list: median" in lines[2] and "the target of 750 ms" in lines[2]
    assert lines[3] == "  heavy imports for the list: none"
    assert "flask" in HEAVY and "alembic" in LIST_HEAVY
