"""Consequential moves (withdraw, end, return, waive) go through a check-your-answers page that shows what
will happen first: what a leaver owes under the pre-nup as the money engine computes it, the others' new
shares, who is emailed, which decisions lapse. Nothing changes until the person confirms."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from web_support import COURTSHIP, EMAILS, post, session_as, text_of

from workflow.engine.db import Database
from workflow.engine.programmes import Programmes
from workflow.engine.registry import Registry
from workflow.engine.views import ProgrammeView
from workflow.money.service import Finances

ROOT = Path(__file__).resolve().parents[2]
MONEY = ROOT / "examples" / "northbridge-southmoor-money.yaml"
SM = "Southmoor District Council"


@pytest.fixture
def finances(db: Database, clock: Any) -> Finances:
    return Finances(db, Registry(ROOT / "definitions"), clock=clock)


def test_a_withdrawal_shows_what_the_leaver_owes_then_happens_only_when_confirmed(
    client: FlaskClient, app: Flask, programmes: Programmes, sample: ProgrammeView, finances: Finances
) -> None:
    text = MONEY.read_text(encoding="utf-8").replace("from_stage: outline_case", "from_stage: honest_conversation")
    finances.import_figures(sample.id, text.replace("from_stage: prenup", "from_stage: courtship"), "moved.yaml")
    view = programmes.get(sample.id)
    southmoor = next(p for p in view.partners if p.name == SM)
    expected = finances.what_if(sample.id, southmoor.id)
    assert expected.liability.total > 0
    session_as(client, app, EMAILS["priya"])
    form = {"version": view.version, "partner": southmoor.id, "reason": "Cabinet voted to leave"}
    page = post(client, f"/programmes/{sample.id}/withdraw", form, token_from=f"/programmes/{sample.id}/manage")
    assert page.status_code == 200
    shown = text_of(page)
    assert "Check before you record the withdrawal" in shown
    assert f"{SM} will owe £{expected.liability.total:,.2f} under the pre-nuptial agreement." in shown
    for name, after in expected.shares_after.items():
        assert f"{name} {expected.shares_before[name]}% {after}%" in shown
    assert "An email goes to 9 people" in shown and "Priya Shah" in shown
    assert all(p.withdrawn_at is None for p in programmes.get(sample.id).partners)  # nothing changed yet

    done = post(
        client,
        f"/programmes/{sample.id}/withdraw",
        {**form, "confirmed": "yes"},
        token_from=f"/programmes/{sample.id}/manage",
    )
    assert done.status_code == 302
    left = next(p for p in programmes.get(sample.id).partners if p.name == SM)
    assert left.withdrawn_at is not None
    logged = programmes.history(sample.id)[-1]
    assert Decimal(logged.data["liability"]) == expected.liability.total


def test_returning_names_the_gates_to_pass_again_and_the_decisions_that_lapse(
    client: FlaskClient, app: Flask, programmes: Programmes, sample: ProgrammeView, people: dict[str, int]
) -> None:
    pid = sample.id
    for criterion in COURTSHIP:
        programmes.record_evidence(pid, criterion, "done")
    programmes.request_sign_off(pid)
    for name in ("tom", "aisha", "gareth"):
        programmes.sign(pid, people[name], "approve", role="signatory")
    view = programmes.advance(pid)
    session_as(client, app, EMAILS["priya"])
    form = {"version": view.version, "stage": "courtship", "reason": "The vision needs redrafting"}
    shown = text_of(post(client, f"/programmes/{pid}/return", form, token_from=f"/programmes/{pid}/manage"))
    assert "Check before you return the programme" in shown
    assert "The programme moves to Courtship." in shown
    assert "These gates must be passed again: Courtship, Honest conversation." in shown
    assert programmes.get(pid).state == "honest_conversation"


def test_bad_input_goes_back_to_the_form_and_others_may_not_even_see_the_check(
    client: FlaskClient, app: Flask, sample: ProgrammeView
) -> None:
    session_as(client, app, EMAILS["priya"])
    answer = post(
        client,
        f"/programmes/{sample.id}/end",
        {"version": sample.version, "move": "abandon", "reason": ""},
        token_from=f"/programmes/{sample.id}/manage",
    )
    assert answer.status_code == 422 and "Enter a reason" in text_of(answer)
    session_as(client, app, EMAILS["tom"])
    refused = post(
        client,
        f"/programmes/{sample.id}/end",
        {"version": sample.version, "move": "abandon", "reason": "x"},
        token_from=f"/programmes/{sample.id}/gate",
    )
    assert refused.status_code == 403
