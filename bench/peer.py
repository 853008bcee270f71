"""Figure 1, the peer: completed gates per second, banns against SpiffWorkflow on the same gate, on SQLite
in WAL with ``synchronous=FULL`` (:mod:`bench.spiff` says what SpiffWorkflow does).

- gate: banns signs three partner sign-offs and advances, through the engine's API (four transactions), on
  programmes whose evidence is recorded and sign-off requested; SpiffWorkflow completes the three parallel
  user tasks of a started workflow, the join and the gateway running in its engine steps, saving its JSON
  after each. Target: banns >= 1.5x.
- lifecycle (information): the default lifecycle's 8 stages (:func:`bench.prepare.lifecycle`), every
  criterion evidenced, the sign-off requested, three sign-offs and the advance, stage after stage; in
  SpiffWorkflow a user task per criterion and for the request, then the gate, stage after stage.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from statistics import median

from bench.context import Context
from bench.prepare import DEFINITION_ID, LIFECYCLE_ID, REQUESTED, STARTED, Preparer, lifecycle
from bench.report import Row, ratio_rounds
from bench.spiff import Spiff
from bench.targets import Target
from workflow.engine.db import Database
from workflow.engine.programmes import Programmes
from workflow.engine.registry import Registry

GOAL = 1.5


class Banns:
    """Gates (or whole lifecycles) completed through the engine's API on prepared programmes."""

    def __init__(self, target: Target, folder: Path, upto: str, definition: str) -> None:
        preparer = Preparer(target, folder, upto=upto, definition=definition)
        self.make, self.signatories = preparer.ready, preparer.signatories
        self.preparer = preparer
        self.db = Database(target.url)
        self.programmes = Programmes(self.db, Registry(folder))

    def gate(self, pid: int) -> None:
        api = self.programmes
        for person in self.signatories:
            api.sign(pid, person, "approve")
        assert api.advance(pid).state == "second"

    def whole(self, pid: int, stages: list[tuple[str, list[str]]]) -> None:
        api = self.programmes
        for stage, criteria in stages:
            for criterion in criteria:
                api.record_evidence(pid, criterion, "done")
            api.request_sign_off(pid)
            for person in self.signatories:
                api.sign(pid, person, "approve")
            view = api.advance(pid)
            assert view.state != stage, (stage, view.state)
        assert view.state == "live", view.state

    def close(self) -> None:
        self.db.dispose()
        self.preparer.dispose()


def stages() -> list[tuple[str, list[str]]]:
    """The lifecycle's stages and their criteria, in order."""
    source = lifecycle()
    return [(s["id"], [c["id"] for c in source["gates"][s["id"]]["criteria"]]) for s in source["stages"]]


def _contenders(
    ctx: Context, target: Target, upto: str, definition: str, spiff_stages: list[tuple[str, list[str]]]
) -> tuple[Banns, Spiff, Callable[[int], float], Callable[[int], float]]:
    banns = Banns(target, ctx.folder, upto, definition)
    spiff = Spiff(ctx.tmp, definition.replace("-", "_"), spiff_stages)
    whole = stages()

    def run_banns(n: int) -> float:
        ids = banns.make(n)
        started = time.perf_counter()
        for pid in ids:
            banns.gate(pid) if definition == DEFINITION_ID else banns.whole(pid, whole)
        return n / (time.perf_counter() - started)

    def run_spiff(n: int) -> float:
        return spiff.run([spiff.new() for _ in range(n)])

    return banns, spiff, run_banns, run_spiff


def _measure(ctx: Context, target: Target, gate: bool) -> tuple[list[float], float, float]:
    """Per-round ratios banns / SpiffWorkflow, and each side's rate in the last round."""
    if gate:
        parts = _contenders(ctx, target, REQUESTED, DEFINITION_ID, [("gate", [])])
        n, rounds = ctx.plan.peer_gates
    else:
        parts = _contenders(ctx, target, STARTED, LIFECYCLE_ID, [(s, [*c, "request"]) for s, c in stages()])
        n, rounds = ctx.plan.peer_lifecycles
    banns, spiff, run_banns, run_spiff = parts
    try:
        run_banns(1)
        run_spiff(1)  # warm both (definitions parsed, statements compiled)
        ratios, rates = [], (0.0, 0.0)
        for _ in range(rounds):
            rates = run_banns(n), run_spiff(n)
            ratios.append(rates[0] / rates[1])
        return ratios, rates[0], rates[1]
    finally:
        banns.close()
        spiff.close()


def measure(ctx: Context) -> list[Row]:
    target = ctx.sqlite("peer")
    gate, banns_rate, spiff_rate = _measure(ctx, target, gate=True)
    print(
        f"\n  gate: banns {banns_rate:.0f}/s, SpiffWorkflow {spiff_rate:.0f}/s (last round); "
        f"ratio {ratio_rounds(gate)}",
        flush=True,
    )
    whole, banns_rate, spiff_rate = _measure(ctx, target, gate=False)
    print(
        f"  8-stage lifecycle: banns {banns_rate:.2f}/s, SpiffWorkflow {spiff_rate:.2f}/s (last round); "
        f"ratio {ratio_rounds(whole)}",
        flush=True,
    )
    return [
        Row(
            "1 peer: gates/s banns / SpiffWorkflow (sqlite)",
            f">= {GOAL}x",
            f"{median(gate):.2f}x",
            median(gate) >= GOAL,
        ),
        Row("1 peer: 8-stage lifecycles/s banns / Spiff", "info", f"{median(whole):.2f}x", None),
    ]
