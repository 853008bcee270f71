"""Changes through the API: If-Match with the programme's ETag (428 missing, 412 stale), a refused advance as
a problem naming the gate's unmet criteria, evidence and decisions that pass a gate, the event feed that
follows them by cursor, pages of programmes, and bodies checked against their schema."""

from __future__ import annotations

from typing import Any

from api_support import PROBLEM, bearer, token_for
from flask.testing import FlaskClient
from web_support import COURTSHIP, start_programme

from web.i18n import compile_catalogues
from workflow.engine.db import Database
from workflow.engine.programmes import Programmes
from workflow.engine.views import ProgrammeView


def _etag(client: FlaskClient, token: str, pid: int) -> str:
    return client.get(f"/api/v1/programmes/{pid}", headers=bearer(token)).headers["ETag"]


def test_changes_need_the_current_etag(client: FlaskClient, db: Database, sample: ProgrammeView, clock: Any) -> None:
    priya = token_for(db, clock, "priya")
    path = f"/api/v1/programmes/{sample.id}/advance"
    missing = client.post(path, headers=bearer(priya))
    assert missing.status_code == 428 and missing.content_type == PROBLEM
    assert missing.get_json()["type"] == "urn:banns:problem:precondition-required"
    assert client.post(path, headers=bearer(priya, If_Match="*")).status_code == 428
    etag = _etag(client, priya, sample.id)
    assert etag == f'"{sample.version}"'
    same = client.get(f"/api/v1/programmes/{sample.id}", headers=bearer(priya, If_None_Match=etag))
    assert same.status_code == 304 and not same.get_data()
    evidence = {"criterion": "partners_named", "summary": "Named"}
    first = client.post(f"/api/v1/programmes/{sample.id}/evidence", json=evidence, headers=bearer(priya, If_Match=etag))
    assert first.status_code == 200
    stale = client.post(f"/api/v1/programmes/{sample.id}/evidence", json=evidence, headers=bearer(priya, If_Match=etag))
    assert stale.status_code == 412 and stale.content_type == PROBLEM
    assert stale.get_json()["type"] == "urn:banns:problem:stale"
    assert client.post(path, headers=bearer(priya, If_Match='"nonsense"')).status_code == 400
    events = client.get(f"/api/v1/programmes/{sample.id}/events", headers=bearer(priya)).get_json()["items"]
    assert [e["kind"] for e in events].count("evidence_recorded") == 1


def test_a_refused_advance_names_the_unmet_criteria(
    client: FlaskClient, db: Database, sample: ProgrammeView, clock: Any
) -> None:
    priya = token_for(db, clock, "priya")
    etag = _etag(client, priya, sample.id)
    refused = client.post(
        f"/api/v1/programmes/{sample.id}/advance", json={"reason": "ready?"}, headers=bearer(priya, If_Match=etag)
    )
    assert refused.status_code == 409 and refused.content_type == PROBLEM
    problem = refused.get_json()
    assert problem["type"] == "urn:banns:problem:move-refused" and problem["move"] == "advance"
    assert problem["state"] == "courtship" and problem["reasons"]
    # each reason is a code with its values, and its words (English, as no other language was asked for)
    missing = next(r for r in problem["reasons"] if r["code"] == "evidence_missing")
    assert missing["values"]["count"] == len(COURTSHIP) and missing["text"].startswith("evidence is missing for")
    assert "cannot advance programme" in problem["detail"]
    assert all(u["label"]["code"] in ("criterion", "partner_sign_off", "role_sign_off") for u in problem["unmet"])
    unmet = {u["criterion"] for u in problem["unmet"] if u["kind"] == "criterion"}
    assert unmet == set(COURTSHIP)
    assert any(u["kind"] == "sign_off" for u in problem["unmet"])
    assert _etag(client, priya, sample.id) == etag  # nothing changed
    compile_catalogues()  # the Welsh, as `make setup` builds it
    in_welsh = client.post(
        f"/api/v1/programmes/{sample.id}/advance",
        json={"reason": "ready?"},
        headers=bearer(priya, If_Match=etag, Accept_Language="cy"),
    ).get_json()
    said = {r["code"]: r for r in in_welsh["reasons"]}
    assert said["evidence_missing"]["text"].startswith("mae tystiolaeth ar goll ar gyfer")
    assert said["evidence_missing"]["values"] == missing["values"]  # the same facts, whatever the language


