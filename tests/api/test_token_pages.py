"""The account page's API tokens: a person creates one (its secret shown once, on that answer only), sees it
listed with its last use, and revokes it; forms need their CSRF token; another person's token is not theirs
to revoke."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from web_support import EMAILS, csrf_token, post, session_as, text_of

from workflow.engine.views import ProgrammeView


def test_a_person_creates_sees_and_revokes_their_token(
    app: Flask, client: FlaskClient, sample: ProgrammeView, clock: Any
) -> None:
    session_as(client, app, EMAILS["tom"])
    empty = client.get("/account/tokens")
    assert empty.status_code == 200 and "You have no tokens" in text_of(empty)
    assert empty.headers["Cache-Control"] == "no-store"

    made = post(client, "/account/tokens", {"name": "Finance dashboard", "scope": "read", "expires": "30"})
    assert made.status_code == 200
    secret = re.search(r"banns_[A-Za-z0-9_-]{40,}", made.get_data(as_text=True))
    assert secret and "shown this once only" in text_of(made)
    assert "Finance dashboard" in text_of(made) and "Never used" in text_of(made)

    again = client.get("/account/tokens")
    assert secret.group(0) not in again.get_data(as_text=True)
    answer = client.get("/api/v1/programmes", headers={"Authorization": f"Bearer {secret.group(0)}"})
    assert answer.status_code == 200
    listed = text_of(client.get("/account/tokens"))
    assert "Never used" not in listed and "Read only" in listed and "Active" in listed

    token_id = re.search(r"/account/tokens/(\d+)/revoke", again.get_data(as_text=True))
    assert token_id
    done = post(client, f"/account/tokens/{token_id.group(1)}/revoke", {}, token_from="/account/tokens")
    assert done.status_code == 302
    assert "Revoked" in text_of(client.get("/account/tokens"))
    refused = client.get("/api/v1/programmes", headers={"Authorization": f"Bearer {secret.group(0)}"})
    assert refused.status_code == 401


def test_the_forms_check_their_input_and_their_csrf_token(
    app: Flask, client: FlaskClient, sample: ProgrammeView
) -> None:
    session_as(client, app, EMAILS["tom"])
    wrong = post(client, "/account/tokens", {"name": "x", "expires": "400"})
    assert wrong.status_code == 422
    words = text_of(wrong)
    assert "Select what the token may do" in words and "1 to 366 days" in words
    assert client.post("/account/tokens", data={"scope": "read", "expires": "5"}).status_code == 400
    token = csrf_token(client, "/account/tokens")
    assert client.post("/account/tokens/1/revoke").status_code == 400
    assert client.post("/account/tokens/1/revoke", data={"csrf_token": token}).status_code == 404


def test_nobody_revokes_another_persons_token(app: Flask, client: FlaskClient, sample: ProgrammeView) -> None:
    session_as(client, app, EMAILS["tom"])
    post(client, "/account/tokens", {"name": "Tom's", "scope": "write", "expires": "30"})
    session_as(client, app, EMAILS["priya"])
    assert post(client, "/account/tokens/1/revoke", {}, token_from="/account/tokens").status_code == 404
    session_as(client, app, EMAILS["tom"])
    assert "Active" in text_of(client.get("/account/tokens"))


def test_signed_out_visitors_are_sent_to_sign_in(client: FlaskClient, sample: ProgrammeView) -> None:
    assert client.get("/account/tokens").status_code == 302
