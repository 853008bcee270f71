"""The email-facing pages: the sign-off link opens the decision page from its query string, and sending a
failed message again from the admins' Sent mail page is an event with its actor, on the programme's log or
the site's."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from reminders_support import BASE_URL, SECRET, SmtpServer, evidence_all
from sqlalchemy import select, update

from web import create_app
from workflow.accounts.service import Accounts
from workflow.engine.audit import verify_chains
from workflow.engine.db import Database
from workflow.engine.errors import InvalidError, NotAllowedError
from workflow.engine.models import Event, Person, SignOff
from workflow.engine.permissions import Actor
from workflow.engine.programmes import Programmes
from workflow.engine.views import ProgrammeView
from workflow.reminders.delivery import RelayConfig, list_mail, relay, retry_failed
from workflow.reminders.models import FAILED, OutboxMessage
from workflow.reminders.outbox import queue_invitation

LINK = re.compile(r"https://banns\.example/sign\?t=[\w.-]+")
ADMIN = "ada.admin@banns.example"
PASSWORD = "correct horse battery staple"


@pytest.fixture
def app(tmp_path: Path, database_url: str, clock: Any, engine: Programmes) -> Iterator[Flask]:
    app = create_app(
        {
            "INSTANCE": str(tmp_path / "instance"),
            "TESTING": True,
            "DATABASE_URL": database_url,
            "SECRET_KEY": SECRET,
            "BASE_URL": BASE_URL,
            "CLOCK": clock,
        }
    )
    yield app
    app.extensions["banns"].db.dispose()


def form_value(page: str, name: str) -> str:
    found = re.search(rf'name="{name}"[^>]*value="([^"]*)"', page)
    assert found, f"no {name} on the page"
    return html.unescape(found.group(1))


def sign_in(client: FlaskClient, email: str) -> None:
    token = form_value(client.get("/sign-in").get_data(as_text=True), "csrf_token")
    response = client.post("/sign-in", data={"csrf_token": token, "email": email, "password": PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)


def test_the_emailed_link_opens_the_decision_page_from_its_query_string(
    app: Flask,
    engine: Programmes,
    northbridge: ProgrammeView,
    db: Database,
    clock: Any,
    smtp: SmtpServer,
    relay_config: RelayConfig,
) -> None:
    evidence_all(engine, northbridge.id)
    engine.request_sign_off(northbridge.id)
    relay(db, smtp.transport(), clock(), config=relay_config)
    [mail] = smtp.inbox.to("tom.hardy")
    found = LINK.search(mail.get_body(("plain",)).get_content())  # type: ignore[union-attr]
    assert found, "no sign-off link in the email"
    url = urlsplit(found.group(0))
    assert url.path == "/sign" and url.query.startswith("t=")  # the token never in the path (access logs)
    client = app.test_client()
    page = client.get(f"/sign?{url.query}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "Tom Hardy, your decision is requested" in text
    assert page.headers["Referrer-Policy"] == "no-referrer" and page.headers["Cache-Control"] == "no-store"
    decided = client.post(
        f"/sign?{url.query}",
        data={
            "csrf_token": form_value(text, "csrf_token"),
            "version": form_value(text, "version"),
            "decision": "approve",
        },
    )
    assert decided.status_code == 200 and "Decision recorded" in decided.get_data(as_text=True)
    assert client.get(f"/sign?{url.query}").status_code == 410  # the link works once
    assert client.get("/sign?t=forged").status_code == 410
    with db.read() as session:
        assert session.scalars(select(SignOff.decision)).all() == ["approve"]


def fail_all(db: Database) -> None:
    with db.write() as session:
        session.execute(update(OutboxMessage).values(status=FAILED, attempts=4, last_error="550 no such mailbox"))


def test_sending_a_failed_message_again_is_an_event_with_its_admin(
    app: Flask, engine: Programmes, northbridge: ProgrammeView, db: Database, clock: Any, who: dict[str, int]
) -> None:
    evidence_all(engine, northbridge.id)
    engine.request_sign_off(northbridge.id)  # three messages of the programme
    with db.write() as session:  # and one of no programme
        sam = session.get(Person, who["sam"])
        assert sam is not None
        queue_invitation(session, sam, f"{BASE_URL}/invitation/abc", clock())
    fail_all(db)
    admin = Accounts(db).add_person("Ada Admin", ADMIN, clock(), is_admin=True, password=PASSWORD)
    client = app.test_client()
    sign_in(client, ADMIN)
    page = client.get("/admin/mail?status=failed").get_data(as_text=True)
    programme_mail = next(m for m in list_mail(db) if m.programme_id == northbridge.id)
    invitation = next(m for m in list_mail(db) if m.kind == "invitation")
    for message in (programme_mail, invitation):
        sent = client.post("/admin/mail", data={"csrf_token": form_value(page, "csrf_token"), "message": message.id})
        assert sent.status_code == 302
    assert {m.id: (m.status, m.attempts) for m in list_mail(db, statuses=["pending"])} == {
        programme_mail.id: ("pending", 0),
        invitation.id: ("pending", 0),
    }
    [on_programme] = [e for e in engine.history(northbridge.id) if e.kind == "mail_resent"]
    assert (on_programme.actor, on_programme.data["message_id"]) == ("Ada Admin", programme_mail.id)
    assert on_programme.data["last_error"] == "550 no such mailbox"
    with db.read() as session:
        [on_site] = session.scalars(select(Event).where(Event.programme_id.is_(None), Event.kind == "mail_resent"))
        assert (on_site.actor_id, on_site.actor, on_site.data["message_id"]) == (admin.id, "Ada Admin", invitation.id)
        assert on_site.data["to"] == "sam.ellis@audit.example"
    assert all(report.intact for report in verify_chains(db))


def test_only_an_admin_sends_again_and_only_a_failed_message(
    engine: Programmes, northbridge: ProgrammeView, db: Database, who: dict[str, int]
) -> None:
    evidence_all(engine, northbridge.id)
    engine.request_sign_off(northbridge.id)
    [first, second, _] = [m.id for m in list_mail(db)]
    priya = Actor(who["priya"], "Priya Shah")  # the programme's manager, not an admin
    admin = Actor(who["helen"], "Helen Marsh", is_admin=True)
    with pytest.raises(InvalidError, match="not failed"):
        retry_failed(engine, first, admin)
    fail_all(db)
    with pytest.raises(NotAllowedError):
        retry_failed(engine, first, priya)
    assert retry_failed(engine, second, admin).status == "pending"
    with pytest.raises(InvalidError, match="not failed"):
        retry_failed(engine, second, admin)  # sent again already: once is logged
    assert [e.actor for e in engine.history(northbridge.id) if e.kind == "mail_resent"] == ["Helen Marsh"]
