"""Editing a programme's details and planned dates: validated, version-checked, and logged."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from web_support import EMAILS, post, session_as, text_of

from workflow.programmes import Programmes
from workflow.views import ProgrammeView


def test_a_manager_renames_and_replans_and_the_log_says_so(
        app: Flask, client: FlaskClient, programmes: Programmes, sample: ProgrammeView) -> None:
    session_as(client, app, EMAILS["priya"])
    response = post(client, f"/programmes/{sample.id}/edit", {
        "version": sample.version, "name": "Three-council shared services", "description": "Revenues and HR",
        "start-courtship": "2027-01-04", "end-courtship": "2027-04-30"}, token_from=f"/programmes/{sample.id}/edit")
    assert response.status_code == 302
    view = programmes.get(sample.id)
    assert view.name == "Three-council shared services" and view.description == "Revenues and HR"
    courtship = next(p for p in view.plan if p.stage == "courtship")
    assert courtship.planned_end.isoformat() == "2027-04-30"
    edited = [e for e in programmes.history(sample.id) if e.kind == "programme_edited"]
    assert len(edited) == 1 and edited[0].data["changes"]["name"] == [sample.name, "Three-council shared services"]


def test_a_stage_planned_to_end_before_it_starts_is_refused_and_the_input_kept(
        app: Flask, client: FlaskClient, programmes: Programmes, sample: ProgrammeView) -> None:
    session_as(client, app, EMAILS["priya"])
    response = post(client, f"/programmes/{sample.id}/edit", {
        "version": sample.version, "name": "Kept name", "description": "",
        "start-courtship": "2027-03-01", "end-courtship": "2027-02-01"}, token_from=f"/programmes/{sample.id}/edit")
    assert response.status_code == 422
    page = text_of(response)
    assert "Courtship: the planned end is before its start" in page
    assert 'value="Kept name"' in response.get_data(as_text=True)
    assert programmes.get(sample.id) == sample


def test_an_edit_from_a_stale_page_is_a_conflict(
        app: Flask, client: FlaskClient, programmes: Programmes, sample: ProgrammeView) -> None:
    programmes.record_evidence(sample.id, "partners_named", "named in the statement of intent")
    session_as(client, app, EMAILS["priya"])
    response = post(client, f"/programmes/{sample.id}/edit", {
        "version": sample.version, "name": "Typed while someone else worked", "description": ""},
        token_from=f"/programmes/{sample.id}/edit")
    assert response.status_code == 409
    assert "Someone else changed this programme meanwhile" in text_of(response)
    assert 'value="Typed while someone else worked"' in response.get_data(as_text=True)
    assert programmes.get(sample.id).name == sample.name

