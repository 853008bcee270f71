"""`banns deputy`, `banns sign --for` and `banns raid`: the deputies and the RAID log at the command line, with
clear errors and exit codes (2 invalid, 4 not allowed)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from workflow.engine.programmes import Programmes
from workflow.engine.views import ProgrammeView

TOM, HELEN, PRIYA = "tom.hardy@northbridge.example", "helen.marsh@northbridge.example", "priya.shah@northbridge.example"
#: The command line runs on the real clock.
TODAY = datetime.now(ZoneInfo("Europe/London")).date()
FROM, TO = TODAY.isoformat(), (TODAY + timedelta(days=4)).isoformat()
COURTSHIP = ["partners_named", "appetite_confirmed", "vision_drafted", "sro_named", "next_stage_budget"]


def test_a_deputy_signs_for_the_signatory_at_the_command_line(
    cli, programmes: Programmes, sample: ProgrammeView
) -> None:
    pid = sample.id
    for c in COURTSHIP:
        programmes.record_evidence(pid, c, f"{c} done")
    programmes.request_sign_off(pid)
    refused = cli("sign", pid, "approve", "--as", HELEN, "--for", TOM, ok=False)
    assert refused.exit_code == 4 and f"not Tom Hardy's deputy on {FROM}" in refused.output
    made = cli("deputy", "add", pid, TOM, HELEN, "--from", FROM, "--to", TO, "--reason", "leave", "--by", TOM)
    assert f"Helen Marsh for Tom Hardy, {FROM} to {TO}" in made.output
    signed = cli("sign", pid, "approve", "--as", HELEN, "--for", TOM)
    assert "Helen Marsh for Tom Hardy: approved" in signed.output
    history = json.loads(cli("history", pid, "--json").output)
    event = next(e for e in history if e["kind"] == "signed")
    assert (event["actor"], event["data"]["on_behalf_of_name"]) == ("Helen Marsh", "Tom Hardy")
    listed = json.loads(cli("deputy", "list", pid, "--json").output)
    assert listed[0]["deputy_name"] == "Helen Marsh" and listed[0]["starts_on"] == FROM
    assert "revoked" in cli("deputy", "revoke", pid, listed[0]["id"], "--by", PRIYA).output


def test_deputy_errors_are_one_clear_message(cli, sample: ProgrammeView) -> None:
    pid = sample.id
    cli("role", "add", 1, "new.person@example.org", "observer", "--name", "New Person")
    cli("role", "remove", 1, "new.person@example.org", "observer")
    outsider = cli(
        "deputy",
        "add",
        pid,
        TOM,
        "new.person@example.org",
        "--from",
        FROM,
        "--to",
        TO,
        "--reason",
        "leave",
        ok=False,
    )
    assert outsider.exit_code == 2 and "only a person already on the programme can be a deputy" in outsider.output
    backwards = cli("deputy", "add", pid, TOM, HELEN, "--from", TO, "--to", FROM, "--reason", "leave", ok=False)
    assert backwards.exit_code == 2 and "before the start date" in backwards.output
    stranger = cli(
        "deputy",
        "add",
        pid,
        TOM,
        HELEN,
        "--from",
        FROM,
        "--to",
        TO,
        "--reason",
        "leave",
        "--by",
        "aisha.khan@southmoor.example",
        ok=False,
    )
    assert stranger.exit_code == 4
    assert "Traceback" not in outsider.output + backwards.output + stranger.output


def test_the_raid_log_at_the_command_line(cli, sample: ProgrammeView) -> None:
    pid = sample.id
    added = cli(
        "raid",
        "add",
        pid,
        "risk",
        "Pension strain",
        "--owner",
        "oliver.grant@northbridge.example",
        "--likelihood",
        4,
        "--impact",
        5,
        "--review",
        "2027-02-05",
        "--by",
        PRIYA,
    )
    assert "risk Pension strain - 20 (very high), owner Oliver Grant, review 2027-02-05" in added.output
    cli("raid", "add", pid, "issue", "Printer", "--owner", TOM, "--likelihood", 1, "--impact", 1)
    entries = json.loads(cli("raid", "list", pid, "--json").output)
    assert [e["rating"] for e in entries] == [20, 1] and entries[0]["band"] == "very high"
    cli("raid", "close", pid, entries[1]["id"], "--note", "Fixed")
    assert "Printer" not in cli("raid", "list", pid).output
    assert "[closed: Fixed]" in cli("raid", "list", pid, "--status", "closed").output
    bad = cli("raid", "add", pid, "risk", "X", "--owner", TOM, "--likelihood", 6, "--impact", 1, ok=False)
    assert bad.exit_code == 2 and "likelihood" in bad.output.lower()
    observer = cli(
        "raid",
        "add",
        pid,
        "risk",
        "X",
        "--owner",
        TOM,
        "--likelihood",
        1,
        "--impact",
        1,
        "--by",
        "sam.ellis@audit.example",
        ok=False,
    )
    assert observer.exit_code == 4
