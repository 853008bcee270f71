"""A programme's details, partners, roles and people through the API: each change with the programme's
ETag, answered with the programme as it now is; refused as the pages refuse it (a read token, someone who
may not, a stale or missing If-Match, the last programme manager), mistakes named by field."""

from __future__ import annotations

from typing import Any

from api_support import PROBLEM, bearer, token_for
from flask.testing import FlaskClient
from web_support import start_programme

from workflow.accounts.service import Accounts
from workflow.engine.db import Database
from workflow.engine.programmes import Programmes
from workflow.engine.views import ProgrammeView

OUTSIDER = "owen.other@westshire.example"


def _etag(client: FlaskClient, token: str, pid: int) -> str:
    return client.get(f"/api/v1/programmes/{pid}", headers=bearer(token)).headers["ETag"]


def _fields(answer: Any) -> set[tuple[Any, ...]]:
    return {tuple(e["loc"]) for e in answer.get_json()["errors"]}


def test_a_manager_edits_the_programme_keeping_what_is_left_out(
    client: FlaskClient, db: Database, sample: ProgrammeView, clock: Any
) -> None:
    priya = token_for(db, clock, "priya")
    path = f"/api/v1/programmes/{sample.id}"
    stage = sample.plan[0].stage
    etag = _etag(client, priya, sample.id)
    edited = client.patch(
        path,
        json={"name": "Northbridge and Southmoor shared revenues", "plan": {stage: {"end": "2027-06-30"}}},
        headers=bearer(priya, If_Match=etag),
    )
    assert edited.status_code == 200, edited.get_json()
    after = edited.get_json()
    assert after["name"] == "Northbridge and Southmoor shared revenues"
    assert after["description"] == sample.description
    first = next(p for p in after["plan"] if p["stage"] == stage)
    start = sample.plan[0].planned_start
    assert first["planned_end"] == "2027-06-30" and first["planned_start"] == (start.isoformat() if start else None)
    assert edited.headers["ETag"] != etag
    events = client.get(f"{path}/events", headers=bearer(priya)).get_json()["items"]
    assert events[-1]["kind"] == "programme_edited" and events[-1]["actor"] == "Priya Shah"

    stale = client.patch(path, json={"description": "x"}, headers=bearer(priya, If_Match=etag))
    assert stale.status_code == 412 and stale.content_type == PROBLEM
    assert client.patch(path, json={"description": "x"}, headers=bearer(priya)).status_code == 428
    current = edited.headers["ETag"]
    empty = client.patch(path, json={"name": "  "}, headers=bearer(priya, If_Match=current))
    assert empty.status_code == 422 and _fields(empty) == {("name",)}
    backwards = client.patch(
        path, json={"plan": {stage: {"start": "2027-07-01"}}}, headers=bearer(priya, If_Match=current)
    )
    assert backwards.status_code == 422 and _fields(backwards) == {(f"plan-{stage}",)}
    typo = client.patch(path, json={"nmae": "x"}, headers=bearer(priya, If_Match=current))
    assert typo.status_code == 422 and _fields(typo) == {("nmae",)}
    read = token_for(db, clock, "priya", "read")
    assert client.patch(path, json={"name": "x"}, headers=bearer(read, If_Match=current)).status_code == 403
    tom = token_for(db, clock, "tom")  # a signatory: the edit page refuses him too
    assert client.patch(path, json={"name": "x"}, headers=bearer(tom, If_Match=current)).status_code == 403
    assert client.get(path, headers=bearer(priya)).get_json()["name"] == "Northbridge and Southmoor shared revenues"


def test_partners_are_listed_and_a_new_one_joins(
    client: FlaskClient, db: Database, programmes: Programmes, sample: ProgrammeView, clock: Any
) -> None:
    priya = token_for(db, clock, "priya")
    path = f"/api/v1/programmes/{sample.id}/partners"
    listed = client.get(path, headers=bearer(token_for(db, clock, "tom", "read"))).get_json()["items"]
    assert [p["name"] for p in listed] == [p.name for p in sample.partners]
    assert listed[0]["net_budget"] == f"{sample.partners[0].net_budget:.2f}"
    partner = {"name": "Westvale Council", "kind": "district_council", "population": 60000, "net_budget": "1200000.50"}
    joined = client.post(path, json=partner, headers=bearer(priya, If_Match=_etag(client, priya, sample.id)))
    assert joined.status_code == 200, joined.get_json()
    assert "Westvale Council" in [p["name"] for p in joined.get_json()["partners"]]
    assert [p.name for p in programmes.get(sample.id).partners][-1] == "Westvale Council"
    again = client.post(path, json=partner, headers=bearer(priya, If_Match=joined.headers["ETag"]))
    assert again.status_code == 422 and _fields(again) == {("name",)}
    wrong = client.post(
        path,
        json={**partner, "name": "Other", "population": -1},
        headers=bearer(priya, If_Match=joined.headers["ETag"]),
    )
    assert wrong.status_code == 422 and _fields(wrong) == {("population",)}
    tom = token_for(db, clock, "tom")
    refused = client.post(path, json={**partner, "name": "Tom's"}, headers=bearer(tom, If_Match=joined.headers["ETag"]))
    assert refused.status_code == 403 and refused.content_type == PROBLEM
    read = token_for(db, clock, "priya", "read")
    assert client.post(path, json=partner, headers=bearer(read, If_Match=joined.headers["ETag"])).status_code == 403


