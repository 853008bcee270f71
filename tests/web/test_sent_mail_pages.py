"""The admins' Sent mail page: a page at a time, filtered by recipient, programme, status and kind (the filters
kept across pages), and each message opened with its headers and text; its HTML part is shown as source,
never run. Only admins see any of it."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update
from web_support import ADMIN_EMAIL, COURTSHIP, EMAILS, session_as, text_of

from workflow.accounts.service import Accounts
from workflow.engine.db import Database
from workflow.engine.programmes import Programmes
from workflow.engine.views import ProgrammeView
from workflow.reminders.models import FAILED, OutboxMessage

MESSAGE_LINK = re.compile(r'href="/admin/mail/(\d+)[^"]*"')


def _requested(programmes: Programmes, sample: ProgrammeView) -> None:
    """Sign-off requested: an email to each of the three signatories (and others the request names)."""
    for criterion in COURTSHIP:
        programmes.record_evidence(sample.id, criterion, "done")
    programmes.request_sign_off(sample.id)


def test_sent_mail_pages_filters_and_keeps_the_filters_across_pages(
    app: Flask, client: FlaskClient, programmes: Programmes, sample: ProgrammeView, accounts: Accounts, db: Database
) -> None:
    _requested(programmes, sample)
    accounts.add_person("Ada Admin", ADMIN_EMAIL, programmes.clock(), is_admin=True)
    with db.read() as session:
        total = len(session.scalars(select(OutboxMessage.id)).all())
    assert total >= 3
    app.config["MAIL_PAGE_SIZE"] = 2
    session_as(client, app, ADMIN_EMAIL)

    first = client.get("/admin/mail")
    shown = text_of(first)
    assert f"{total} messages" in shown and f"Page 1 of {-(-total // 2)}" in shown
    assert len(set(MESSAGE_LINK.findall(first.get_data(as_text=True)))) == 2
    second = text_of(client.get("/admin/mail?page=2"))
    assert "Page 2 of" in second

    tom = text_of(client.get("/admin/mail?recipient=TOM.HARDY"))
    assert "1 message match these filters" in tom and "Tom Hardy <tom.hardy@northbridge.example>" in tom
    assert "aisha.khan" not in tom
    assert "0 messages" in text_of(client.get(f"/admin/mail?programme={sample.id + 1}"))
    assert f"{total} messages" in text_of(client.get(f"/admin/mail?programme={sample.id}&kind=sign_off_requested"))
    assert "0 messages" in text_of(client.get("/admin/mail?status=failed"))

    with db.write() as session:
        session.execute(update(OutboxMessage).where(OutboxMessage.to_addr == EMAILS["tom"]).values(status=FAILED))
    failed = client.get("/admin/mail?status=failed&recipient=tom")
    assert "1 message match" in text_of(failed)
    page = failed.get_data(as_text=True)
    assert 'action="/admin/mail?recipient=tom&amp;status=failed"' in page  # sending again keeps the filters
    assert client.get("/admin/mail?status=nonsense&page=99").status_code == 200  # unknown: ignored, last page


def test_a_message_opens_with_its_headers_and_text_and_its_html_only_as_source(
    app: Flask, client: FlaskClient, programmes: Programmes, sample: ProgrammeView, accounts: Accounts, db: Database
) -> None:
    _requested(programmes, sample)
    accounts.add_person("Ada Admin", ADMIN_EMAIL, programmes.clock(), is_admin=True)
    with db.write() as session:
        message = session.scalars(select(OutboxMessage).where(OutboxMessage.to_addr == EMAILS["tom"])).one()
        message.body_html = '<p onclick="steal()">Hello</p><script>alert("x")</script>'
        message_id, subject, text = message.id, message.subject, message.body_text
    session_as(client, app, ADMIN_EMAIL)
    listing = client.get("/admin/mail?recipient=tom").get_data(as_text=True)
    assert f'href="/admin/mail/{message_id}?recipient=tom"' in listing

    response = client.get(f"/admin/mail/{message_id}?recipient=tom")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    shown = text_of(response)
    assert f"To Tom Hardy <{EMAILS['tom']}>" in shown and f"Subject {subject}" in shown
    assert f"Programme {sample.name}" in shown and "Status Pending" in shown
    assert text.splitlines()[0] in shown
    assert "<script>" not in page and "&lt;script&gt;alert" in page  # the HTML part as text, never run
    assert 'onclick="steal()"' not in page
    assert "{{sign_link:" not in page and "sign?t=" not in page  # the personal link is not shown
    assert 'href="/admin/mail?recipient=tom"' in page  # back to the same filtered list
    assert client.get("/admin/mail/99999").status_code == 404


def test_only_admins_see_sent_mail_and_its_messages(
    app: Flask, client: FlaskClient, programmes: Programmes, sample: ProgrammeView, db: Database
) -> None:
    _requested(programmes, sample)
    with db.read() as session:
        message_id = session.scalars(select(OutboxMessage.id)).first()
    session_as(client, app, EMAILS["priya"])  # the programme's manager
    assert client.get("/admin/mail").status_code == 403
    assert client.get(f"/admin/mail/{message_id}").status_code == 403
