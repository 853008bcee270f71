"""The audit log reads as what happened: decisions with their gate and comment, moves with stage titles, a
leaver's liability in pounds; its CSV has the page's columns and the event's data as JSON."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from web_support import COURTSHIP, EMAILS, session_as, text_of

from workflow.engine.db import Database
from workflow.engine.programmes import Programmes
from workflow.engine.registry import Registry
from workflow.engine.views import ProgrammeView
from workflow.money.service import Finances

ROOT = Path(__file__).resolve().parents[2]
MONEY = ROOT / "examples" / "northbridge-southmoor-money.yaml"
GATE = "Gateway 0 - strategic assessment"
SM = "Southmoor District Council"


def _through_courtship(programmes: Programmes, pid: int, people: dict[str, int]) -> None:
    """Evidence, a rejection with a comment, a resubmission approved by all three signatories, the advance."""
    for criterion in COURTSHIP:
        programmes.record_evidence(pid, criterion, f"{criterion} done")
    programmes.request_sign_off(pid)
    programmes.sign(pid, people["aisha"], "reject", "The budget is not agreed", role="signatory")
    programmes.request_sign_off(pid, note="Budget agreed at cabinet")
    for name in ("tom", "aisha", "gareth"):
        programmes.sign(pid, people[name], "approve", role="signatory")
    programmes.advance(pid)


def test_the_audit_log_says_who_decided_what_on_which_gate_and_the_stages_by_title(
    app: Flask, client: FlaskClient, programmes: Programmes, sample: ProgrammeView, people: dict[str, int]
) -> None:
    _through_courtship(programmes, sample.id, people)
    session_as(client, app, EMAILS["priya"])
    page = text_of(client.get(f"/programmes/{sample.id}/audit"))
    assert f"Rejected {GATE} as Signatory of {SM} (round 1) The budget is not agreed" in page
    assert f"Approved {GATE} as Signatory of Northbridge District Council (round 2)" in page
    assert f"Requested sign-off of {GATE} (round 2) Budget agreed at cabinet" in page
    assert "Advanced from Courtship to Honest conversation" in page
    assert "Recorded evidence for “Partners named”" in page
    assert "courtship →" not in page and "honest_conversation" not in page  # no ids for stages

    programmes.name_deputy(sample.id, people["tom"], people["helen"], date(2027, 1, 4), date(2027, 1, 8), "leave")
    page = text_of(client.get(f"/programmes/{sample.id}/audit"))
    assert "Helen Marsh named deputy for Tom Hardy from 4 January 2027 to 8 January 2027" in page

    overview = text_of(client.get(f"/programmes/{sample.id}"))  # the programme page's recent events too
    assert "Advanced from Courtship to Honest conversation" in overview


def test_a_withdrawal_in_the_log_shows_the_liability_in_pounds_and_the_csv_carries_json(
    app: Flask, client: FlaskClient, db: Database, clock: Any, programmes: Programmes, sample: ProgrammeView
) -> None:
    finances = Finances(db, Registry(ROOT / "definitions"), clock=clock)
    text = MONEY.read_text(encoding="utf-8").replace("from_stage: outline_case", "from_stage: honest_conversation")
    finances.import_figures(sample.id, text.replace("from_stage: prenup", "from_stage: courtship"), "moved.yaml")
    southmoor = next(p for p in sample.partners if p.name == SM)
    owed = finances.what_if(sample.id, southmoor.id).liability.total
    assert owed >= 1000  # so that the amount is written with a comma
    programmes.withdraw(sample.id, southmoor.id, "Cabinet voted to leave")

    session_as(client, app, EMAILS["priya"])
    page = text_of(client.get(f"/programmes/{sample.id}/audit"))
    assert f"{SM} withdrew, owing £{owed:,.2f} under the pre-nuptial agreement" in page
    assert "Cabinet voted to leave" in page

    response = client.get(f"/programmes/{sample.id}/audit?format=csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert list(rows[0]) == ["seq", "when", "who", "what", "detail", "kind", "at_utc", "from", "to", "data"]
    [left] = [r for r in rows if r["kind"] == "partner_withdrew"]
    assert left["what"].startswith(f"{SM} withdrew, owing £{owed:,.2f}")
    assert left["detail"] == "Cabinet voted to leave" and left["who"] == "system (command line)"
    data = json.loads(left["data"])  # JSON, not a Python repr
    assert Decimal(data["liability"]) == owed and data["partner"] == SM
    assert left["data"] == json.dumps(data, sort_keys=True, ensure_ascii=False)
    started = rows[0]
    assert started["what"] == "Programme started at Courtship, on the lifecycle shared-service version 2"
    assert json.loads(started["data"])["partners"]


def test_the_csv_follows_the_filters_and_defuses_formulas(
    app: Flask, client: FlaskClient, programmes: Programmes, sample: ProgrammeView
) -> None:
    programmes.record_evidence(sample.id, "partners_named", '=HYPERLINK("https://evil.example")')
    programmes.record_evidence(sample.id, "vision_drafted", "Drafted")
    session_as(client, app, EMAILS["priya"])
    response = client.get(f"/programmes/{sample.id}/audit?format=csv&kind=evidence_recorded")
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [r["what"] for r in rows] == [
        "Recorded evidence for “Partners named”",
        "Recorded evidence for “Shared vision drafted”",
    ]
    assert rows[0]["detail"].startswith("'=")
