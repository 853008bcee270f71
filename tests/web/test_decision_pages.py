"""The partners' decisions page: who may record what, bad dates and links refused by field (422) with the form
kept, a cabinet decision recorded through the form counting at the gate after its call-in period."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from web_support import EMAILS, day, post, session_as, text_of

from workflow.engine.programmes import Programmes
from workflow.engine.views import ProgrammeView

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "records"))
from decision_walks import everyone_approves, record_all, walk_to_outline_case


@pytest.fixture
def outline(programmes: Programmes, sample: ProgrammeView, people: dict[str, int]) -> ProgrammeView:
    walk_to_outline_case(programmes, sample.id, people)
    record_all(programmes, sample.id)
    programmes.request_sign_off(sample.id)
    return everyone_approves(programmes, sample.id, people)


def page(view: ProgrammeView) -> str:
    return f"/programmes/{view.id}/decisions"


def partner(view: ProgrammeView, prefix: str) -> int:
    return next(p.id for p in view.partners if p.name.startswith(prefix))


def decision(view: ProgrammeView, prefix: str, **changes: str) -> dict[str, str]:
    return {
        "asked": f"{partner(view, prefix)}:cabinet",
        **day("meeting_on", "2027-01-04"),
        "key_decision": "yes",
        **day("forward_plan_on", "2026-12-01"),
        "minutes": "https://democracy.example.gov.uk/ieDecisionDetails.aspx?ID=7",
        "outcome": "approved",
        "call_in_days": "",
        **changes,
    }


def test_a_cabinet_decision_recorded_on_the_page_counts_after_call_in(
    client: FlaskClient, app: Flask, outline: ProgrammeView, clock: Any
) -> None:
    session_as(client, app, EMAILS["priya"])
    assert "Awaiting decision" in text_of(client.get(page(outline)))
    for name in ("Northbridge", "Southmoor", "Eastvale"):
        answer = post(client, page(outline), decision(outline, name), token_from=page(outline))
        assert answer.status_code == 302, text_of(answer)
    shown = text_of(client.get(page(outline)))
    assert "In call-in period" in shown and "Call-in period ends 11 January 2027" in shown
    assert "12 January 2027" in shown and "33 clear days" in shown
    gate = text_of(client.get(f"/programmes/{outline.id}/gate"))
    assert "In call-in period" in gate and "counts from 12 January 2027" in gate

    clock.now = datetime(2027, 1, 12, 9, tzinfo=UTC)
    session_as(client, app, EMAILS["priya"])  # a week later: a new session
    assert "Counts" in text_of(client.get(page(outline)))
    answer = post(client, f"/programmes/{outline.id}/advance", {"version": str(_version(app, outline))}, page(outline))
    assert answer.status_code == 302, text_of(answer)


def _version(app: Flask, view: ProgrammeView) -> int:
    with app.app_context():
        from web.services import services

        return services().programmes.get(view.id).version


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({**day("meeting_on", "2027-02-30")}, "Meeting date"),
        ({**day("meeting_on", "2027-03-01")}, "meeting_on 2027-03-01 is in the future"),
        ({**day("forward_plan_on", "2027-01-05")}, "must be before the meeting"),
        ({"minutes": "http://not a link"}, "is not a valid http or https link"),
        ({"call_in_days": "99"}, "from 0 to 60 working days"),
        ({"asked": "999999:cabinet"}, "Not a valid choice"),
    ],
)
def test_bad_input_comes_back_with_the_form_and_422(
    client: FlaskClient, app: Flask, outline: ProgrammeView, changes: dict[str, str], message: str
) -> None:
    session_as(client, app, EMAILS["priya"])
    answer = post(client, page(outline), decision(outline, "Northbridge", **changes), token_from=page(outline))
    assert answer.status_code == 422
    shown = text_of(answer)
    assert message in shown and "There is a problem" in shown


def test_a_call_in_outside_its_period_is_422(client: FlaskClient, app: Flask, outline: ProgrammeView) -> None:
    session_as(client, app, EMAILS["priya"])
    post(client, page(outline), decision(outline, "Northbridge"), token_from=page(outline))
    shown = client.get(page(outline)).get_data(as_text=True)
    decision_id = shown.split('name="decision"')[1].split('value="')[1].split('"')[0]
    late = {"decision": decision_id, **day("called_in_on", "2027-02-01")}
    answer = post(client, page(outline) + "/call-in", late, page(outline))
    assert answer.status_code == 422 and "outside the call-in period" in text_of(answer)
    in_time = {"decision": decision_id, **day("called_in_on", "2027-01-04")}
    answer = post(client, page(outline) + "/call-in", in_time, page(outline))
    assert answer.status_code == 302
    assert "Called in" in text_of(client.get(page(outline)))


def test_a_signatory_records_only_for_their_own_partner_and_an_observer_not_at_all(
    client: FlaskClient, app: Flask, outline: ProgrammeView
) -> None:
    session_as(client, app, EMAILS["tom"])  # signatory of Northbridge
    own = post(client, page(outline), decision(outline, "Northbridge"), token_from=page(outline))
    assert own.status_code == 302
    other = post(client, page(outline), decision(outline, "Southmoor"), token_from=page(outline))
    assert other.status_code == 422  # not among the choices he is offered
    session_as(client, app, EMAILS["sam"])  # observer
    assert client.get(page(outline)).status_code == 200
    assert "Record a decision" not in text_of(client.get(page(outline)))
    refused = post(
        client,
        page(outline) + "/pre-election",
        {
            "partner": str(partner(outline, "Southmoor")),
            **day("starts_on", "2027-03-22"),
            **day("polling_on", "2027-05-06"),
        },
        page(outline),
    )
    assert refused.status_code in (403, 422)


def test_without_a_csrf_token_nothing_is_recorded(client: FlaskClient, app: Flask, outline: ProgrammeView) -> None:
    session_as(client, app, EMAILS["priya"])
    answer = client.post(page(outline), data=decision(outline, "Northbridge"))
    assert answer.status_code in (400, 422)
    assert "Awaiting decision" in text_of(client.get(page(outline)))
