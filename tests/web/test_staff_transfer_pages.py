"""The staff transfer pages: a manager records a partner's transferring staff and sees its TUPE duties; bad
input comes back as 422 with the field named; others may read but not record."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from web_support import EMAILS, day, post, session_as, start_programme, text_of

from workflow.engine.programmes import Programmes
from workflow.engine.views import ProgrammeView


def eastvale(sample: ProgrammeView) -> int:
    return next(p.id for p in sample.partners if p.name.startswith("Eastvale"))


def form(sample: ProgrammeView, **change: str) -> dict[str, object]:
    return {
        "version": sample.version,
        "headcount": "315",
        "roles": "Payroll officer\nICT analyst",
        **day("transfer_date", "2027-05-02"),
        "redundancies": "0",
        **day("eli_given_on", ""),
        **day("consultation_began_on", ""),
        **day("consultation_ended_on", ""),
        **change,
    }


def test_a_manager_records_a_transfer_and_sees_its_duties(
    app: Flask, client: FlaskClient, programmes: Programmes, sample: ProgrammeView
) -> None:
    session_as(client, app, EMAILS["priya"])
    path = f"/programmes/{sample.id}/transfers/{eastvale(sample)}"
    response = post(client, path, form(sample, redundancies="120"), token_from=path)
    assert response.status_code == 302
    page = text_of(client.get(f"/programmes/{sample.id}/transfers"))
    assert "Eastvale Borough Council" in page and "315" in page and "Payroll officer" in page
    assert "Employee liability information To do by 4 April 2027" in page
    assert "Collective consultation begins To do by 18 March 2027" in page
    assert programmes.history(sample.id)[-1].kind == "staff_transfer_recorded"


def test_bad_input_is_a_422_naming_the_field_and_nothing_is_saved(
    app: Flask, client: FlaskClient, programmes: Programmes, sample: ProgrammeView
) -> None:
    session_as(client, app, EMAILS["priya"])
    path = f"/programmes/{sample.id}/transfers/{eastvale(sample)}"
    for change, words in [
        ({"headcount": "0"}, "Number of staff transferring"),
        ({"headcount": "12,000.5"}, "Number of staff transferring"),
        ({**day("transfer_date", "9999-12-31")}, "Transfer date"),
        ({"redundancies": "400"}, "redundancies proposed must be from 0 to the headcount"),
        (
            {**day("consultation_began_on", "2027-03-01"), **day("consultation_ended_on", "2027-02-01")},
            "cannot end before",
        ),
    ]:
        response = post(client, path, form(sample, **change), token_from=path)
        assert response.status_code == 422, change
        assert words in text_of(response), change
    assert programmes.staff_transfers(sample.id) == []


def test_a_signatory_reads_but_may_not_record_and_strangers_see_nothing(
    app: Flask, client: FlaskClient, programmes: Programmes, sample: ProgrammeView
) -> None:
    start_programme(programmes, "Westshire and Dale")
    session_as(client, app, EMAILS["tom"])
    assert client.get(f"/programmes/{sample.id}/transfers").status_code == 200
    assert client.get(f"/programmes/{sample.id}/transfers/{eastvale(sample)}").status_code == 403
    session_as(client, app, "owen.other@westshire.example")  # on another programme only
    assert client.get(f"/programmes/{sample.id}/transfers").status_code == 403
