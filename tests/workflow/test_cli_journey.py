"""A programme's whole life at the command line, as a programme manager would live it.

Three district councils court, talk honestly, write an outline case, sign a pre-nup, waive the full case,
transfer, go live and review, with a rejection, a return and a partner walking away on the way. Every step is a
``banns`` command; the checks are on what the user sees and on ``programme show --json``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import Result

from tests.decisions_support import decide_all
from workflow.engine.db import Database
from workflow.engine.programmes import Programmes
from workflow.engine.registry import Registry

ROOT = Path(__file__).resolve().parents[2]  # not imported from conftest: tests/web has a conftest too
DEFINITIONS = ROOT / "definitions"
EXAMPLE = ROOT / "examples" / "northbridge-southmoor.yaml"
MONEY = ROOT / "examples" / "northbridge-southmoor-money.yaml"
GATES: dict[str, Any] = yaml.safe_load((DEFINITIONS / "shared-service.yaml").read_text(encoding="utf-8"))["gates"]

PRIYA = "priya.shah@northbridge.example"  # programme manager
TOM = "tom.hardy@northbridge.example"  # Northbridge signatory + steering
AISHA = "aisha.khan@southmoor.example"  # Southmoor signatory + steering
GARETH = "gareth.evans@eastvale.example"  # Eastvale signatory + steering
HELEN = "helen.marsh@northbridge.example"  # chair + Northbridge steering
DEV = "dev.patel@eastvale.example"  # Eastvale s151, monitoring officer, head of paid service

NORTHBRIDGE = "Northbridge District Council"
SOUTHMOOR = "Southmoor District Council"
EASTVALE = "Eastvale Borough Council"
MOVE_KINDS = {"programme_started", "advanced", "returned", "waived", "ended"}


# --- helpers: each one step of the story ---------------------------------------------------------------


def start(cli: Any) -> int:
    out = cli("programme", "import", EXAMPLE).output
    match = re.search(r"Started programme (\d+): .* at Courtship", out)
    assert match, out
    return int(match.group(1))


def show(cli: Any, pid: int) -> dict[str, Any]:
    return json.loads(cli("programme", "show", pid, "--json").stdout)


def refused(cli: Any, *args: str | int, code: int = 1) -> str:
    """Run a command that must be refused; return what the user saw."""
    result: Result = cli(*args, ok=False)
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    return result.output


def record_evidence(cli: Any, pid: int, stage: str) -> None:
    """The programme manager records evidence for every required criterion of ``stage``'s gate."""
    for criterion in GATES[stage]["criteria"]:
        if criterion.get("required", True):
            cli("evidence", pid, criterion["id"], f"{criterion['title']['en']}: see the board papers", "--by", PRIYA)


def signers(view: dict[str, Any], stage: str, subject: str = "gate") -> list[str]:
    """Emails of everyone the gate's rules ask to sign, for the partners still in the programme."""
    rules = GATES[stage]["sign_off" if subject == "gate" else "waiver"]
    wanted = set(rules.get("roles", []))
    if rules.get("each_partner"):
        wanted.add("signatory")
    if rules.get("quorum"):
        wanted.add("steering_member")
    current = {p["id"] for p in view["partners"] if p["withdrawn_at"] is None}
    return sorted(
        {
            r["email"]
            for r in view["roles"]
            if r["role"] in wanted and (r["partner_id"] is None or r["partner_id"] in current)
        }
    )


def sign_all(cli: Any, pid: int, emails: list[str]) -> None:
    for email in emails:
        assert "approved" in cli("sign", pid, "approve", "--as", email, "--all-capacities").output


def complete_gate(cli: Any, pid: int, stage: str) -> None:
    """Evidence for every required criterion, a request, and every sign-off the gate needs."""
    assert show(cli, pid)["state"] == stage
    record_evidence(cli, pid, stage)
    assert "Sign-off requested (gate, round 1)" in cli("request", pid, "--by", PRIYA).output
    sign_all(cli, pid, signers(show(cli, pid), stage))
    cabinets_decide(cli, pid)  # where the gate asks each partner's cabinet
    assert show(cli, pid)["gate"]["report"]["passed"]


