"""On the gate page a signatory decides on the pack they were shown: a change in between is refused with the
reason, and the pack of a decision stays readable after the evidence moves on."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient
from web_support import EMAILS, csrf_token, session_as, text_of

from workflow.engine.definitions import load_definition
from workflow.engine.programmes import Programmes
from workflow.engine.views import ProgrammeView

FIELD = re.compile(r'name="(pack|round|version)" value="([^"]*)"')


def _requested(programmes: Programmes, pid: int) -> None:
    definition = load_definition(programmes.registry.folder / "shared-service.yaml")
    for criterion in definition.gates["courtship"].criteria:
        programmes.record_evidence(pid, criterion.id, f"{criterion.title}: minuted on 4 January")
    programmes.request_sign_off(pid, note="Please decide before the leaders meet")


def _decision_form(client: FlaskClient, pid: int) -> dict[str, str]:
    page = client.get(f"/programmes/{pid}/gate")
    assert page.status_code == 200
    fields = dict(FIELD.findall(page.get_data(as_text=True)))
    assert len(fields.get("pack", "")) == 64 and fields.get("round"), fields
    return {"csrf_token": csrf_token(client, f"/programmes/{pid}/gate"), "decision": "approve", **fields}


def test_a_change_between_loading_the_page_and_deciding_is_refused_with_the_reason(
    app: Flask, client: FlaskClient, programmes: Programmes, sample: ProgrammeView
) -> None:
    _requested(programmes, sample.id)
    session_as(client, app, EMAILS["tom"])
    form = _decision_form(client, sample.id)
    programmes.record_evidence(sample.id, "partners_named", "Eastvale now named too")
    programmes.request_sign_off(sample.id)  # asked again, on the new evidence
    response = client.post(f"/programmes/{sample.id}/gate/sign", data=form)
    assert response.status_code == 409
    assert "has closed" in text_of(response)
    view = programmes.get(sample.id)
    assert view.gate is not None and not view.gate.sign_offs


def test_two_signatories_on_the_same_page_both_decide(
    app: Flask, client: FlaskClient, programmes: Programmes, sample: ProgrammeView
) -> None:
    _requested(programmes, sample.id)
    other = app.test_client()
    session_as(client, app, EMAILS["tom"])
    session_as(other, app, EMAILS["aisha"])
    forms = [_decision_form(client, sample.id), _decision_form(other, sample.id)]
    for who, form in zip((client, other), forms, strict=True):
        assert who.post(f"/programmes/{sample.id}/gate/sign", data=form).status_code == 302
    view = programmes.get(sample.id)
    assert view.gate is not None and {s.person_name for s in view.gate.sign_offs} == {"Tom Hardy", "Aisha Khan"}


def test_the_pack_page_shows_what_was_decided_on_after_the_evidence_changed(
    app: Flask, client: FlaskClient, programmes: Programmes, sample: ProgrammeView
) -> None:
    _requested(programmes, sample.id)
    session_as(client, app, EMAILS["tom"])
    form = _decision_form(client, sample.id)
    assert client.post(f"/programmes/{sample.id}/gate/sign", data=form).status_code == 302
    programmes.record_evidence(sample.id, "partners_named", "Eastvale now named too")
    page = client.get(f"/programmes/{sample.id}/packs/{form['pack']}")
    assert page.status_code == 200
    shown = text_of(page)
    assert "minuted on 4 January" in shown and "Eastvale now named too" not in shown
    assert "Please decide before the leaders meet" in shown and "The gate has moved on since" in shown
    assert "Tom Hardy: approved" in shown
    assert client.get(f"/programmes/{sample.id}/packs/{'f' * 64}").status_code == 404


def test_a_stranger_cannot_read_a_pack(
    app: Flask, client: FlaskClient, programmes: Programmes, sample: ProgrammeView
) -> None:
    _requested(programmes, sample.id)
    session_as(client, app, EMAILS["tom"])
    form = _decision_form(client, sample.id)
    client.post(f"/programmes/{sample.id}/gate/sign", data=form)
    from web_support import start_programme

    start_programme(programmes, "Westshire alone")
    stranger = app.test_client()
    session_as(stranger, app, "owen.other@westshire.example")
    assert stranger.get(f"/programmes/{sample.id}/packs/{form['pack']}").status_code in (403, 404)
