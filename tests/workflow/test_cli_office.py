"""The ``banns`` commands a programme office needs day to day: signing in the right capacity and bound to
what was shown, editing a programme, money changes logged under a person's name, and the site's own log."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from click.testing import Result

from workflow.accounts.service import Accounts
from workflow.engine.db import Database
from workflow.engine.programmes import Programmes
from workflow.engine.views import ProgrammeView

TOM = "tom.hardy@northbridge.example"  # Northbridge's signatory
PRIYA = "priya.shah@northbridge.example"  # programme manager
NB, SM = "Northbridge District Council", "Southmoor District Council"


def fails(result: Result, code: int, *expected: str) -> str:
    assert result.exit_code == code, f"exit {result.exit_code}, expected {code}:\n{result.output}"
    assert "Traceback" not in result.output and "Internal error" not in result.output
    for text in expected:
        assert text in result.output, f"{text!r} not in:\n{result.output}"
    return result.output


@pytest.fixture
def requested(programmes: Programmes, sample: ProgrammeView) -> ProgrammeView:
    """The sample programme at courtship, evidenced and requested, with Tom signatory for two partners."""
    southmoor = next(p.id for p in sample.partners if p.name == SM)
    programmes.assign_role(sample.id, TOM, "signatory", southmoor, programmes.actor(PRIYA))
    for criterion in programmes.registry.latest("shared-service").gates["courtship"].criteria:
        programmes.record_evidence(sample.id, criterion.id, "In the minutes of the leaders' meeting")
    return programmes.request_sign_off(sample.id)


# --- signing in the right capacity --------------------------------------------------------------------


def test_someone_asked_in_two_capacities_is_asked_which(cli: Any, requested: ProgrammeView) -> None:
    out = fails(cli("sign", requested.id, "approve", "--as", TOM, ok=False), 2, "Tom Hardy is asked to decide")
    assert f'signatory for {NB}: --role signatory --partner "{NB}"' in out
    assert f'signatory for {SM}: --role signatory --partner "{SM}"' in out
    assert "--all-capacities" in out
    assert f"awaiting sign-off from the signatory of {NB}, {SM}" in cli("programme", "show", requested.id).output


def test_choosing_a_capacity_decides_in_it_alone(cli: Any, requested: ProgrammeView) -> None:
    out = cli("sign", requested.id, "approve", "--as", TOM, "--partner", SM).output
    assert "Tom Hardy: approved" in out
    assert f"awaiting sign-off from the signatory of {NB}, Eastvale" in out
    # one capacity left: no need to choose any more
    assert (
        "awaiting sign-off from the signatory of Eastvale" in cli("sign", requested.id, "approve", "--as", TOM).output
    )


def test_all_capacities_decides_in_every_one(cli: Any, requested: ProgrammeView) -> None:
    out = cli("sign", requested.id, "approve", "--as", TOM, "--all-capacities").output
    assert "Tom Hardy: approved" in out and "awaiting sign-off from the signatory of Eastvale" in out
    fails(
        cli("sign", requested.id, "approve", "--as", TOM, "--all-capacities", "--role", "signatory", ok=False),
        2,
        "leave out --role and --partner",
    )


def test_all_capacities_after_deciding_in_one_decides_in_the_rest(cli: Any, requested: ProgrammeView) -> None:
    cli("sign", requested.id, "approve", "--as", TOM, "--partner", SM)
    out = cli("sign", requested.id, "approve", "--as", TOM, "--all-capacities").output
    assert "Tom Hardy: approved" in out and "awaiting sign-off from the signatory of Eastvale" in out
    again = cli("sign", requested.id, "approve", "--as", TOM, "--all-capacities", ok=False)
    assert again.exit_code != 0 and "has already decided in round 1" in again.output


def pack_shown(cli: Any, programme_id: int) -> str:
    match = re.search(
        r"Decision pack: ([0-9a-f]+) \(sign with --pack \1 --round 1\)", cli("programme", "show", programme_id).output
    )
    assert match, "no decision pack shown"
    return match.group(1)


def test_a_decision_is_bound_to_the_pack_and_round_shown(cli: Any, requested: ProgrammeView) -> None:
    pack = pack_shown(cli, requested.id)
    aisha = ("--as", "aisha.khan@southmoor.example")
    fails(cli("sign", requested.id, "approve", *aisha, "--round", 2, ok=False), 1, "has closed")
    fails(cli("sign", requested.id, "approve", *aisha, "--pack", "0" * len(pack), ok=False), 1, "changed after")
    assert "Aisha Khan: approved" in cli("sign", requested.id, "approve", *aisha, "--pack", pack, "--round", 1).output


def test_no_pack_is_shown_while_no_request_is_open(cli: Any, sample: ProgrammeView) -> None:
    assert "Decision pack" not in cli("programme", "show", sample.id).output


# --- editing a programme ------------------------------------------------------------------------------


def test_editing_a_programme_changes_only_what_is_given(cli: Any, sample: ProgrammeView) -> None:
    out = cli(
        "programme",
        "edit",
        sample.id,
        "--plan",
        "courtship=2027-01-04:2027-03-31",
        "--plan",
        "honest_conversation=:2027-06-30",
        "--by",
        PRIYA,
    ).output
    assert f"Programme {sample.id}: {sample.name}" in out
    assert "Courtship: 2027-01-04 to 2027-03-31" in out
    cli("programme", "edit", sample.id, "--name", "Tri-council shared services")
    shown = json.loads(cli("programme", "show", sample.id, "--json").output)
    assert shown["name"] == "Tri-council shared services" and shown["description"] == sample.description
    plan = {p["stage"]: (p["planned_start"], p["planned_end"]) for p in shown["plan"]}
    assert plan["courtship"] == ("2027-01-04", "2027-03-31") and plan["honest_conversation"][1] == "2027-06-30"
    history = cli("history", sample.id).output
    assert "Priya Shah" in history


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (
            ("--plan", "courtship=2027-13-01:2027-03-31"),
            "'2027-13-01' in 'courtship=2027-13-01:2027-03-31' is not a date",
        ),
        (("--plan", "courtship:2027-01-04"), "is not STAGE=START:END"),
        (("--plan", "wooing=2027-01-04:2027-03-31"), "unknown stage 'wooing'"),
        (("--plan", "courtship=2027-03-31:2027-01-04"), "the planned end is before its start"),
        (("--name", " "), "enter the programme's name"),
        ((), "give --name, --description or --plan"),
    ],
    ids=["bad date", "no equals", "unknown stage", "end before start", "empty name", "nothing to change"],
)
def test_editing_refuses_bad_input_clearly(
    cli: Any, sample: ProgrammeView, args: tuple[str, ...], expected: str
) -> None:
    fails(cli("programme", "edit", sample.id, *args, ok=False), 2, expected)


# --- money under a person's name ----------------------------------------------------------------------


def test_money_changes_are_logged_under_the_person_given(cli: Any, sample: ProgrammeView) -> None:
    cli("money", "cost", sample.id, "2027-02-01", "programme_team", "1200.00", "--by", PRIYA)
    cli(
        "money",
        "confidence",
        sample.id,
        "2027-28 Q1",
        "amber",
        "--commentary",
        "On track",
        "--scale",
        "rag",
        "--by",
        PRIYA,
    )
    lines = [line for line in cli("history", sample.id).output.splitlines() if "Priya Shah" in line]
    assert len(lines) >= 2, cli("history", sample.id).output
    fails(cli("money", "results", sample.id, "--by", "nobody@example.org", ok=False), 3, "nobody has the email")


def test_every_money_command_takes_by() -> None:
    from workflow.cli.money import money

    for name, command in money.commands.items():
        assert any(p.name == "by" for p in command.params), name


def test_money_status_reads_only_as_someone_on_the_programme(cli: Any, sample: ProgrammeView) -> None:
    assert "NOT met" in cli("money", "status", sample.id, "payback_year", "--by", PRIYA).output
    fails(cli("money", "status", sample.id, "payback_year", "--by", "nobody@example.org", ok=False), 3, "nobody")


# --- the site's own log -------------------------------------------------------------------------------


def test_history_without_a_programme_is_the_sites_log(cli: Any, db: Database, sample: ProgrammeView) -> None:
    assert "The site's log is empty." in cli("history").output
    Accounts(db).add_person("Nia Jones", "nia.jones@gwent.example", sample.created_at)
    out = cli("history").output
    assert re.search(r"^\s+1 \d{4}-\d\d-\d\d \d\d:\d\d UTC  system", out, re.M), out
    events = json.loads(cli("history", "--json").output)
    assert [e["seq"] for e in events] == [1] and events[0]["data"]
    assert all(e["kind"] != "started" for e in events)  # no programme's events


# --- staff transfer ---------------------------------------------------------------------------------------


def test_a_programme_office_records_staff_transfers_from_the_shell(cli: Any, sample: ProgrammeView) -> None:
    out = cli(
        "transfer",
        "record",
        sample.id,
        "Eastvale Borough Council",
        "--headcount",
        "315",
        "--on",
        "2027-05-02",
        "--role",
        "Payroll officer",
        "--role",
        "ICT analyst",
        "--redundancies",
        "25",
        "--by",
        PRIYA,
    ).output
    assert "Eastvale Borough Council: 315 staff transfer on 2027-05-02" in out
    assert "employee liability information by 2027-04-04: due" in out
    assert "collective consultation begins by 2027-04-02: due" in out
    listed = json.loads(cli("transfer", "list", sample.id, "--json").output)
    assert listed[0]["roles"] == ["Payroll officer", "ICT analyst"] and listed[0]["duties"][0]["status"] == "due"
    fails(
        cli("transfer", "record", sample.id, "Nowhere", "--headcount", "3", "--on", "2027-05-02", ok=False),
        3,
        "no partner",
    )
    fails(
        cli(
            "transfer",
            "record",
            sample.id,
            "Eastvale Borough Council",
            "--headcount",
            "3",
            "--on",
            "2027-05-02",
            "--redundancies",
            "9",
            ok=False,
        ),
        2,
        "redundancies proposed must be from 0 to the headcount",
    )


def test_evidence_takes_a_document_checked_by_content(cli: Any, sample: ProgrammeView, tmp_path: Any) -> None:
    pdf, fake = tmp_path / "intent.pdf", tmp_path / "fake.pdf"
    pdf.write_bytes(b"%PDF-1.4\n%%EOF\n")
    fake.write_bytes(b"MZ\x90\x00" + b"\x00" * 64)
    cli("evidence", sample.id, "partners_named", "Statement of intent", "--file", pdf)
    shown = json.loads(cli("programme", "show", sample.id, "--json").output)
    [found] = [e for e in shown["gate"]["evidence"] if e["criterion"] == "partners_named"]
    assert found["document_name"] == "intent.pdf" and len(found["document_sha256"]) == 64
    fails(cli("evidence", sample.id, "vision_drafted", "x", "--file", fake, ok=False), 2, "must be a PDF")
