"""The spreadsheet page: the template and the figures download as .xlsx and .ods with the programme's partners
and years; an upload replaces the business case (logged with the manager's name) or, when a cell is wrong,
answers 422 naming the sheet and cell and changes nothing."""

from __future__ import annotations

import io
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from web_support import EMAILS, post, session_as, text_of

from workflow.engine.views import ProgrammeView
from workflow.money import spreadsheet as ss

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "money"))
from sheet_support import edit_cell

NB, SM, EV = "Northbridge District Council", "Southmoor District Council", "Eastvale Borough Council"


@pytest.fixture
def manager(app: Flask, client: FlaskClient, sample: ProgrammeView) -> FlaskClient:
    session_as(client, app, EMAILS["priya"])
    return client


@pytest.mark.parametrize("kind", ss.FORMATS)
def test_template_upload_and_a_wrong_cell(manager: FlaskClient, app: Flask, sample: ProgrammeView, kind: str) -> None:
    base = f"/programmes/{sample.id}/money"
    page = text_of(manager.get(base + "/spreadsheet"))
    assert f"Template (.{kind})" in page
    download = manager.get(base + f"/spreadsheet/template.{kind}")
    assert download.status_code == 200 and download.mimetype == ss.MIMETYPES[kind]
    assert f"money-template.{kind}" in download.headers["Content-Disposition"]
    template = download.get_data()
    book = ss.read(template, kind)
    assert [r[0] for r in book["Baselines"][1:]] == [NB, SM, EV]
    first = book["Business case"][1][0]
    # fill in the template: rename the savings column, enter IT investment and savings in the first year
    filled = edit_cell(template, kind, "Business case", 1, 12, "Savings: revenues and benefits")
    filled = edit_cell(filled, kind, "Business case", 2, 3, "£950,000")
    filled = edit_cell(filled, kind, "Business case", 3, 12, 150000)
    wrong = edit_cell(filled, kind, "Business case", 4, 3, "5e9")
    answer = post(manager, base + "/spreadsheet", {"file": (io.BytesIO(wrong), f"case.{kind}")}, base + "/spreadsheet")
    assert answer.status_code == 422
    text = text_of(answer)
    assert "The spreadsheet has problems: nothing was imported" in text
    assert "Business case!C4: Investment: IT must be an amount in pounds and pence" in text
    assert "Input should be" not in text and "Traceback" not in text
    answer = post(manager, base + "/spreadsheet", {"file": (io.BytesIO(filled), f"case.{kind}")}, base + "/spreadsheet")
    assert answer.status_code == 302, text_of(answer)[:2000]
    summary = text_of(manager.get(answer.headers["Location"]))
    assert f"Figures imported from case.{kind}" in summary
    with app.app_context():
        from web.money_entry import entry
        from web.services import services

        case = entry().case(sample.id)
        [event] = [e for e in services().programmes.history(sample.id) if e.kind == "figures_changed"]
    assert [(i.year, i.category, i.amount) for i in case.investments] == [(int(first[:4]), "it", Decimal("950000.00"))]
    assert [(s.service, s.amount) for s in case.savings] == [("revenues and benefits", Decimal("150000.00"))]
    assert event.actor == "Priya Shah" and f"case.{kind}" in event.reason
    figures = ss.read(manager.get(base + f"/spreadsheet/figures.{kind}").get_data(), kind)
    assert figures["Business case"][1][2] == Decimal("950000")
