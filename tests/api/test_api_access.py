"""Who the API answers: only a valid bearer token (never a session cookie), a read token never changes
anything, and the token's person sees and does exactly what the UI lets them: a signatory of one programme is
refused another, as the UI refuses them."""

from __future__ import annotations

from typing import Any

from api_support import PROBLEM, bearer, token_for
from flask import Flask
from flask.testing import FlaskClient
from web_support import EMAILS, session_as, start_programme

from workflow.accounts import limits
from workflow.accounts.service import Accounts
from workflow.engine.db import Database
from workflow.engine.programmes import Programmes
from workflow.engine.views import ProgrammeView


def test_no_token_or_a_session_cookie_alone_is_refused_as_a_problem(
    app: Flask, client: FlaskClient, sample: ProgrammeView
) -> None:
    answer = client.get("/api/v1/programmes")
    assert answer.status_code == 401 and answer.content_type == PROBLEM
    assert answer.headers["WWW-Authenticate"].startswith("Bearer")
    problem = answer.get_json()
    assert problem["status"] == 401 and problem["type"] and problem["title"] and problem["detail"]
    session_as(client, app, EMAILS["priya"])
    assert client.get(f"/programmes/{sample.id}/gate").status_code == 200
    assert client.get("/api/v1/programmes").status_code == 401
    assert client.get("/api/v1/programmes", headers={"Authorization": "Bearer banns_nonsense"}).status_code == 401
    assert client.get("/api/v1/programmes", headers={"Authorization": "Basic abc"}).status_code == 401


def test_a_read_token_reads_but_changes_nothing(
    client: FlaskClient, db: Database, sample: ProgrammeView, clock: Any
) -> None:
    read = token_for(db, clock, "priya", "read")
    write = token_for(db, clock, "priya", "write")
    seen = client.get(f"/api/v1/programmes/{sample.id}", headers=bearer(read))
    assert seen.status_code == 200
    etag = seen.headers["ETag"]
    refused = client.post(f"/api/v1/programmes/{sample.id}/advance", headers=bearer(read, If_Match=etag))
    assert refused.status_code == 403 and refused.content_type == PROBLEM
    assert refused.get_json()["type"] == "urn:banns:problem:scope"
    assert "insufficient_scope" in refused.headers["WWW-Authenticate"]
    evidence = {"criterion": "partners_named", "summary": "Three councils named"}
    done = client.post(f"/api/v1/programmes/{sample.id}/evidence", json=evidence, headers=bearer(write, If_Match=etag))
    assert done.status_code == 200 and done.headers["ETag"] != etag
    assert any(e["criterion"] == "partners_named" for e in done.get_json()["gate"]["evidence"])


def test_expired_and_revoked_tokens_stop_working_and_last_use_is_recorded(
    client: FlaskClient, db: Database, sample: ProgrammeView, clock: Any
) -> None:
    token = token_for(db, clock, "tom", "read", days=1)
    accounts = Accounts(db)
    tom = next(p for p in accounts.people() if p.email == EMAILS["tom"])
    assert accounts.tokens_of(tom.id)[0].last_used_at is None
    clock.advance(hours=2)
    assert client.get("/api/v1/programmes", headers=bearer(token)).status_code == 200
    assert accounts.tokens_of(tom.id)[0].last_used_at == clock()
    clock.advance(days=1)
    expired = client.get("/api/v1/programmes", headers=bearer(token))
    assert expired.status_code == 401 and "expired" in expired.get_json()["detail"]

    other = token_for(db, clock, "tom", "read")
    accounts.revoke_token(accounts.tokens_of(tom.id)[0].id, clock(), actor=accounts.actor(tom.id))  # type: ignore[arg-type]
    revoked = client.get("/api/v1/programmes", headers=bearer(other))
    assert revoked.status_code == 401 and "revoked" in revoked.get_json()["detail"]


def test_a_signatory_of_one_programme_is_refused_another_as_in_the_ui(
    app: Flask, client: FlaskClient, db: Database, programmes: Programmes, sample: ProgrammeView, clock: Any
) -> None:
    other = start_programme(programmes, "Westshire and Dale shared legal")
    tom = token_for(db, clock, "tom", "write")
    listed = client.get("/api/v1/programmes", headers=bearer(tom)).get_json()
    assert [p["id"] for p in listed["items"]] == [sample.id]
    api = client.get(f"/api/v1/programmes/{other.id}", headers=bearer(tom))
    session_as(client, app, EMAILS["tom"])
    ui = client.get(f"/programmes/{other.id}/gate")
    assert api.status_code == ui.status_code == 403 and api.content_type == PROBLEM
    for path in (f"/api/v1/programmes/{other.id}/events", f"/api/v1/programmes/{other.id}"):
        assert client.get(path, headers=bearer(tom)).status_code == 403
    moved = client.post(f"/api/v1/programmes/{other.id}/advance", headers=bearer(tom, If_Match=f'"{other.version}"'))
    assert moved.status_code == 403
    assert client.get("/api/v1/programmes/999", headers=bearer(tom)).status_code == 404


def test_bad_tokens_from_one_address_are_limited(
    client: FlaskClient, db: Database, sample: ProgrammeView, clock: Any
) -> None:
    good = token_for(db, clock, "tom", "read")
    for i in range(limits.TOKEN_ADDRESS_LIMIT):
        assert client.get("/api/v1/programmes", headers=bearer(f"banns_bad{i}")).status_code == 401
    limited = client.get("/api/v1/programmes", headers=bearer(good))
    assert limited.status_code == 429 and limited.content_type == PROBLEM
    assert int(limited.headers["Retry-After"]) == 15 * 60


def test_only_those_who_give_roles_see_the_holders_email_addresses(
    client: FlaskClient, db: Database, sample: ProgrammeView, clock: Any
) -> None:
    observer = token_for(db, clock, "sam", "read")
    for path in (f"/api/v1/programmes/{sample.id}", f"/api/v1/programmes/{sample.id}/roles"):
        seen = client.get(path, headers=bearer(observer)).get_json()
        assert {r["email"] for r in seen.get("roles", seen.get("items", []))} == {None}, path
    manager = client.get(f"/api/v1/programmes/{sample.id}", headers=bearer(token_for(db, clock, "priya"))).get_json()
    assert EMAILS["tom"] in {r["email"] for r in manager["roles"]}