def advance(cli: Any, pid: int, to_title: str) -> None:
    assert f"Programme {pid} is now at {to_title}" in cli("advance", pid, "--by", PRIYA).output


# --- the stages ----------------------------------------------------------------------------------------


def courtship_refuses_early_moves(cli: Any, pid: int) -> None:
    out = refused(cli, "advance", pid)
    for criterion in GATES["courtship"]["criteria"]:
        assert f"'{criterion['title']['en']}'" in out
    assert f"awaiting sign-off from the signatory of {NORTHBRIDGE}, {SOUTHMOOR}, {EASTVALE}" in out

    out = refused(cli, "request", pid, "--by", PRIYA)
    assert "evidence is missing for" in out and "'Shared vision drafted'" in out

    record_evidence(cli, pid, "courtship")
    cli("request", pid, "--by", PRIYA)
    sign_all(cli, pid, [TOM, AISHA])
    out = refused(cli, "advance", pid)
    assert f"awaiting sign-off from the signatory of {EASTVALE}" in out
    assert NORTHBRIDGE not in out and "evidence is missing" not in out
    sign_all(cli, pid, [GARETH])
    advance(cli, pid, "Honest conversation")


def honest_conversation_with_a_rejection(cli: Any, pid: int) -> None:
    why = "Eastvale's red line on keeping planning local has not been acknowledged"
    declared = cli(
        "records", "declare", pid, EASTVALE, "red_line", "Planning stays local", "--reason", "Members", "--by", GARETH
    ).output
    item = int(declared.split("[", 1)[1].split("]", 1)[0])
    cli("records", "none", pid, NORTHBRIDGE, "--by", TOM)
    out = refused(cli, "request", pid, "--by", PRIYA)  # the register is not agreed yet
    assert f"{SOUTHMOOR} has not declared" in out and f"{NORTHBRIDGE} has not answered {EASTVALE}'s red line" in out
    cli("records", "none", pid, SOUTHMOOR, "--by", AISHA)
    cli("records", "answer", pid, item, NORTHBRIDGE, "accept", "--by", TOM)
    cli("records", "answer", pid, item, SOUTHMOOR, "object", "--comment", "Planning is in scope", "--by", AISHA)
    assert f"{SOUTHMOOR} objects to {EASTVALE}'s red line 'Planning stays local'" in cli("records", "show", pid).output
    cli("records", "withdraw-objection", pid, item, SOUTHMOOR, "--by", AISHA)
    assert "Agreed by every partner." in cli("records", "show", pid).output
    record_evidence(cli, pid, "honest_conversation")
    cli("request", pid, "--by", PRIYA)
    sign_all(cli, pid, [TOM, AISHA, HELEN])
    assert (
        "Gareth Evans: rejected"
        in cli("sign", pid, "reject", "--as", GARETH, "--comment", why, "--all-capacities").output
    )

    out = refused(cli, "advance", pid)
    assert f"rejected by Gareth Evans as signatory of {EASTVALE}: '{why}'" in out
    assert "Gareth Evans must approve a resubmission" in out
    out = refused(cli, "sign", pid, "approve", "--as", GARETH)
    assert "already decided in round 1" in out

    assert (
        "Sign-off requested (gate, round 2)"
        in cli("request", pid, "--by", PRIYA, "--note", "Acknowledged in the minutes").output
    )
    out = refused(cli, "advance", pid)  # the rejection stands until Gareth himself approves
    assert f"rejected by Gareth Evans as signatory of {EASTVALE}: '{why}'" in out
    assert "awaiting" not in out  # the others' approvals on the same evidence still count

    sign_all(cli, pid, [GARETH])
    advance(cli, pid, "Outline business case")


def cabinets_decide(cli: Any, pid: int) -> None:
    """Each partner's cabinet approved the outline case a month ago (recorded through the records' use cases:
    the command line has no decision commands yet)."""
    db = Database(cli.env["BANNS_DATABASE_URL"])
    try:
        decide_all(Programmes(db, Registry(Path(cli.env["BANNS_DEFINITIONS_DIR"]))), pid)
    finally:
        db.dispose()