def test_a_gate_is_passed_through_the_api_alone_and_the_feed_follows_it(
    client: FlaskClient, db: Database, programmes: Programmes, sample: ProgrammeView, clock: Any
) -> None:
    priya = token_for(db, clock, "priya")
    pid = sample.id
    for criterion in COURTSHIP:
        answer = client.post(
            f"/api/v1/programmes/{pid}/evidence",
            json={"criterion": criterion, "summary": f"{criterion} done"},
            headers=bearer(priya, If_Match=_etag(client, priya, pid)),
        )
        assert answer.status_code == 200, answer.get_json()
    asked = client.post(
        f"/api/v1/programmes/{pid}/sign-off-requests",
        json={"note": "Please decide by Friday"},
        headers=bearer(priya, If_Match=_etag(client, priya, pid)),
    )
    assert asked.status_code == 200 and asked.get_json()["gate"]["request_open"]
    for who in ("tom", "aisha", "gareth"):
        token = token_for(db, clock, who)
        view = client.get(f"/api/v1/programmes/{pid}", headers=bearer(token)).get_json()
        decided = client.post(
            f"/api/v1/programmes/{pid}/sign-offs",
            json={"decision": "approve", "pack": view["gate"]["pack_hash"], "round": view["gate"]["round"]},
            headers=bearer(token, If_Match=f'"{view["version"]}"'),
        )
        assert decided.status_code == 200, decided.get_json()
    moved = client.post(f"/api/v1/programmes/{pid}/advance", headers=bearer(priya, If_Match=_etag(client, priya, pid)))
    assert moved.status_code == 200 and moved.get_json()["state"] == "honest_conversation"
    assert programmes.get(pid).state == "honest_conversation"

    first = client.get(f"/api/v1/programmes/{pid}/events?limit=3", headers=bearer(priya)).get_json()
    assert [e["seq"] for e in first["items"]] == [1, 2, 3] and first["items"][0]["kind"] == "programme_started"
    seen = first["items"]
    page = first
    while page["items"]:
        page = client.get(page["next"], headers=bearer(priya)).get_json()
        seen += page["items"]
    assert [e["seq"] for e in seen] == list(range(1, len(seen) + 1))
    assert seen[-1]["kind"] == "advanced" and seen[-1]["actor"] == "Priya Shah"
    assert page["next"].endswith(f"after={seen[-1]['seq']}&limit=3")  # where to ask for newer events


def test_programmes_come_in_pages_by_id(
    client: FlaskClient, db: Database, programmes: Programmes, sample: ProgrammeView, clock: Any
) -> None:
    for n in range(3):
        start_programme(programmes, f"Shared service {n}")
    from workflow.accounts.service import Accounts

    Accounts(db).add_person("Ada Admin", "ada.admin@banns.example", clock(), is_admin=True)
    admin = token_for(db, clock, "admin", "read")
    page = client.get("/api/v1/programmes?limit=2", headers=bearer(admin)).get_json()
    ids = [p["id"] for p in page["items"]]
    while page["next"]:
        page = client.get(page["next"], headers=bearer(admin)).get_json()
        ids += [p["id"] for p in page["items"]]
    assert ids == [1, 2, 3, 4]
    named = client.get("/api/v1/programmes?name=SERVICE%201", headers=bearer(admin)).get_json()
    assert [p["name"] for p in named["items"]] == ["Shared service 1"]
    running = client.get("/api/v1/programmes?ended=false&state=courtship&limit=1", headers=bearer(admin)).get_json()
    assert "ended=false" in running["next"] and "state=courtship" in running["next"]
    found = [p["id"] for p in running["items"]]
    while running["next"]:
        running = client.get(running["next"], headers=bearer(admin)).get_json()
        found += [p["id"] for p in running["items"]]
    assert found == [1, 2, 3, 4]
    assert client.get("/api/v1/programmes?ended=true", headers=bearer(admin)).get_json()["items"] == []

    def every(query: str) -> list[str]:
        page = client.get(f"/api/v1/programmes?{query}", headers=bearer(admin)).get_json()
        names = [p["name"] for p in page["items"]]
        while page["next"]:
            page = client.get(page["next"], headers=bearer(admin)).get_json()
            names += [p["name"] for p in page["items"]]
        return names

    by_name = sorted((p.name for p in programmes.list()), key=str.casefold)
    assert every("sort=name&limit=1") == every("sort=name") == by_name, "each once, by name, page after page"
    by_time = [p.name for p in sorted(programmes.list(), key=lambda p: (p.stage_entered_at, p.id))]
    assert every("sort=stage_entered_at&limit=3") == by_time
    for bad in ("limit=0", "limit=201", "after=-1", "limit=lots", "ended=perhaps", "colour=red", "sort=colour"):
        wrong = client.get(f"/api/v1/programmes?{bad}", headers=bearer(admin))
        assert wrong.status_code == 400 and wrong.content_type == PROBLEM and wrong.get_json()["errors"]


