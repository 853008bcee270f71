"""The highlight report lists the top risks from the RAID log: the five open risks with the highest ratings,
on the page, in the PDF and from `banns money highlight`."""

from __future__ import annotations

import json
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from web_support import EMAILS, pdf_text, session_as, text_of

from workflow.engine.programmes import Programmes
from workflow.engine.views import ProgrammeView
from workflow.money.service import Finances
from workflow.records.raid import RaidFields, RaidLog

MONEY = Path(__file__).resolve().parents[2] / "examples" / "northbridge-southmoor-money.yaml"


def log_risks(programmes: Programmes, pid: int, owner: int) -> None:
    raid = RaidLog(programmes.db, programmes.registry, programmes.clock)
    Finances(programmes.db, programmes.registry, programmes.clock).import_figures(
        pid, MONEY.read_text(encoding="utf-8"), str(MONEY)
    )
    for title, likelihood, impact in [
        ("Staff morale falls", 3, 3),
        ("Pension strain exceeds budget", 4, 5),
        ("Key decision called in", 2, 4),
        ("ICT migration slips", 4, 4),
        ("Union ballot", 1, 3),
        ("Data sharing agreement late", 3, 4),
    ]:
        raid.add(pid, RaidFields("risk", title, owner, likelihood, impact, mitigation=f"Plan for {title}"))
    raid.add(pid, RaidFields("issue", "An issue is not a risk", owner, 5, 5))
    gone = raid.add(pid, RaidFields("risk", "Closed already", owner, 5, 5))
    raid.close(pid, gone.id, "No longer applies")


def test_the_highlight_report_page_and_pdf_list_the_top_risks_by_rating(
    app: Flask, client: FlaskClient, programmes: Programmes, sample: ProgrammeView, people: dict[str, int]
) -> None:
    log_risks(programmes, sample.id, people["oliver"])
    session_as(client, app, EMAILS["helen"])
    page = text_of(client.get(f"/programmes/{sample.id}/money/report"))
    top = page[page.index("Top risks") :]
    order = ["Pension strain exceeds budget", "ICT migration slips", "Data sharing agreement late"]
    positions = [top.index(t) for t in [*order, "Staff morale falls", "Key decision called in"]]
    assert positions == sorted(positions)
    assert "Pension strain exceeds budget Oliver Grant 20 (very high)" in top
    for absent in ("Union ballot", "An issue is not a risk", "Closed already"):
        assert absent not in top
    pdf = pdf_text(client.get(f"/programmes/{sample.id}/money/report.pdf").get_data())
    assert "Top risks" in pdf and "Pension strain exceeds budget: 20 (very high), owner Oliver Grant" in pdf
    assert "Union ballot" not in pdf


def test_the_highlight_command_lists_the_top_risks(cli, programmes: Programmes, sample: ProgrammeView, people) -> None:
    log_risks(programmes, sample.id, people["oliver"])
    text = cli("money", "highlight", sample.id, "--period", "2027-28 Q4").output
    assert "risk: Pension strain exceeds budget - 20 (very high), owner Oliver Grant" in text
    data = json.loads(cli("money", "highlight", sample.id, "--period", "2027-28 Q4", "--json").output)
    assert [r["rating"] for r in data["top_risks"]] == [20, 16, 12, 9, 8]
    assert data["top_risks"][0]["owner_id"] == people["oliver"]