def outline_case_returned_from_prenup(cli: Any, pid: int) -> None:
    # The outline case's gate is met by the business case's own figures, not by a note saying so.
    record_evidence(cli, pid, "outline_case")
    out = refused(cli, "request", pid, "--by", PRIYA)
    assert "the figures do not yet meet 'Savings by year': no planned savings by year recorded" in out
    assert "'Payback year': no business case figures recorded" in out
    cli("money", "import", pid, MONEY)
    complete_gate(cli, pid, "outline_case")
    advance(cli, pid, "Pre-nuptial agreement")

    out = cli("return", pid, "outline_case", "--reason", "The savings profile counts ICT twice", "--by", PRIYA)
    assert f"Programme {pid} returned to Outline business case" in out.output
    view = show(cli, pid)
    assert view["state"] == "outline_case"
    assert view["gate"]["sign_offs"] == [] and not view["gate"]["request_open"]
    assert not view["gate"]["report"]["passed"]
    out = refused(cli, "advance", pid)
    assert f"awaiting sign-off from the signatory of {NORTHBRIDGE}, {SOUTHMOOR}, {EASTVALE}" in out

    cli("evidence", pid, "savings_by_year", "Savings profile corrected: ICT counted once", "--by", PRIYA)
    cli("request", pid, "--by", PRIYA)
    sign_all(cli, pid, signers(show(cli, pid), "outline_case"))
    cabinets_decide(cli, pid)  # on the new visit to the stage, each cabinet decides again
    advance(cli, pid, "Pre-nuptial agreement")


def prenup_after_eastvale_withdraws(cli: Any, pid: int) -> None:
    record_evidence(cli, pid, "prenup")
    cli("request", pid, "--by", PRIYA)
    out = cli("withdraw", pid, EASTVALE, "--reason", "Cabinet voted not to proceed", "--by", PRIYA).output
    assert f"Programme {pid} is at Pre-nuptial agreement; partners: {NORTHBRIDGE}, {SOUTHMOOR}" in out

    out = refused(cli, "advance", pid)
    assert f"awaiting sign-off from the signatory of {NORTHBRIDGE}, {SOUTHMOOR}" in out
    assert (
        f"awaiting sign-off from the Section 151 officer (chief finance officer) of {NORTHBRIDGE}, {SOUTHMOOR}" in out
    )
    assert EASTVALE not in out
    assert "holds no role that signs this request" in refused(cli, "sign", pid, "approve", "--as", DEV, code=4)

    view = show(cli, pid)
    eastvale = next(p for p in view["partners"] if p["name"] == EASTVALE)
    assert eastvale["withdrawn_at"] is not None and eastvale["withdrawal_reason"] == "Cabinet voted not to proceed"
    assert DEV not in signers(view, "prenup") and GARETH not in signers(view, "prenup")
    sign_all(cli, pid, signers(view, "prenup"))
    advance(cli, pid, "Full business case")


def full_case_waived(cli: Any, pid: int) -> None:
    rationale = "A clear agreed model: one company, costs by population, as Breckland and South Holland did"
    out = refused(cli, "waive", pid, "--reason", rationale, "--by", PRIYA)
    assert "steering group quorum not met: 0 of 3 members approved, 3 needed" in out
    assert "recorded rationale" in refused(cli, "request", pid, "--waiver", "--by", PRIYA, code=2)

    out = cli("request", pid, "--waiver", "--note", rationale, "--by", PRIYA).output
    assert "Sign-off requested (waiver, round 1)" in out
    steering = signers(show(cli, pid), "full_case", subject="waiver")
    assert steering == sorted([AISHA, HELEN, TOM])
    sign_all(cli, pid, [TOM, HELEN])
    out = refused(cli, "waive", pid, "--reason", rationale, "--by", PRIYA)
    assert "2 of 3 members approved, 3 needed" in out  # unanimity: one approval short

    sign_all(cli, pid, [AISHA])
    out = cli("waive", pid, "--by", PRIYA).output  # the rationale was given once, with the request
    assert f"Programme {pid} is now at Transfer" in out


