"""The engine's errors in Welsh: a form's refusal, a sign-off link that no longer works and the API's
problem are worded through the engine's catalogue in the reader's language, with the facts (names, titles)
filled in, and no English sentence of the engine's left on the page."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from web_support import EMAILS, day, post, session_as, text_of

from web.i18n import compile_catalogues
from workflow.engine.programmes import Programmes
from workflow.engine.views import ProgrammeView


@pytest.fixture(scope="module", autouse=True)
def welsh_catalogue() -> None:
    compile_catalogues()


def test_a_sign_off_link_that_does_not_work_says_why_in_welsh(client: FlaskClient) -> None:
    assert client.get("/language/cy?next=/").status_code == 302
    response = client.get("/sign?t=not-a-token")
    assert response.status_code == 410
    text = text_of(response)
    assert "Nid yw'r ddolen gymeradwyo hon yn ddilys" in text
    assert "sign-off link is not valid" not in text


def test_a_plan_refused_by_the_engine_is_worded_in_welsh_with_the_stage_s_welsh_title(
    app: Flask, client: FlaskClient, sample: ProgrammeView, programmes: Programmes
) -> None:
    session_as(client, app, EMAILS["priya"])
    assert client.get(f"/language/cy?next=/programmes/{sample.id}/edit").status_code == 302
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
    text = text_of(response)
    assert "the planned end is before its start" not in text and "Courtship:" not in text
    assert "Carwriaeth" in text
    assert programmes.get(sample.id) == sample
