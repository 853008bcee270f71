"""Idempotency-Key on the API's POSTs: a retried request with its key answers as the first did without doing
the work again; the key with another request is refused (422), while its first request runs 409; keys are each
person's own, last 24 hours, and a refused request does not use its key up."""

from __future__ import annotations

import json
import threading
from typing import Any

from api_support import PROBLEM, bearer, token_for
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from web_support import EMAILS

from workflow.accounts.idempotency import Fingerprint
from workflow.accounts.models import IdempotencyKey
from workflow.accounts.service import Accounts
from workflow.engine.db import Database
from workflow.engine.programmes import Programmes
from workflow.engine.views import ProgrammeView

ADMIN = "ada.admin@banns.example"


def spec(name: str = "Westshire and Dale shared legal") -> dict[str, Any]:
    return {
        "name": name,
        "definition": "shared-service",
        "partners": [
            {"name": "Westshire Council", "kind": "unitary_council", "population": 50000, "net_budget": "1000000.00"},
            {"name": "Dale Council", "kind": "district_council", "population": 40000, "net_budget": "900000.00"},
        ],
        "people": [{"name": "Priya Shah", "email": EMAILS["priya"], "roles": ["programme_manager"]}],
    }


def named(programmes: Programmes, name: str) -> list[int]:
    return [p.id for p in programmes.list() if p.name == name]


def test_a_retried_create_answers_as_the_first_and_creates_one_programme(
    client: FlaskClient, db: Database, programmes: Programmes, sample: ProgrammeView, clock: Any
) -> None:
    priya = bearer(token_for(db, clock, "priya"), Idempotency_Key="create-legal-1")
    first = client.post("/api/v1/programmes", json=spec(), headers=priya)
    assert first.status_code == 201 and "Idempotent-Replayed" not in first.headers
    clock.advance(minutes=5)
    again = client.post("/api/v1/programmes", json=spec(), headers=priya)
    assert again.status_code == 201 and again.headers["Idempotent-Replayed"] == "true"
    assert again.get_data() == first.get_data()
    for header in ("Location", "ETag", "Content-Type"):
        assert again.headers[header] == first.headers[header]
    assert named(programmes, spec()["name"]) == [first.get_json()["id"]]
    # without the key, the same request is a new one: refused, as the programme exists
    duplicate = client.post("/api/v1/programmes", json=spec(), headers=bearer(token_for(db, clock, "priya")))
    assert duplicate.status_code == 422


def test_the_same_key_with_another_request_is_refused(
    client: FlaskClient, db: Database, programmes: Programmes, sample: ProgrammeView, clock: Any
) -> None:
    priya = bearer(token_for(db, clock, "priya"), Idempotency_Key="k-1")
    assert client.post("/api/v1/programmes", json=spec(), headers=priya).status_code == 201
    other = client.post("/api/v1/programmes", json=spec("Another programme"), headers=priya)
    assert other.status_code == 422 and other.content_type == PROBLEM
    assert other.get_json()["type"] == "urn:banns:problem:idempotency-key-reused"
    elsewhere = client.post(f"/api/v1/programmes/{sample.id}/advance", json={}, headers={**priya, "If-Match": '"1"'})
    assert elsewhere.status_code == 422
    assert named(programmes, "Another programme") == []


def test_keys_are_each_persons_own(
    client: FlaskClient, db: Database, programmes: Programmes, accounts: Accounts, sample: ProgrammeView, clock: Any
) -> None:
    accounts.add_person("Ada Admin", ADMIN, clock(), is_admin=True)
    priya = bearer(token_for(db, clock, "priya"), Idempotency_Key="same-key")
    ada = bearer(token_for(db, clock, ADMIN), Idempotency_Key="same-key")
    assert client.post("/api/v1/programmes", json=spec("Priya's"), headers=priya).status_code == 201
    theirs = client.post("/api/v1/programmes", json=spec("Ada's"), headers=ada)
    assert theirs.status_code == 201 and "Idempotent-Replayed" not in theirs.headers
    assert len(named(programmes, "Priya's")) == len(named(programmes, "Ada's")) == 1
    # a second token of the same person shares the person's keys
    again = client.post(
        "/api/v1/programmes",
        json=spec("Ada's"),
        headers=bearer(token_for(db, clock, ADMIN), Idempotency_Key="same-key"),
    )
    assert again.headers.get("Idempotent-Replayed") == "true"


def test_a_key_lasts_a_day_then_is_purged_and_free_again(
    client: FlaskClient, db: Database, programmes: Programmes, accounts: Accounts, sample: ProgrammeView, clock: Any
) -> None:
    token = token_for(db, clock, "priya")
    priya = bearer(token, Idempotency_Key="daily")
    assert client.post("/api/v1/programmes", json=spec("Monday's"), headers=priya).status_code == 201
    person_id = next(p.id for p in accounts.people() if p.email == EMAILS["priya"])
    kept = accounts.find_key(person_id, "daily", clock())
    assert kept is not None and kept.answer is not None and kept.answer.status == 201
    clock.advance(hours=23, minutes=59)
    assert client.post("/api/v1/programmes", json=spec("Monday's"), headers=priya).headers["Idempotent-Replayed"]
    clock.advance(minutes=1)
    assert accounts.find_key(person_id, "daily", clock()) is None
    fresh = client.post("/api/v1/programmes", json=spec("Tuesday's"), headers=priya)
    assert fresh.status_code == 201 and "Idempotent-Replayed" not in fresh.headers
    assert len(named(programmes, "Tuesday's")) == 1
    with db.read() as session:  # the expired row was purged, not kept beside the new one
        assert session.scalar(select(func.count()).select_from(IdempotencyKey)) == 1