def test_bodies_are_checked_against_their_schema(
    client: FlaskClient, db: Database, sample: ProgrammeView, clock: Any
) -> None:
    priya = token_for(db, clock, "priya")
    path = f"/api/v1/programmes/{sample.id}/evidence"
    headers = bearer(priya, If_Match=f'"{sample.version}"')
    not_json = client.post(path, data="criterion=x", headers={**headers, "Content-Type": "text/plain"})
    assert not_json.status_code == 415 and not_json.content_type == PROBLEM
    broken = client.post(path, data="{", headers={**headers, "Content-Type": "application/json"})
    assert broken.status_code == 400
    wrong = client.post(path, json={"criterion": "partners_named", "sumary": "typo"}, headers=headers)
    assert wrong.status_code == 422 and {tuple(e["loc"]) for e in wrong.get_json()["errors"]} == {
        ("summary",),
        ("sumary",),
    }
    unknown = client.post(path, json={"criterion": "no_such", "summary": "x"}, headers=headers)
    assert unknown.status_code == 422 and unknown.content_type == PROBLEM
    assert client.get("/api/v1/nothing", headers=bearer(priya)).content_type == PROBLEM


def test_a_programme_manager_starts_a_programme_and_is_told_where_it_is(
    client: FlaskClient, db: Database, sample: ProgrammeView, clock: Any
) -> None:
    spec = {
        "name": "Westshire and Dale shared legal",
        "definition": "shared-service",
        "partners": [
            {"name": "Westshire Council", "kind": "unitary_council", "population": 50000, "net_budget": "1000000.00"},
            {"name": "Dale Council", "kind": "district_council", "population": 40000, "net_budget": "900000.00"},
        ],
        "people": [{"name": "Priya Shah", "email": "priya.shah@northbridge.example", "roles": ["programme_manager"]}],
    }
    priya = token_for(db, clock, "priya")
    made = client.post("/api/v1/programmes", json=spec, headers=bearer(priya))
    assert made.status_code == 201, made.get_json()
    assert made.headers["Location"] == f"/api/v1/programmes/{made.get_json()['id']}"
    assert client.get(made.headers["Location"], headers=bearer(priya)).get_json()["state"] == "courtship"
    again = client.post("/api/v1/programmes", json=spec, headers=bearer(priya))
    assert again.status_code == 422 and again.content_type == PROBLEM
    unknown = client.post(
        "/api/v1/programmes", json={**spec, "name": "Other", "definition": "nope"}, headers=bearer(priya)
    )
    assert unknown.status_code == 422 and unknown.get_json()["errors"][0]["loc"] == ["definition"]
    tom = token_for(db, clock, "tom")
    assert client.post("/api/v1/programmes", json={**spec, "name": "Tom's"}, headers=bearer(tom)).status_code == 403