def test_roles_are_given_and_taken_away_as_the_people_page_does(
    client: FlaskClient, db: Database, sample: ProgrammeView, clock: Any
) -> None:
    priya = token_for(db, clock, "priya")
    path = f"/api/v1/programmes/{sample.id}/roles"
    roles = client.get(path, headers=bearer(priya)).get_json()["items"]
    assert {(r["person_name"], r["role"]) for r in roles} == {(r.person_name, r.role) for r in sample.roles}
    northbridge = sample.partners[0].id
    new = {"email": "Nadia.New@Northbridge.example", "role": "signatory", "partner_id": northbridge}
    nameless = client.put(path, json=new, headers=bearer(priya, If_Match=_etag(client, priya, sample.id)))
    assert nameless.status_code == 422 and _fields(nameless) == {("name",)}
    given = client.put(
        path, json={**new, "name": "Nadia New"}, headers=bearer(priya, If_Match=_etag(client, priya, sample.id))
    )
    assert given.status_code == 200, given.get_json()
    nadia = next(r for r in given.get_json()["roles"] if r["person_name"] == "Nadia New")
    assert nadia["role"] == "signatory" and nadia["partner_id"] == northbridge
    assert Accounts(db).person(nadia["person_id"]).email == "nadia.new@northbridge.example"
    stale = client.put(path, json={**new, "role": "chair"}, headers=bearer(priya, If_Match=f'"{sample.version}"'))
    assert stale.status_code == 412 and stale.get_json()["type"] == "urn:banns:problem:stale"
    etag = given.headers["ETag"]
    unknown = client.put(path, json={**new, "role": "wizard"}, headers=bearer(priya, If_Match=etag))
    assert unknown.status_code == 422 and _fields(unknown) == {("role",)}
    whole = client.put(path, json={**new, "role": "chair"}, headers=bearer(priya, If_Match=etag))
    assert whole.status_code == 422 and _fields(whole) == {("partner_id",)}  # the chair is not held for a partner

    remove = f"{path}/remove"
    taken = client.post(
        remove,
        json={"person_id": nadia["person_id"], "role": "signatory", "partner_id": northbridge},
        headers=bearer(priya, If_Match=etag),
    )
    assert taken.status_code == 200 and "Nadia New" not in [r["person_name"] for r in taken.get_json()["roles"]]
    manager = next(r for r in sample.roles if r.role == "programme_manager")
    last = client.post(
        remove,
        json={"person_id": manager.person_id, "role": "programme_manager"},
        headers=bearer(priya, If_Match=taken.headers["ETag"]),
    )
    assert last.status_code == 409 and last.content_type == PROBLEM
    assert last.get_json()["type"] == "urn:banns:problem:move-refused"
    assert any("programme manager" in reason["text"] for reason in last.get_json()["reasons"])
    assert client.post(remove, json={"role": "chair"}, headers=bearer(priya, If_Match=etag)).status_code == 422
    etag = _etag(client, priya, sample.id)
    read = token_for(db, clock, "priya", "read")
    assert client.put(path, json=new, headers=bearer(read, If_Match=etag)).status_code == 403
    tom = token_for(db, clock, "tom")
    assert client.put(path, json={**new, "name": "N"}, headers=bearer(tom, If_Match=etag)).status_code == 403


def test_someone_not_on_the_programme_is_refused_as_on_its_pages(
    client: FlaskClient, db: Database, programmes: Programmes, sample: ProgrammeView, clock: Any
) -> None:
    start_programme(programmes, "Westshire and Dale shared legal")
    owen = token_for(db, clock, OUTSIDER)
    etag = f'"{sample.version}"'
    base = f"/api/v1/programmes/{sample.id}"
    for path in (f"{base}/partners", f"{base}/roles"):
        assert client.get(path, headers=bearer(owen)).status_code == 403
    assert client.patch(base, json={"name": "Mine"}, headers=bearer(owen, If_Match=etag)).status_code == 403
    role = {"email": OUTSIDER, "role": "programme_manager"}
    assert client.put(f"{base}/roles", json=role, headers=bearer(owen, If_Match=etag)).status_code == 403
    assert client.get("/api/v1/programmes/999/partners", headers=bearer(owen)).status_code == 404
    # an id no programme can have is 404 for every method, also where another method shares the path
    beyond = "/api/v1/programmes/2147483648"
    for answer in (
        client.post(f"{beyond}/partners", json={}, headers=bearer(owen, If_Match=etag)),
        client.put(f"{beyond}/roles", json=role, headers=bearer(owen, If_Match=etag)),
        client.patch(beyond, json={}, headers=bearer(owen, If_Match=etag)),
    ):
        assert answer.status_code == 404 and answer.content_type == PROBLEM


def test_only_administrators_see_everyone(client: FlaskClient, db: Database, sample: ProgrammeView, clock: Any) -> None:
    Accounts(db).add_person("Ada Admin", "ada.admin@banns.example", clock(), is_admin=True)
    people = client.get("/api/v1/people", headers=bearer(token_for(db, clock, "admin", "read")))
    assert people.status_code == 200
    names = [p["name"] for p in people.get_json()["items"]]
    assert "Priya Shah" in names and names == sorted(names)
    refused = client.get("/api/v1/people", headers=bearer(token_for(db, clock, "priya")))
    assert refused.status_code == 403 and refused.content_type == PROBLEM