def test_a_refused_request_leaves_its_key_free_for_the_corrected_retry(
    client: FlaskClient, db: Database, programmes: Programmes, sample: ProgrammeView, clock: Any
) -> None:
    priya = bearer(token_for(db, clock, "priya"), Idempotency_Key="fix-and-retry")
    wrong = client.post("/api/v1/programmes", json={**spec(), "definition": "nope"}, headers=priya)
    assert wrong.status_code == 422
    right = client.post("/api/v1/programmes", json=spec(), headers=priya)
    assert right.status_code == 201 and "Idempotent-Replayed" not in right.headers
    tom = bearer(token_for(db, clock, "tom"), Idempotency_Key="not-allowed")
    assert client.post("/api/v1/programmes", json=spec("Tom's"), headers=tom).status_code == 403
    # the refusal was not stored: the same key is free for another request
    assert client.post("/api/v1/programmes", json=spec("Tom's 2"), headers=tom).status_code == 403


def test_a_retried_change_records_its_evidence_once(
    client: FlaskClient, db: Database, programmes: Programmes, sample: ProgrammeView, clock: Any
) -> None:
    headers = bearer(token_for(db, clock, "priya"), Idempotency_Key="evidence-1", If_Match=f'"{sample.version}"')
    evidence = {"criterion": "partners_named", "summary": "Three councils named"}
    first = client.post(f"/api/v1/programmes/{sample.id}/evidence", json=evidence, headers=headers)
    again = client.post(f"/api/v1/programmes/{sample.id}/evidence", json=evidence, headers=headers)
    assert first.status_code == again.status_code == 200 and again.headers["Idempotent-Replayed"] == "true"
    assert again.headers["ETag"] == first.headers["ETag"]
    recorded = programmes.get(sample.id).gate
    assert recorded is not None and [e.criterion for e in recorded.evidence].count("partners_named") == 1


def test_keys_that_cannot_be_keys_are_refused(
    client: FlaskClient, db: Database, sample: ProgrammeView, clock: Any
) -> None:
    token = token_for(db, clock, "priya")
    for key in ("", "x" * 256, "caf\xe9", "tab\there"):
        answer = client.post("/api/v1/programmes", json=spec(), headers=bearer(token, Idempotency_Key=key))
        assert answer.status_code == 400 and answer.content_type == PROBLEM, key
    assert (
        client.post("/api/v1/programmes", json=spec(), headers=bearer(token, Idempotency_Key="x" * 255)).status_code
        == 201
    )


def test_a_retry_while_the_first_request_runs_is_told_to_wait(
    client: FlaskClient, db: Database, programmes: Programmes, accounts: Accounts, sample: ProgrammeView, clock: Any
) -> None:
    raw = json.dumps(spec()).encode()
    person_id = next(p.id for p in accounts.people() if p.email == EMAILS["priya"])
    running = accounts.reserve(person_id, "slow", Fingerprint.of("POST", "/api/v1/programmes", raw), clock())
    headers = bearer(token_for(db, clock, "priya"), Idempotency_Key="slow", Content_Type="application/json")
    waiting = client.post("/api/v1/programmes", data=raw, headers=headers)
    assert waiting.status_code == 409 and waiting.content_type == PROBLEM and waiting.headers["Retry-After"]
    assert waiting.get_json()["type"] == "urn:banns:problem:idempotency-key-in-use"
    assert named(programmes, spec()["name"]) == []
    accounts.complete(running.key_id, None)  # the first request failed: its key is free again
    assert client.post("/api/v1/programmes", data=raw, headers=headers).status_code == 201


def test_a_first_request_that_never_finished_does_not_hold_its_key_for_a_day(
    client: FlaskClient, db: Database, programmes: Programmes, accounts: Accounts, sample: ProgrammeView, clock: Any
) -> None:
    raw = json.dumps(spec()).encode()
    person_id = next(p.id for p in accounts.people() if p.email == EMAILS["priya"])
    accounts.reserve(person_id, "crashed", Fingerprint.of("POST", "/api/v1/programmes", raw), clock())  # never done
    headers = bearer(token_for(db, clock, "priya"), Idempotency_Key="crashed", Content_Type="application/json")
    clock.advance(minutes=9)
    assert client.post("/api/v1/programmes", data=raw, headers=headers).status_code == 409
    clock.advance(minutes=1)
    taken_over = client.post("/api/v1/programmes", data=raw, headers=headers)
    assert taken_over.status_code == 201 and "Idempotent-Replayed" not in taken_over.headers
    assert client.post("/api/v1/programmes", data=raw, headers=headers).headers["Idempotent-Replayed"] == "true"
    assert len(named(programmes, spec()["name"])) == 1


def test_two_requests_at_once_with_one_key_run_once(
    app: Flask, db: Database, programmes: Programmes, sample: ProgrammeView, clock: Any
) -> None:
    headers = bearer(token_for(db, clock, "priya"), Idempotency_Key="racing")
    start = threading.Barrier(2)
    answers: list[Any] = []

    def send() -> None:
        client = app.test_client()
        start.wait()
        answers.append(client.post("/api/v1/programmes", json=spec("Raced"), headers=headers))

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    statuses = sorted(a.status_code for a in answers)
    replayed = [a.headers.get("Idempotent-Replayed") for a in answers]
    # the second is told to wait (409), or answered as the first if it came once that was done; never run twice
    assert statuses == [201, 409] or (statuses == [201, 201] and replayed.count("true") == 1), (statuses, replayed)
    assert len(named(programmes, "Raced")) == 1
