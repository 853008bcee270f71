"""Defects found in review, each pinned by a test: open redirects, the creator in the log, ends that are
not outcomes, a form with too few partners, a tampered version field."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from web_support import EMAILS, PASSWORD, csrf_token, post, session_as, text_of

from workflow.engine.errors import InvalidError
from workflow.engine.programmes import Programmes
from workflow.engine.views import ProgrammeView


@pytest.mark.parametrize(
    "target", ["/\t/evil.example", "//evil.example", "https://evil.example/", "/\\evil.example", "javascript:alert(1)"]
)
def test_sign_in_never_redirects_off_the_site(client: FlaskClient, with_passwords: ProgrammeView, target: str) -> None:
    token = csrf_token(client, "/sign-in")
    response = client.post(
        "/sign-in",
        query_string={"next": target},
        data={"csrf_token": token, "email": EMAILS["priya"], "password": PASSWORD},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_a_programme_made_in_the_form_is_logged_as_made_by_its_creator(
    app: Flask, client: FlaskClient, programmes: Programmes, sample: ProgrammeView
) -> None:
    session_as(client, app, EMAILS["priya"])
    form = {"name": "Made in the browser", "definition": "shared-service", "description": ""}
    for i, (name, population) in enumerate([("Ashby Council", "61000"), ("Bourne Council", "52000")]):
        form |= {
            f"partners-{i}-name": name,
            f"partners-{i}-kind": "district_council",
            f"partners-{i}-nation": "england",
            f"partners-{i}-population": population,
            f"partners-{i}-net_budget": "9000000",
        }
    response = post(client, "/programmes/new", form, token_from="/programmes/new")
    assert response.status_code == 302
    new_id = int(response.headers["Location"].rsplit("/", 1)[1])
    assert programmes.history(new_id)[0].actor == "Priya Shah"


def test_a_programme_with_one_partner_is_refused_on_the_form_with_the_input_kept(
    app: Flask, client: FlaskClient, sample: ProgrammeView
) -> None:
    session_as(client, app, EMAILS["priya"])
    form = {
        "name": "Too small",
        "definition": "shared-service",
        "partners-0-name": "Ashby Council",
        "partners-0-kind": "district_council",
        "partners-0-nation": "england",
        "partners-0-population": "61000",
        "partners-0-net_budget": "9000000",
    }
    response = post(client, "/programmes/new", form, token_from="/programmes/new")
    assert response.status_code == 422
    assert "needs at least 2 partners" in text_of(response)
    assert 'value="Too small"' in response.get_data(as_text=True)


def test_end_accepts_only_the_lifecycles_outcome_moves(programmes: Programmes, sample: ProgrammeView) -> None:
    with pytest.raises(InvalidError, match="'advance' does not end a programme; expected one of: dissolve, abandon"):
        programmes.end(sample.id, "advance", "because")
    assert programmes.get(sample.id) == sample


def test_a_tampered_version_field_is_a_form_error_not_a_crash(
    app: Flask, client: FlaskClient, sample: ProgrammeView
) -> None:
    session_as(client, app, EMAILS["priya"])
    response = post(
        client, f"/programmes/{sample.id}/advance", {"version": "two"}, token_from=f"/programmes/{sample.id}/gate"
    )
    assert response.status_code == 422
    assert "Reload the page and try again" in text_of(response)
