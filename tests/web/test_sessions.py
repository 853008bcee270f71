"""Sessions kept on the server: signing out ends a session wherever a copy of its cookie is; signing out
everywhere ends all of a person's sessions; changing one's password ends the others; sessions end when idle
or old; and pages that carry tokens or personal data are never cached."""

from __future__ import annotations

from typing import Any

import pytest
from account_support import session_cookie, site_events, with_cookie
from flask import Flask
from flask.testing import FlaskClient
from web_support import ADMIN_EMAIL, EMAILS, PASSWORD, csrf_token, login, post, session_as, sign_in, text_of

from workflow.accounts.service import Accounts
from workflow.engine.db import Database
from workflow.engine.views import ProgrammeView

TOM = EMAILS["tom"]
NEW_PASSWORD = "lantern orchard pebble violin"


@pytest.fixture
def tom(sample: ProgrammeView, accounts: Accounts) -> str:
    accounts.set_password_for_development(TOM, PASSWORD)
    return TOM


def test_a_cookie_copied_before_sign_out_is_refused_after_it(
    app: Flask, client: FlaskClient, tom: str, sample: ProgrammeView
) -> None:
    login(client, tom)
    copied = session_cookie(client)
    thief = with_cookie(app, copied)
    assert thief.get(f"/programmes/{sample.id}").status_code == 200, "the copy works while the session lives"

    assert post(client, "/sign-out", {}).status_code == 302

    replayed = with_cookie(app, copied)
    page = replayed.get(f"/programmes/{sample.id}")
    assert page.status_code == 302 and page.headers["Location"].startswith("/sign-in")
    assert replayed.post(f"/programmes/{sample.id}/advance", data={"version": "1"}).status_code in (400, 401)
    assert with_cookie(app, copied).get("/").status_code == 302


def test_signing_out_everywhere_ends_the_sessions_of_other_browsers(
    app: Flask, client: FlaskClient, tom: str, db: Database
) -> None:
    login(client, tom)
    laptop = app.test_client()
    login(laptop, tom)
    assert laptop.get("/").status_code == 200
    assert "signed in on 2 devices" in text_of(client.get("/account/security"))

    done = post(client, "/account/sign-out-everywhere", {}, token_from="/account/security")
    assert done.status_code == 302 and done.headers["Location"] == "/sign-in"
    assert laptop.get("/").status_code == 302, "the other browser is signed out"
    assert client.get("/").status_code == 302, "and this one"
    [event] = [e for e in site_events(db) if e.kind == "signed_out_everywhere"]
    assert event.actor == "Tom Hardy" and event.data["ended"] == 2


def test_changing_ones_password_ends_the_other_sessions_but_not_this_one(
    app: Flask, client: FlaskClient, tom: str
) -> None:
    login(client, tom)
    laptop = app.test_client()
    login(laptop, tom)

    wrong = _change(client, "not my password at all", NEW_PASSWORD)
    assert wrong.status_code == 422 and "Your current password is not right" in text_of(wrong)
    weak = _change(client, PASSWORD, "password1234")
    assert weak.status_code == 422 and "too common" in text_of(weak)
    mismatch = _change(client, PASSWORD, NEW_PASSWORD, confirm="something else")
    assert mismatch.status_code == 422 and "Passwords must match" in text_of(mismatch)
    assert laptop.get("/").status_code == 200, "nothing changed yet"

    done = _change(client, PASSWORD, NEW_PASSWORD)
    assert done.status_code == 302
    assert "signed out on every other device" in text_of(client.get(done.headers["Location"]))
    assert client.get("/").status_code == 200, "this session goes on"
    assert laptop.get("/").status_code == 302, "the other one has ended"
    assert sign_in(app.test_client(), tom, PASSWORD).status_code == 401
    login(app.test_client(), tom, NEW_PASSWORD)


def test_wrong_current_passwords_are_limited(app: Flask, client: FlaskClient, tom: str) -> None:
    session_as(client, app, tom)
    for _ in range(5):
        assert "Your current password is not right" in text_of(_change(client, "guess guess guess", NEW_PASSWORD))
    refused = _change(client, PASSWORD, NEW_PASSWORD)
    assert refused.status_code == 422 and "Too many wrong passwords" in text_of(refused)


def test_a_session_ends_after_8_idle_hours_and_after_12_hours_in_all(
    app: Flask, client: FlaskClient, tom: str, clock: Any
) -> None:
    session_as(client, app, tom)
    clock.advance(hours=8)
    assert client.get("/").status_code == 302, "idle for 8 hours"

    session_as(client, app, tom)
    clock.advance(hours=4)
    assert client.get("/").status_code == 200
    clock.advance(hours=7, minutes=59)
    assert client.get("/").status_code == 200, "used within the last 8 hours: still on"

    session_as(client, app, tom)
    for _ in range(5):
        clock.advance(hours=2)
        assert client.get("/").status_code == 200
    clock.advance(hours=1, minutes=59)
    assert client.get("/").status_code == 200
    clock.advance(minutes=1)
    assert client.get("/").status_code == 302, "12 hours after sign-in, however busy"


def test_signing_in_starts_a_new_session_never_the_one_the_browser_brought(
    app: Flask, client: FlaskClient, tom: str
) -> None:
    before = client.get("/sign-in")
    assert before.status_code == 200
    with client.session_transaction() as session:
        session["sid"] = "chosen-by-an-attacker"
    login(client, tom)
    with client.session_transaction() as session:
        assert session["sid"] != "chosen-by-an-attacker"
    assert client.get("/").status_code == 200


def test_signing_in_again_ends_the_browsers_previous_session(app: Flask, client: FlaskClient, tom: str) -> None:
    login(client, tom)
    first = session_cookie(client)
    login(client, tom)
    assert client.get("/").status_code == 200
    assert with_cookie(app, first).get("/").status_code == 302


def test_an_admin_can_sign_someone_out_everywhere(
    app: Flask, client: FlaskClient, with_passwords: ProgrammeView, db: Database, people: dict[str, int]
) -> None:
    tom = app.test_client()
    login(tom, TOM)
    session_as(client, app, ADMIN_EMAIL)
    done = post(client, f"/admin/people/{people['tom']}/sign-out", {}, token_from="/admin/people")
    assert done.status_code == 302
    assert tom.get("/").status_code == 302
    [event] = [e for e in site_events(db) if e.kind == "signed_out_everywhere"]
    assert event.actor == "Ada Admin" and event.data["person"] == "Tom Hardy"


def test_only_admins_end_other_peoples_sessions(
    app: Flask, client: FlaskClient, tom: str, people: dict[str, int]
) -> None:
    session_as(client, app, EMAILS["priya"])
    assert post(client, f"/admin/people/{people['tom']}/sign-out", {}).status_code == 403


@pytest.mark.parametrize(
    "path", ["/sign-in", "/password-reset", "/password-reset/new?token=x", "/invitation?token=x", "/account/security"]
)
def test_pages_with_tokens_or_personal_data_are_never_cached(
    app: Flask, client: FlaskClient, tom: str, path: str
) -> None:
    if path.startswith("/account"):
        session_as(client, app, tom)
    assert client.get(path).headers.get("Cache-Control") == "no-store"


def _change(client: FlaskClient, current: str, new: str, confirm: str | None = None) -> Any:
    return client.post(
        "/account/password",
        data={
            "csrf_token": csrf_token(client, "/account/security"),
            "current_password": current,
            "new_password": new,
            "confirm": new if confirm is None else confirm,
        },
    )
