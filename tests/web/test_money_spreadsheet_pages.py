"""The spreadsheet page: the template and the figures download as .xlsx and .ods with the programme's partners
and years; an upload replaces the business case (logged with the manager's name) or, when a cell is wrong,
answers 422 naming the sheet and cell and changes nothing."""

from __future__ import annotations

import io
import re
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
    assert "Business case!C4: Investment: IT must be in pounds and pence" in text
    assert "Input should be" not in text and "Traceback" not in text
    answer = post(manager, base + "/spreadsheet", {"file": (io.BytesIO(filled), f"case.{kind}")}, base + "/spreadsheet")
    assert answer.status_code == 200, text_of(answer)[:2000]
    check = text_of(answer)
    assert f"This is what importing case.{kind} would change. Nothing has been imported yet." in check
    assert f"{first} IT (one-off) New: £950,000.00" in check
    assert f"{first} revenues and benefits New: £150,000.00" not in check  # row 3 is the second year
    with app.app_context():
        from web.money.entry import entry

        assert entry().case(sample.id).is_empty  # nothing imported before the confirmation
    token = re.search(r'name="token" value="([^"]+)"', answer.get_data(as_text=True))
    assert token
    confirm = base + "/spreadsheet/confirm"
    assert post(manager, confirm, {"token": token.group(1)[:-3] + "abc"}, base + "/spreadsheet").status_code == 400
    answer = post(manager, confirm, {"token": token.group(1)}, base + "/spreadsheet")
    assert answer.status_code == 302, text_of(answer)[:2000]
    summary = text_of(manager.get(answer.headers["Location"]))
    assert f"Figures imported from case.{kind}" in summary
    with app.app_context():
        from web.money.entry import entry
        from web.services import services

        case = entry().case(sample.id)
        [event] = [e for e in services().programmes.history(sample.id) if e.kind == "figures_changed"]
    assert [(i.year, i.category, i.amount) for i in case.investments] == [(int(first[:4]), "it", Decimal("950000.00"))]
    assert [(s.service, s.amount) for s in case.savings] == [("revenues and benefits", Decimal("150000.00"))]
    assert event.actor == "Priya Shah" and event.reason == "" and event.data["file"] == f"case.{kind}"
    figures = ss.read(manager.get(base + f"/spreadsheet/figures.{kind}").get_data(), kind)
    assert figures["Business case"][1][2] == Decimal("950000")


def test_a_confirmation_after_someone_else_changed_the_figures_is_refused(
    manager: FlaskClient, app: Flask, sample: ProgrammeView
) -> None:
    base = f"/programmes/{sample.id}/money"
    template = manager.get(base + "/spreadsheet/template.xlsx").get_data()
    filled = edit_cell(template, "xlsx", "Business case", 2, 3, 1000)
    answer = post(manager, base + "/spreadsheet", {"file": (io.BytesIO(filled), "a.xlsx")}, base + "/spreadsheet")
    token = re.search(r'name="token" value="([^"]+)"', answer.get_data(as_text=True))
    assert token
    data = {"saving-year": "2027-28", "saving-service": "HR", "saving-amount": "5"}
    assert post(manager, base + "/case/saving", data, base + "/case").status_code == 302
    answer = post(manager, base + "/spreadsheet/confirm", {"token": token.group(1)}, base + "/spreadsheet")
    assert answer.status_code == 409
    assert "changed by someone else after the spreadsheet was checked; nothing was imported" in text_of(answer)
    with app.app_context():
        from web.money.entry import entry

        assert [i.amount for i in entry().case(sample.id).investments] == []