# --- the tests -----------------------------------------------------------------------------------------


@pytest.mark.slow  # about a hundred commands, a few seconds
def test_a_programme_goes_from_courtship_to_live_at_the_command_line(cli: Any) -> None:
    pid = start(cli)
    courtship_refuses_early_moves(cli, pid)
    honest_conversation_with_a_rejection(cli, pid)
    outline_case_returned_from_prenup(cli, pid)
    prenup_after_eastvale_withdraws(cli, pid)
    full_case_waived(cli, pid)
    for stage, next_title in [("transfer", "Go-live"), ("go_live", "Review"), ("review", "Live")]:
        complete_gate(cli, pid, stage)
        advance(cli, pid, next_title)

    view = show(cli, pid)
    assert view["state"] == "live" and view["ended"] and view["gate"] is None
    assert [p["name"] for p in view["partners"] if p["withdrawn_at"] is None] == [NORTHBRIDGE, SOUTHMOOR]
    assert "has ended" in refused(cli, "advance", pid)

    events = json.loads(cli("history", pid, "--json").stdout)
    assert [e["seq"] for e in events] == list(range(1, len(events) + 1))
    moves = [
        (e["kind"], e["from_state"], e["to_state"])
        for e in events
        if e["kind"] in MOVE_KINDS or e["to_state"] is not None
    ]
    assert moves == [
        ("programme_started", None, "courtship"),
        ("advanced", "courtship", "honest_conversation"),
        ("advanced", "honest_conversation", "outline_case"),
        ("advanced", "outline_case", "prenup"),
        ("returned", "prenup", "outline_case"),
        ("advanced", "outline_case", "prenup"),
        ("advanced", "prenup", "full_case"),
        ("waived", "full_case", "transfer"),
        ("advanced", "transfer", "go_live"),
        ("advanced", "go_live", "review"),
        ("advanced", "review", "live"),
    ]
    log = cli("history", pid).output
    assert "programme_started -> courtship" in log and "None" not in log
    assert "returned prenup -> outline_case: The savings profile counts ICT twice" in log
    waived = next(e for e in events if e["kind"] == "waived")
    assert waived["reason"].startswith("A clear agreed model")
    rejection = next(e for e in events if e["kind"] == "signed" and e["data"]["decision"] == "reject")
    assert rejection["actor"] == "Gareth Evans" and "planning" in rejection["reason"]


def test_withdrawals_leaving_one_partner_abandon_the_programme(cli: Any) -> None:
    pid = start(cli)
    out = cli("withdraw", pid, EASTVALE, "--reason", "Cabinet voted not to proceed").output
    assert f"Programme {pid} is at Courtship; partners: {NORTHBRIDGE}, {SOUTHMOOR}" in out
    assert "withdrew already" in refused(cli, "withdraw", pid, EASTVALE, "--reason", "again")

    out = cli("withdraw", pid, "southmoor district council", "--reason", "Chose a county-wide partnership").output
    assert f"Withdrawn. Too few partners remain ({NORTHBRIDGE}): programme {pid} is Abandoned" in out
    view = show(cli, pid)
    assert view["state"] == "abandoned" and view["ended"] and view["gate"] is None
    assert "The programme has ended." in cli("programme", "show", pid).output

    last = json.loads(cli("history", pid, "--json").stdout)[-1]
    assert (last["kind"], last["from_state"], last["to_state"]) == ("ended", "courtship", "abandoned")
    assert last["reason"] == "" and (last["data"]["remaining"], last["data"]["minimum"]) == (1, 2)
    logged = cli("history", pid).output.splitlines()[-1]  # a log line: the kind and its facts
    assert logged.endswith("ended courtship -> abandoned  minimum=2 move=end_too_few remaining=1"), logged
    assert "has ended" in refused(cli, "evidence", pid, "partners_named", "Two councils left")
    assert "has ended" in refused(cli, "withdraw", pid, NORTHBRIDGE, "--reason", "Nobody left to share with")
