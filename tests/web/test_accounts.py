"""Accounts through the web: signing in (rate-limited, with one message for every wrong answer), password
rules, email addresses checked with email-validator, single-use expiring invitations (their token in the
query string), signing out, and a new password ending the other sessions.

Signing in really checks passwords with argon2 here, which is slow on purpose; these tests do it sparingly."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from web_support import ADMIN_EMAIL, EMAILS, PASSWORD, csrf_token, login, post, session_as, sign_in, text_of

from workflow.accounts.service import AccountInputError, Accounts, password_problem
from workflow.engine.db import Database
from workflow.engine.errors import InvalidError
from workflow.engine.views import ProgrammeView
from workflow.reminders.models import OutboxMessage

TOM = EMAILS["tom"]
NEW_PASSWORD = "lantern orchard pebble violin"


@pytest.fixture
def tom(sample: ProgrammeView, accounts: Accounts) -> str:
    accounts.set_password_for_development(TOM, PASSWORD)
    return TOM


@pytest.mark.slow
def test_sixth_attempt_within_15_minutes_is_refused_even_with_the_right_password(
    client: FlaskClient, tom: str, clock: Any
) -> None:
    for _ in range(5):
        response = sign_in(client, tom, "wrong password entirely")
        assert response.status_code == 401
        assert "Enter a correct email address and password" in text_of(response)
        clock.advance(minutes=2)
    refused = sign_in(client, tom, PASSWORD)
    assert refused.status_code == 401
    assert "Too many attempts to sign in" in text_of(refused)
    assert client.get("/").status_code == 302, "still signed out"

    clock.advance(minutes=16)
    login(client, tom)
    assert client.get("/").status_code == 200


def test_wrong_email_and_wrong_password_get_the_same_answer(client: FlaskClient, tom: str) -> None:
    unknown = sign_in(client, "nobody@nowhere.example", PASSWORD)
    wrong = sign_in(client, tom, "not the right password")
    assert unknown.status_code == wrong.status_code == 401
    message = "Enter a correct email address and password"
    assert message in text_of(unknown) and message in text_of(wrong)
    assert text_of(unknown).replace("nobody@nowhere.example", TOM) == text_of(wrong), "nothing tells them apart"


def test_signing_in_goes_to_the_page_asked_for_but_never_off_site(
    client: FlaskClient, tom: str, sample: ProgrammeView
) -> None:
    asked = client.get(f"/programmes/{sample.id}")
    assert asked.status_code == 302 and asked.headers["Location"].startswith("/sign-in?next=")
    token = csrf_token(client, "/sign-in")
    response = client.post(
        "/sign-in?next=//evil.example/phish", data={"csrf_token": token, "email": tom, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("short pw", "at least 12 characters"),
        ("password1234", "too common"),
        ("tomhardy1234", "too common"),
        ("x" * 129, "128 characters or fewer"),
    ],
)
def test_password_rules(password: str, problem: str, accounts: Accounts, clock: Any) -> None:
    found = password_problem(password, email="tom.hardy@northbridge.example", name="Tom Hardy")
    assert found is not None and problem in str(found)
    with pytest.raises(InvalidError, match=problem) as raised:
        accounts.add_person("Tom Hardy", "tom.hardy@northbridge.example", clock(), password=password)
    assert raised.value.field == "password"


@pytest.mark.parametrize("email", ["tom", "tom@", "tom hardy@northbridge.example", "tom@northbridge", "a@b@c.example"])
def test_an_email_address_is_checked_with_email_validator(email: str, accounts: Accounts, clock: Any) -> None:
    with pytest.raises(AccountInputError) as raised:
        accounts.add_person("Tom Hardy", email, clock())
    assert raised.value.field == "email" and raised.value.code == "email_invalid"


def test_an_email_address_is_stored_normalised(accounts: Accounts, clock: Any) -> None:
    person = accounts.add_person("Nia Jones", "  Nia.Jones@Gwent.Example ", clock())
    assert person.email == "nia.jones@gwent.example"
    with pytest.raises(AccountInputError) as raised:
        accounts.add_person("Nia Jones", "NIA.JONES@gwent.example", clock())
    assert raised.value.code == "email_taken"


def test_the_admin_page_words_a_bad_email_as_a_field_error(
    app: Flask, client: FlaskClient, with_passwords: ProgrammeView
) -> None:
    session_as(client, app, ADMIN_EMAIL)
    response = post(client, "/admin/people", {"name": "Nia Jones", "email": "nia@gwent"}, token_from="/admin/people")
    assert response.status_code == 422
    assert "Enter an email address in the correct format" in text_of(response)


def test_a_good_password_is_accepted() -> None:
    assert password_problem(NEW_PASSWORD, email="tom.hardy@northbridge.example", name="Tom Hardy") is None


def _invite(accounts: Accounts, email: str, now: Any) -> str:
    """Send an invitation and return the path of its link (the token is only ever in the email)."""
    links: list[str] = []
    person_id = next(p.id for p in accounts.people() if p.email == email)
    accounts.send_invitation(person_id, now, lambda token: links.append(f"/invitation?token={token}") or links[-1])
    return links[0]


def _accept(client: FlaskClient, link: str, password: str, confirm: str | None = None) -> Any:
    return client.post(
        link, data={"csrf_token": csrf_token(client, link), "password": password, "confirm": confirm or password}
    )


def test_invitation_sets_a_password_once(
    app: Flask, client: FlaskClient, accounts: Accounts, db: Database, sample: ProgrammeView, clock: Any
) -> None:
    link = _invite(accounts, EMAILS["aisha"], clock())
    with db.read() as session:
        mail = session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "invitation")).one()
        assert mail.to_addr == EMAILS["aisha"] and link in mail.body_text
        # invited by no one named (the command line, an import): it says so, in no made-up name
        assert "You have been invited to the partnership programme workspace" in mail.body_text

    page = client.get(link)
    assert page.status_code == 200 and "Aisha Khan" in text_of(page)
    weak = _accept(client, link, "password1234")
    assert weak.status_code == 422 and "too common" in text_of(weak)
    mismatch = _accept(client, link, NEW_PASSWORD, "something else entirely")
    assert mismatch.status_code == 422 and "Passwords must match" in text_of(mismatch)

    done = _accept(client, link, NEW_PASSWORD)
    assert done.status_code == 302
    assert client.get("/").status_code == 200, "signed in"

    again = app.test_client()
    used = again.get(link)
    assert used.status_code == 410 and "already been used" in text_of(used)
    reused = again.post(
        link,
        data={
            "csrf_token": csrf_token(again, "/sign-in"),
            "password": "another good one here",
            "confirm": "another good one here",
        },
    )
    assert reused.status_code == 410
    login(again, EMAILS["aisha"], NEW_PASSWORD)


def test_invitation_expires_after_seven_days(
    client: FlaskClient, accounts: Accounts, sample: ProgrammeView, clock: Any
) -> None:
    link = _invite(accounts, EMAILS["gareth"], clock())
    clock.advance(days=6, hours=23)
    assert client.get(link).status_code == 200
    clock.advance(hours=2)
    expired = client.get(link)
    assert expired.status_code == 410 and "expired" in text_of(expired)
    assert client.get("/invitation?token=not-a-real-token").status_code == 410
    assert client.get("/invitation").status_code == 410


def test_an_invitation_link_of_the_old_form_still_works_and_moves_its_token_to_the_query(
    client: FlaskClient, accounts: Accounts, sample: ProgrammeView, clock: Any
) -> None:
    token = _invite(accounts, EMAILS["gareth"], clock()).split("=", 1)[1]
    old = client.get(f"/invitation/{token}")
    assert old.status_code == 302 and old.headers["Location"] == f"/invitation?token={token}"
    assert "Gareth Evans" in text_of(client.get(old.headers["Location"]))


def test_sign_out_clears_the_session(client: FlaskClient, tom: str) -> None:
    login(client, tom)
    assert client.get("/").status_code == 200
    response = client.post("/sign-out", data={"csrf_token": csrf_token(client)})
    assert response.status_code == 302 and response.headers["Location"] == "/sign-in"
    with client.session_transaction() as session:
        assert "person_id" not in session
    assert client.get("/").status_code == 302


def test_a_new_password_ends_the_other_sessions(
    app: Flask, client: FlaskClient, tom: str, accounts: Accounts, clock: Any
) -> None:
    login(client, tom)
    elsewhere = app.test_client()
    link = _invite(accounts, tom, clock())
    assert _accept(elsewhere, link, NEW_PASSWORD).status_code == 302

    assert client.get("/").status_code == 302, "the session signed in with the old password has ended"
    assert elsewhere.get("/").status_code == 200, "the session that set the new password goes on"
    assert sign_in(client, tom, PASSWORD).status_code == 401
