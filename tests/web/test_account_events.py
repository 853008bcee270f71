"""Account changes are events on the site's log (events with no programme), each with its actor, written in
the change's own transaction: a person added, the admin right granted or removed, an invitation accepted, a
password changed or reset, signing out everywhere. No password or token is ever in an event."""

from __future__ import annotations

import json

from account_support import (
    app_accounts,
    ask_for_reset,
    links_in_outbox,
    set_new_password,
    site_events,
)
from flask import Flask
from flask.testing import FlaskClient
from web_support import ADMIN_EMAIL, EMAILS, PASSWORD, csrf_token, login, post, session_as, text_of

from workflow.engine.audit import verify
from workflow.engine.db import Database
from workflow.engine.views import ProgrammeView

NIA = "nia.jones@gwent.example"
NIA_PASSWORD = "heron quarry lantern meadow"
TOM_PASSWORD = "lantern orchard pebble violin"
TOM_RESET = "copper thistle harbour engine"


def test_every_account_change_is_on_the_site_log_with_its_actor(
    app: Flask, client: FlaskClient, with_passwords: ProgrammeView, db: Database, people: dict[str, int]
) -> None:
    before = len(site_events(db))
    admin = app.test_client()
    session_as(admin, app, ADMIN_EMAIL)
    added = post(admin, "/admin/people", {"name": "Nia Jones", "email": NIA}, token_from="/admin/people")
    assert added.status_code == 302
    assert post(admin, f"/admin/people/{people['tom']}/admin", {"grant": "1"}).status_code == 302
    assert post(admin, f"/admin/people/{people['tom']}/admin", {"grant": "0"}).status_code == 302

    [invitation] = links_in_outbox(db, NIA, "/invitation")
    assert set_new_password(client, invitation, NIA_PASSWORD).status_code == 302

    tom = app.test_client()
    login(tom, EMAILS["tom"])
    changed = tom.post(
        "/account/password",
        data={
            "csrf_token": csrf_token(tom, "/account/security"),
            "current_password": PASSWORD,
            "new_password": TOM_PASSWORD,
            "confirm": TOM_PASSWORD,
        },
    )
    assert changed.status_code == 302
    ask_for_reset(tom, EMAILS["tom"])
    [reset] = links_in_outbox(db, EMAILS["tom"], "/password-reset/new")
    assert set_new_password(tom, reset, TOM_RESET).status_code == 302
    assert post(tom, "/account/sign-out-everywhere", {}, token_from="/account/security").status_code == 302

    events = site_events(db)[before:]
    assert [(e.kind, e.actor) for e in events] == [
        ("person_added", "Ada Admin"),
        ("admin_granted", "Ada Admin"),
        ("admin_removed", "Ada Admin"),
        ("invitation_accepted", "Nia Jones"),
        ("password_changed", "Tom Hardy"),
        ("password_reset", "Tom Hardy"),
        ("signed_out_everywhere", "Tom Hardy"),
    ]
    assert events[0].data["person"] == "Nia Jones" and events[1].data["person_id"] == people["tom"]
    assert events[3].actor_id == events[0].data["person_id"]
    assert {e.actor_id for e in events[4:]} == {people["tom"]}
    logged = json.dumps([[e.kind, e.actor, e.reason, e.data] for e in events])
    tokens = [link.split("token=", 1)[1] for link in (invitation, reset)]
    for secret in [PASSWORD, NIA_PASSWORD, TOM_PASSWORD, TOM_RESET, *tokens]:
        assert secret not in logged
    with db.read() as session:
        [site] = verify(session, site=True)
    assert site.intact and site.events == len(site_events(db))


def test_the_last_admin_keeps_the_admin_right(
    app: Flask, client: FlaskClient, with_passwords: ProgrammeView, db: Database
) -> None:
    ada = next(p for p in app_accounts(app).people() if p.email == ADMIN_EMAIL)
    session_as(client, app, ADMIN_EMAIL)
    refused = post(client, f"/admin/people/{ada.id}/admin", {"grant": "0"}, token_from="/admin/people")
    assert refused.status_code == 422 and "at least one administrator" in text_of(refused)
    assert app_accounts(app).person(ada.id).is_admin
    assert "admin_removed" not in [e.kind for e in site_events(db)]


def test_only_admins_change_admin_rights(
    app: Flask, client: FlaskClient, with_passwords: ProgrammeView, people: dict[str, int]
) -> None:
    session_as(client, app, EMAILS["priya"])
    assert post(client, f"/admin/people/{people['tom']}/admin", {"grant": "1"}).status_code == 403
    assert not app_accounts(app).person(people["tom"]).is_admin
