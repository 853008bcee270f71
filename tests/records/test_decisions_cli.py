"""``banns decisions`` at the command line: record each cabinet's decision, see the call-in period in text and
JSON, call one in and resolve it; bad dates are a message and a non-zero exit, never a traceback."""

from __future__ import annotations

import json
from typing import Any

from decision_walks import record_all, walk_to_outline_case

from workflow.engine.programmes import Programmes
from workflow.engine.views import ProgrammeView


def test_decisions_at_the_command_line(
    cli: Any, programmes: Programmes, sample: ProgrammeView, people: dict[str, int]
) -> None:
    walk_to_outline_case(programmes, sample.id, people)
    record_all(programmes, sample.id)
    pid = str(sample.id)
    out = cli(
        "decisions",
        "record",
        pid,
        "Northbridge District Council",
        "cabinet",
        "--meeting",
        "2020-01-06",
        "--key",
        "--forward-plan",
        "2019-12-02",
        "--minutes",
        "Minute 5/20",
        "--outcome",
        "approved",
        "--by",
        "priya.shah@northbridge.example",
    ).output
    assert out.startswith("Decision ") and "recorded" in out
    shown = json.loads(cli("decisions", "show", pid, "--json").stdout)
    north = next(a for a in shown["asked"] if a["partner_name"] == "Northbridge District Council")
    assert north["status"] == "counts" and north["decision"]["clear_days"] == 34
    assert north["decision"]["call_in_ends"] == "2020-01-13"
    assert "Southmoor District Council: cabinet: awaiting_decision" in cli("decisions", "show", pid).output

    refused = cli("decisions", "call-in", pid, str(north["decision"]["id"]), "--on", "2020-02-01", ok=False)
    assert refused.exit_code != 0 and "outside the call-in period" in refused.output
    assert "Traceback" not in refused.output
    bad = cli("decisions", "record", pid, "Southmoor District Council", "cabinet", "--meeting", "2027-02-30", ok=False)
    assert bad.exit_code != 0 and "Traceback" not in bad.output
    not_allowed = cli(
        "decisions",
        "pre-election",
        pid,
        "Southmoor District Council",
        "--from",
        "2027-03-22",
        "--polling-day",
        "2027-05-06",
        "--by",
        "tom.hardy@northbridge.example",
        ok=False,
    )
    assert not_allowed.exit_code != 0 and "may not" in not_allowed.output
