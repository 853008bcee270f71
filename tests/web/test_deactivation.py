"""Admins deactivate someone who has left, after a check-your-answers page listing what they hold (roles,
sign-offs waiting on them, deputies): they are signed out at once, cannot sign in, show as Deactivated; the
change is on the site's log with the admin. Reactivating lets them sign in again. Only admins, never
themselves, never the last admin."""

from __future__ import annotations

from datetime import date

import pytest
from account_support import app_accounts, site_events
from flask import Flask
from flask.testing import FlaskClient
from web_support import ADMIN_EMAIL, COURTSHIP, EMAILS, login, post, session_as, sign_in, text_of

from workflow.accounts.errors import AccountInputError
from workflow.engine.db import Database
from workflow.engine.permissions import SYSTEM
from workflow.engine.programmes import Programmes
from workflow.engine.views import ProgrammeView


def test_an_admin_sees_what_a_person_holds_then_deactivates_and_reactivates_them(
    app: Flask, with_passwords: ProgrammeView, programmes: Programmes, people: dict[str, int], db: Database
) -> None:
    pid, tom = with_passwords.id, people["tom"]
    for criterion in COURTSHIP:
        programmes.record_evidence(pid, criterion, "done")
    programmes.request_sign_off(pid)
    programmes.name_deputy(pid, tom, people["helen"], date(2027, 1, 4), date(2027, 1, 15), "leave")
    toms_browser = app.test_client()
    login(toms_browser, EMAILS["tom"])
    assert toms_browser.get("/").status_code == 200

    admin = app.test_client()
    session_as(admin, app, ADMIN_EMAIL)
    people_page = admin.get("/admin/people").get_data(as_text=True)
    assert f'href="/admin/people/{tom}/deactivate"' in people_page
    check = text_of(admin.get(f"/admin/people/{tom}/deactivate"))
    assert "Deactivate Tom Hardy" in check
    assert f"{with_passwords.name} Signatory of Northbridge District Council" in check  # the role
    assert f"{with_passwords.name} : the Courtship gate, as Signatory of Northbridge District Council" in check
    assert "Helen Marsh decides for them on" in check and "4 January 2027 to 15 January 2027" in check
    assert "They are signed out everywhere and cannot sign in." in check

    done = post(admin, f"/admin/people/{tom}/deactivate", {}, token_from=f"/admin/people/{tom}/deactivate")
    assert done.status_code == 302
    assert "Tom Hardy is deactivated" in text_of(admin.get("/admin/people"))
    row = text_of(admin.get("/admin/people")).split("Tom Hardy", 1)[1]
    assert row.split(EMAILS["tom"], 1)[1].strip().startswith("Deactivated")
    assert toms_browser.get("/").status_code == 302  # the live session ended
    refused = sign_in(app.test_client(), EMAILS["tom"], "correct horse battery staple")
    assert refused.status_code == 401 and "Your account has been deactivated" in text_of(refused)
    wrong = sign_in(app.test_client(), EMAILS["tom"], "not the password at all")
    assert "deactivated" not in text_of(wrong)  # told only to someone who knows the password

    again = post(admin, f"/admin/people/{tom}/reactivate", {}, token_from="/admin/people")
    assert again.status_code == 302 and "Tom Hardy is active again" in text_of(admin.get("/admin/people"))
    login(app.test_client(), EMAILS["tom"])
    kinds = [(e.kind, e.actor, e.data.get("person")) for e in site_events(db)[-2:]]
    assert kinds == [("person_deactivated", "Ada Admin", "Tom Hardy"), ("person_reactivated", "Ada Admin", "Tom Hardy")]


def test_only_admins_deactivate_never_themselves_nor_the_last_admin(
    app: Flask, client: FlaskClient, with_passwords: ProgrammeView, people: dict[str, int], db: Database
) -> None:
    session_as(client, app, EMAILS["priya"])  # a programme manager, not an admin
    assert client.get(f"/admin/people/{people['tom']}/deactivate").status_code == 403
    assert post(client, f"/admin/people/{people['tom']}/deactivate", {}).status_code == 403
    assert post(client, f"/admin/people/{people['tom']}/reactivate", {}).status_code == 403

    ada = next(p for p in app_accounts(app).people() if p.email == ADMIN_EMAIL)
    session_as(client, app, ADMIN_EMAIL)
    page = client.get(f"/admin/people/{ada.id}/deactivate")
    assert page.status_code == 422 and "You cannot deactivate your own account" in text_of(page)
    assert "Deactivate account" not in text_of(page)
    refused = post(client, f"/admin/people/{ada.id}/deactivate", {}, token_from="/admin/people")
    assert refused.status_code == 422
    assert app_accounts(app).person(ada.id).deactivated_at is None
    with pytest.raises(AccountInputError, match="last active admin"):
        app_accounts(app).deactivate(ada.id, with_passwords.created_at, actor=SYSTEM)
    assert "person_deactivated" not in [e.kind for e in site_events(db)]


def test_the_account_page_lists_the_persons_roles_and_deputies(
    app: Flask, client: FlaskClient, programmes: Programmes, sample: ProgrammeView, people: dict[str, int]
) -> None:
    programmes.name_deputy(sample.id, people["tom"], people["helen"], date(2027, 1, 4), date(2027, 1, 15), "leave")
    session_as(client, app, EMAILS["tom"])
    page = client.get("/account")
    shown = text_of(page)
    assert f"{sample.name} Signatory Northbridge District Council" in shown
    assert f'href="/programmes/{sample.id}"' in page.get_data(as_text=True)
    assert f"Helen Marsh decides for you on {sample.name} from 4 January 2027 to 15 January 2027" in shown

    session_as(client, app, EMAILS["helen"])
    shown = text_of(client.get("/account"))
    assert f"You decide for Tom Hardy on {sample.name} from 4 January 2027 to 15 January 2027" in shown
    assert "Steering" in shown or "steering" in shown

    session_as(client, app, EMAILS["priya"])
    shown = text_of(client.get("/account"))
    assert "Programme manager" in shown and "Not for a partner" in shown
    assert "You have not named a deputy, and nobody has named you." in shown


def test_a_deactivated_signatory_is_flagged_on_the_gate_and_left_out_of_the_chase(
    app: Flask, with_passwords: ProgrammeView, programmes: Programmes, people: dict[str, int], db: Database
) -> None:
    """Someone who has left cannot decide: the manager is told to give the role to someone else, and the
    chase email goes only to those who can still answer."""
    pid, tom = with_passwords.id, people["tom"]
    for criterion in COURTSHIP:
        programmes.record_evidence(pid, criterion, "done")
    programmes.request_sign_off(pid)
    app_accounts(app).deactivate(tom, programmes.clock(), actor=SYSTEM)

    manager = app.test_client()
    session_as(manager, app, EMAILS["priya"])
    page = manager.get(f"/programmes/{pid}/gate").get_data(as_text=True)
    text = text_of(manager.get(f"/programmes/{pid}/gate"))
    assert "Tom Hardy (Signatory of Northbridge District Council" in text and "Account deactivated" in text
    assert "Deactivated accounts cannot decide. Give their roles to someone else on the people page:" in text
    assert f'href="/programmes/{pid}/people"' in page
    chase = page.split('href="mailto:', 1)[1].split('"', 1)[0]
    assert EMAILS["aisha"] in chase and EMAILS["tom"] not in chase
