"""Resetting a forgotten password by an emailed link: the page never says whether an email has an account;
the link (its token in the query string, only a hash of it stored) works once, within an hour; a reset
ends every session and clears the sign-in limits of the email; asking is rate-limited, silently."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from account_support import app_accounts, ask_for_reset, links_in_outbox, set_new_password
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from web_support import EMAILS, PASSWORD, login, sign_in, text_of

from workflow.accounts.models import PASSWORD_RESET, Invitation
from workflow.accounts.service import Accounts
from workflow.engine.db import Database
from workflow.engine.views import ProgrammeView
from workflow.reminders.models import OutboxMessage

TOM = EMAILS["tom"]
NEW_PASSWORD = "lantern orchard pebble violin"
RESET = "/password-reset/new"


@pytest.fixture
def tom(app: Flask, sample: ProgrammeView, accounts: Accounts) -> str:
    accounts.set_password_for_development(TOM, PASSWORD)
    return TOM


def test_asking_says_the_same_whether_or_not_the_email_has_an_account(
    client: FlaskClient, tom: str, db: Database
) -> None:
    known = ask_for_reset(client, tom)
    unknown = ask_for_reset(client, "nobody@nowhere.example")
    assert known.status_code == unknown.status_code == 200
    assert text_of(unknown).replace("nobody@nowhere.example", tom) == text_of(known)
    assert "Check your email" in text_of(known)
    assert len(links_in_outbox(db, tom, RESET)) == 1
    assert links_in_outbox(db, "nobody@nowhere.example", RESET) == []
    with db.read() as session:
        [mail] = session.scalars(select(OutboxMessage).where(OutboxMessage.to_addr == tom)).all()
        assert mail.kind == "password_reset" and "Reset your banns password" in mail.subject


def test_the_link_works_once_and_only_a_hash_of_its_token_is_stored(
    app: Flask, client: FlaskClient, tom: str, db: Database
) -> None:
    ask_for_reset(client, tom)
    [link] = links_in_outbox(db, tom, RESET)
    token = link.split("token=", 1)[1]
    with db.read() as session:
        stored = session.scalars(select(Invitation).where(Invitation.purpose == PASSWORD_RESET)).one()
        assert token not in stored.token_hash and len(stored.token_hash) == 64

    page = client.get(link)
    assert page.status_code == 200 and TOM in text_of(page)
    weak = set_new_password(client, link, "password1234")
    assert weak.status_code == 422 and "too common" in text_of(weak)
    done = set_new_password(client, link, NEW_PASSWORD)
    assert done.status_code == 302 and client.get("/").status_code == 200, "signed in"

    again = app.test_client()
    used = again.get(link)
    assert used.status_code == 410 and "already been used" in text_of(used)
    assert set_new_password(again, link, "another good one here", token_from="/sign-in").status_code == 410
    assert sign_in(again, tom, PASSWORD).status_code == 401
    login(again, tom, NEW_PASSWORD)


def test_the_link_expires_after_an_hour(client: FlaskClient, tom: str, db: Database, clock: Any) -> None:
    ask_for_reset(client, tom)
    [link] = links_in_outbox(db, tom, RESET)
    clock.advance(minutes=59)
    assert client.get(link).status_code == 200
    clock.advance(minutes=1)
    expired = client.get(link)
    assert expired.status_code == 410 and "expired" in text_of(expired)
    assert set_new_password(client, link, NEW_PASSWORD, token_from="/sign-in").status_code == 410
    assert client.get(f"{RESET}?token=made-up").status_code == 410


def test_the_link_is_on_base_url_whatever_host_the_request_named(
    app: Flask, client: FlaskClient, tom: str, db: Database
) -> None:
    app.config["BASE_URL"] = "https://banns.example/"
    evil = "http://evil.example"
    page = client.get("/password-reset", base_url=evil).get_data(as_text=True)
    token = html.unescape(re.findall(r'name="csrf_token"[^>]*value="([^"]+)"', page)[0])
    assert client.post("/password-reset", base_url=evil, data={"csrf_token": token, "email": tom}).status_code == 200
    with db.read() as session:
        [body] = session.scalars(select(OutboxMessage.body_text).where(OutboxMessage.to_addr == tom)).all()
    assert "https://banns.example/password-reset/new?token=" in body and "evil.example" not in body


def test_an_invitation_link_cannot_reset_and_a_reset_link_cannot_accept_an_invitation(
    client: FlaskClient, tom: str, db: Database
) -> None:
    ask_for_reset(client, tom)
    [link] = links_in_outbox(db, tom, RESET)
    assert client.get(link.replace(RESET, "/invitation")).status_code == 410


def test_a_reset_ends_every_session(app: Flask, client: FlaskClient, tom: str, db: Database) -> None:
    laptop = app.test_client()
    login(laptop, tom)
    ask_for_reset(client, tom)
    [link] = links_in_outbox(db, tom, RESET)
    assert set_new_password(client, link, NEW_PASSWORD).status_code == 302
    assert laptop.get("/").status_code == 302


def test_asking_is_limited_silently(client: FlaskClient, tom: str, db: Database, clock: Any) -> None:
    for _ in range(5):
        assert "Check your email" in text_of(ask_for_reset(client, tom))
    assert len(links_in_outbox(db, tom, RESET)) == 3, "3 emails in 15 minutes, then nothing more"
    clock.advance(minutes=15)
    ask_for_reset(client, tom)
    assert len(links_in_outbox(db, tom, RESET)) == 4


def test_without_a_reset_mail_channel_the_page_says_so_for_every_email(
    app: Flask, client: FlaskClient, sample: ProgrammeView
) -> None:
    app_accounts(app).mailers.pop("password_reset", None)
    known = ask_for_reset(client, TOM)
    unknown = ask_for_reset(client, "nobody@nowhere.example")
    assert known.status_code == unknown.status_code == 503
