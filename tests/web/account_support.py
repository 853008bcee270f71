"""Helpers of the account tests: links read from the real outbox (reset emails come through the reminders
package's ``password_reset`` account mailer), the site's log, and a browser's cookies."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from web_support import csrf_token

from workflow.accounts.service import Accounts
from workflow.engine.db import Database
from workflow.engine.models import Event
from workflow.reminders.models import OutboxMessage

SESSION_COOKIE = "banns_session"


def app_accounts(app: Flask) -> Accounts:
    accounts: Accounts = app.extensions["banns"].accounts
    return accounts


def links_in_outbox(db: Database, email: str, path: str) -> list[str]:
    """The links to ``path`` in emails queued for ``email``, oldest first (the token travels only there)."""
    with db.read() as session:
        bodies = session.scalars(
            select(OutboxMessage.body_text).where(OutboxMessage.to_addr == email).order_by(OutboxMessage.id)
        ).all()
    pattern = re.compile(rf"https?://[^/\s]+({re.escape(path)}\?token=[\w-]+)")
    return [m.group(1) for body in bodies for m in pattern.finditer(body)]


def site_events(db: Database) -> list[Event]:
    """The site's own log (events outside any programme), in order."""
    with db.read() as session:
        events = list(session.scalars(select(Event).where(Event.programme_id.is_(None)).order_by(Event.seq)))
        session.expunge_all()
        return events


def session_cookie(client: FlaskClient) -> str:
    cookie = client.get_cookie(SESSION_COOKIE)
    assert cookie is not None, "no session cookie"
    return cookie.value


def with_cookie(app: Flask, value: str) -> FlaskClient:
    """Another browser holding a copy of a session cookie."""
    other = app.test_client()
    other.set_cookie(SESSION_COOKIE, value)
    return other


def ask_for_reset(client: FlaskClient, email: str, address: str = "127.0.0.1") -> Any:
    token = csrf_token(client, "/password-reset")
    return client.post(
        "/password-reset", data={"csrf_token": token, "email": email}, environ_base={"REMOTE_ADDR": address}
    )


def set_new_password(client: FlaskClient, link: str, password: str, token_from: str | None = None) -> Any:
    """Post a new password to an invitation or reset link (the CSRF token from ``token_from``, else the link's
    own page)."""
    token = csrf_token(client, token_from or link)
    return client.post(link, data={"csrf_token": token, "password": password, "confirm": password})
