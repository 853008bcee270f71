"""Editing a programme's details and planned dates: validated, version-checked, and logged."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from web_support import EMAILS, day, post, session_as, text_of

from workflow.engine.programmes import Programmes
from workflow.engine.views import ProgrammeView


def test_a_manager_renames_and_replans_and_the_log_says_so(
    app: Flask, client: FlaskClient, programmes: Programmes, sample: ProgrammeView
) -> None:
    session_as(client, app, EMAILS["priya"])
    response = post(
        client,
        f"/programmes/{sample.id}/edit",
        {
            "version": sample.version,
            "name": "Three-council shared services",
            "description": "Revenues and HR",
            **day("start_courtship", "2027-01-04"),
            **day("end_courtship", "2027-04-30"),
        },
        token_from=f"/programmes/{sample.id}/edit",
    )
    assert response.status_code == 302
    view = programmes.get(sample.id)
    assert view.name == "Three-council shared services" and view.description == "Revenues and HR"
    courtship = next(p for p in view.plan if p.stage == "courtship")
    assert courtship.planned_end.isoformat() == "2027-04-30"
    edited = [e for e in programmes.history(sample.id) if e.kind == "programme_edited"]
    assert len(edited) == 1 and edited[0].data["changes"]["name"] == [sample.name, "Three-council shared services"]


def test_a_stage_planned_to_end_before_it_starts_is_refused_and_the_input_kept(
    app: Flask, client: FlaskClient, programmes: Programmes, sample: ProgrammeView
) -> None:
    session_as(client, app, EMAILS["priya"])
    response = post(
        client,
        f"/programmes/{sample.id}/edit",
        {
            "version": sample.version,
            "name": "Kept name",
            "description": "",
            **day("start_courtship", "2027-03-01"),
            **day("end_courtship", "2027-02-01"),
        },
        token_from=f"/programmes/{sample.id}/edit",
    )
    assert response.status_code == 422
    page = text_of(response)
    assert "Courtship: the planned end is before its start" in page
    assert 'value="Kept name"' in response.get_data(as_text=True)
    assert programmes.get(sample.id) == sample


def test_an_edit_from_a_stale_page_is_a_conflict(
    app: Flask, client: FlaskClient, programmes: Programmes, sample: ProgrammeView
) -> None:
    programmes.record_evidence(sample.id, "partners_named", "named in the statement of intent")
    session_as(client, app, EMAILS["priya"])
    response = post(
        client,
        f"/programmes/{sample.id}/edit",
        {"version": sample.version, "name": "Typed while someone else worked", "description": ""},
        token_from=f"/programmes/{sample.id}/edit",
    )
    assert response.status_code == 409
    assert "Someone else changed this programme meanwhile" in text_of(response)
    assert 'value="Typed while someone else worked"' in response.get_data(as_text=True)
    assert programmes.get(sample.id).name == sample.name


def test_a_partner_joins_from_the_programme_page_and_is_refused_after_the_outline_case(
    app: Flask, client: FlaskClient, programmes: Programmes, sample: ProgrammeView
) -> None:
    session_as(client, app, EMAILS["priya"])
    joined = post(
        client,
        f"/programmes/{sample.id}/partners/new",
        {
            "version": sample.version,
            "name": "Westvale District Council",
            "kind": "district_council",
            "nation": "wales",
            "population": "58200",
            "net_budget": "£8,100,000",
        },
        token_from=f"/programmes/{sample.id}/partners/new",
    )
    assert joined.status_code == 302
    view = programmes.get(sample.id)
    westvale = next(p for p in view.partners if p.name == "Westvale District Council")
    assert westvale.nation == "wales" and str(westvale.net_budget) == "8100000.00"
    assert programmes.history(sample.id)[-1].kind == "partner_added"

    bad = post(
        client,
        f"/programmes/{sample.id}/partners/new",
        {
            "version": view.version,
            "name": "Northbridge District Council",
            "kind": "district_council",
            "nation": "england",
            "population": "1",
            "net_budget": "twelve",
        },
        token_from=f"/programmes/{sample.id}/partners/new",
    )
    assert bad.status_code == 422 and "must be in pounds and pence" in text_of(bad)


def test_removing_a_role_and_never_the_last_programme_manager(
    app: Flask, client: FlaskClient, programmes: Programmes, sample: ProgrammeView
) -> None:
    session_as(client, app, EMAILS["priya"])
    sam = next(r.person_id for r in sample.roles if r.role == "observer")
    removed = post(
        client,
        f"/programmes/{sample.id}/people/remove",
        {"version": sample.version, "person_id": sam, "role": "observer", "partner_id": ""},
        token_from=f"/programmes/{sample.id}/people",
    )
    assert removed.status_code == 302
    assert not any(r.role == "observer" for r in programmes.get(sample.id).roles)

    priya = next(r.person_id for r in sample.roles if r.role == "programme_manager")
    refused = post(
        client,
        f"/programmes/{sample.id}/people/remove",
        {
            "version": programmes.get(sample.id).version,
            "person_id": priya,
            "role": "programme_manager",
            "partner_id": "",
        },
        token_from=f"/programmes/{sample.id}/people",
    )
    assert refused.status_code == 302
    page = text_of(client.get(f"/programmes/{sample.id}/people"))
    assert "A programme needs a programme manager" in page
    assert any(r.role == "programme_manager" for r in programmes.get(sample.id).roles)
