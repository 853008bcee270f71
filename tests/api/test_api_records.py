"""The partnership's records through the API, by the same use cases as their pages: a declaration for a
partner one speaks for, the scope, a partner's democratic decision, a RAID entry, staff transfers and
deputies; someone not on the programme gets 404 for the register and the scope (as those pages answer), 403
for the rest; mistakes are named by field."""

from __future__ import annotations

import sys
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from api_support import PROBLEM, bearer, token_for
from flask.testing import FlaskClient
from web_support import start_programme

from workflow.engine.db import Database
from workflow.engine.permissions import SYSTEM
from workflow.engine.programmes import Programmes
from workflow.engine.transfers import StaffTransferSpec
from workflow.engine.views import ProgrammeView
from workflow.records.decision_views import uk_date

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "records"))

from decision_walks import walk_to_outline_case  # a helper of the records' tests

OUTSIDER = "owen.other@westshire.example"


def _etag(client: FlaskClient, token: str, pid: int) -> str:
    return client.get(f"/api/v1/programmes/{pid}", headers=bearer(token)).headers["ETag"]


def _loc(answer: Any) -> list[Any]:
    return [e["loc"] for e in answer.get_json()["errors"]]


def test_a_partner_declares_a_red_line_and_the_register_shows_it(
    client: FlaskClient, db: Database, programmes: Programmes, sample: ProgrammeView, clock: Any
) -> None:
    tom = token_for(db, clock, "tom")  # Northbridge's signatory speaks for Northbridge only
    northbridge, southmoor = sample.partners[0], sample.partners[1]
    path = f"/api/v1/programmes/{sample.id}/declarations"
    item = {"partner_id": northbridge.id, "kind": "red_line", "title": "No compulsory redundancies", "reason": "Pledge"}
    etag = _etag(client, tom, sample.id)
    made = client.post(path, json=item, headers=bearer(tom, If_Match=etag))
    assert made.status_code == 201, made.get_json()
    declared = made.get_json()
    assert (declared["partner_name"], declared["kind"], declared["title"]) == (
        northbridge.name,
        "red_line",
        "No compulsory redundancies",
    )
    assert {a["status"] for a in declared["answers"]} == {"awaiting"}
    assert made.headers["ETag"] != etag and made.headers["ETag"] == _etag(client, tom, sample.id)
    register = client.get(path, headers=bearer(token_for(db, clock, "aisha", "read"))).get_json()
    assert register["agreed"] is False
    side = next(p for p in register["partners"] if p["partner_id"] == northbridge.id)
    assert side["status"] == "declared" and [d["id"] for d in side["declarations"]] == [declared["id"]]

    current = made.headers["ETag"]
    for_other = client.post(path, json={**item, "partner_id": southmoor.id}, headers=bearer(tom, If_Match=current))
    assert for_other.status_code == 403 and for_other.content_type == PROBLEM
    wrong = client.post(path, json={**item, "kind": "wish"}, headers=bearer(tom, If_Match=current))
    assert wrong.status_code == 422 and _loc(wrong) == [["kind"]]
    nobody = client.post(path, json={**item, "partner_id": 999}, headers=bearer(tom, If_Match=current))
    assert nobody.status_code == 422 and _loc(nobody) == [["partner_id"]]
    assert client.post(path, json=item, headers=bearer(tom, If_Match=etag)).status_code == 412
    assert client.post(path, json=item, headers=bearer(tom)).status_code == 428
    read = token_for(db, clock, "tom", "read")
    assert client.post(path, json=item, headers=bearer(read, If_Match=current)).status_code == 403

    answers = f"{path}/{declared['id']}/answers"
    aisha = token_for(db, clock, "aisha")  # Southmoor's signatory answers for Southmoor
    objection = {"partner_id": southmoor.id, "answer": "objected"}
    silent = client.post(answers, json=objection, headers=bearer(aisha, If_Match=current))
    assert silent.status_code == 422 and _loc(silent) == [["comment"]]  # an objection says why
    own = client.post(
        answers, json={"partner_id": northbridge.id, "answer": "accepted"}, headers=bearer(tom, If_Match=current)
    )
    assert own.status_code == 422 and _loc(own) == [["partner_id"]]
    accepted = client.post(
        answers, json={"partner_id": southmoor.id, "answer": "accepted"}, headers=bearer(aisha, If_Match=current)
    )
    assert accepted.status_code == 200, accepted.get_json()
    statuses = {a["partner_id"]: a["status"] for a in accepted.get_json()["answers"]}
    assert statuses[southmoor.id] == "accepted"
    missing = client.post(f"{path}/999/answers", json=objection, headers=bearer(aisha, If_Match=current))
    assert missing.status_code == 404
    gareth = token_for(db, clock, "gareth")
    eastvale = sample.partners[2].id
    none = client.post(
        f"{path}/none", json={"partner_id": eastvale}, headers=bearer(gareth, If_Match=accepted.headers["ETag"])
    )
    assert none.status_code == 200
    assert next(p for p in none.get_json()["partners"] if p["partner_id"] == eastvale)["status"] == "none"

    start_programme(programmes, "Westshire and Dale shared legal")
    owen = token_for(db, clock, OUTSIDER)
    assert client.get(path, headers=bearer(owen)).status_code == 404
    assert client.post(path, json=item, headers=bearer(owen, If_Match=current)).status_code == 404
    assert client.get(f"/api/v1/programmes/{sample.id}/scope", headers=bearer(owen)).status_code == 404
    scope = client.get(f"/api/v1/programmes/{sample.id}/scope", headers=bearer(tom)).get_json()
    assert scope["programme_id"] == sample.id and isinstance(scope["services"], list)


def test_a_partner_decision_is_recorded_where_the_gate_asks_for_one(
    client: FlaskClient,
    db: Database,
    programmes: Programmes,
    sample: ProgrammeView,
    people: dict[str, int],
    clock: Any,
) -> None:
    priya = token_for(db, clock, "priya")
    path = f"/api/v1/programmes/{sample.id}/decisions"
    meeting = uk_date(clock()) - timedelta(days=30)
    entry = {
        "partner_id": sample.partners[0].id,
        "body": "cabinet",
        "meeting_on": meeting.isoformat(),
        "key_decision": True,
        "forward_plan_on": (meeting - timedelta(days=40)).isoformat(),
        "minutes": "Minute 12/27",
        "outcome": "approved",
    }
    assert client.get(path, headers=bearer(priya)).get_json()["asked"] == []  # courtship asks for none
    unasked = client.post(path, json=entry, headers=bearer(priya, If_Match=_etag(client, priya, sample.id)))
    assert unasked.status_code == 422 and _loc(unasked) == [["body"]]

    walk_to_outline_case(programmes, sample.id, people)
    board = client.get(path, headers=bearer(priya)).get_json()
    assert board["stage"] == "outline_case" and {a["body"] for a in board["asked"]} == {"cabinet"}
    recorded = client.post(path, json=entry, headers=bearer(priya, If_Match=_etag(client, priya, sample.id)))
    assert recorded.status_code == 201, recorded.get_json()
    decision = recorded.get_json()
    assert (decision["outcome"], decision["meeting_on"], decision["key_decision"]) == (
        "approved",
        entry["meeting_on"],
        True,
    )
    asked = next(a for a in client.get(path, headers=bearer(priya)).get_json()["asked"] if a["decision"])
    assert asked["partner_id"] == sample.partners[0].id and asked["decision"]["id"] == decision["id"]
    aisha = token_for(db, clock, "aisha")  # Southmoor's signatory records for Southmoor only
    theirs = client.post(path, json=entry, headers=bearer(aisha, If_Match=recorded.headers["ETag"]))
    assert theirs.status_code == 403
    early = client.post(
        path,
        json={**entry, "meeting_on": (uk_date(clock()) + timedelta(days=3)).isoformat()},
        headers=bearer(priya, If_Match=recorded.headers["ETag"]),
    )
    assert early.status_code == 422 and early.get_json()["errors"]


def test_a_raid_entry_is_added_by_a_manager_and_listed(
    client: FlaskClient, db: Database, programmes: Programmes, sample: ProgrammeView, people: dict[str, int], clock: Any
) -> None:
    priya = token_for(db, clock, "priya")
    path = f"/api/v1/programmes/{sample.id}/raid"
    risk = {
        "kind": "risk",
        "title": "Payroll cut-over slips",
        "owner_id": people["tom"],
        "likelihood": 4,
        "impact": 5,
        "review_on": "2027-02-01",
    }
    added = client.post(path, json=risk, headers=bearer(priya, If_Match=_etag(client, priya, sample.id)))
    assert added.status_code == 201, added.get_json()
    entry = added.get_json()
    assert (entry["rating"], entry["owner_name"], entry["closed_at"]) == (20, "Tom Hardy", None)
    listed = client.get(path, headers=bearer(token_for(db, clock, "tom", "read"))).get_json()["items"]
    assert [e["id"] for e in listed] == [entry["id"]]
    assert client.get(f"{path}?status=closed", headers=bearer(priya)).get_json()["items"] == []
    bad = client.get(f"{path}?status=shut", headers=bearer(priya))
    assert bad.status_code == 400 and bad.content_type == PROBLEM
    etag = added.headers["ETag"]
    tom = token_for(db, clock, "tom")  # only managers and the chair add entries
    assert client.post(path, json=risk, headers=bearer(tom, If_Match=etag)).status_code == 403
    stranger = client.post(path, json={**risk, "owner_id": 999}, headers=bearer(priya, If_Match=etag))
    assert stranger.status_code == 422 and _loc(stranger) == [["owner_id"]]
    unlikely = client.post(path, json={**risk, "likelihood": 9}, headers=bearer(priya, If_Match=etag))
    assert unlikely.status_code == 422 and _loc(unlikely) == [["likelihood"]]
    start_programme(programmes, "Westshire and Dale shared legal")
    assert client.get(path, headers=bearer(token_for(db, clock, OUTSIDER))).status_code == 403


def test_staff_transfers_and_deputies_are_listed(
    client: FlaskClient, db: Database, programmes: Programmes, sample: ProgrammeView, people: dict[str, int], clock: Any
) -> None:
    base = f"/api/v1/programmes/{sample.id}"
    tom = token_for(db, clock, "tom", "read")
    assert client.get(f"{base}/transfers", headers=bearer(tom)).get_json() == {"items": []}
    assert client.get(f"{base}/deputies", headers=bearer(tom)).get_json() == {"items": []}
    northbridge = sample.partners[0].id
    programmes.record_staff_transfer(sample.id, StaffTransferSpec(northbridge, 12, date(2027, 10, 1), ("payroll",)))
    today = uk_date(clock())
    programmes.name_deputy(
        sample.id, people["tom"], people["helen"], today, today + timedelta(days=14), "leave", "", SYSTEM
    )
    [transfer] = client.get(f"{base}/transfers", headers=bearer(tom)).get_json()["items"]
    assert (transfer["partner_id"], transfer["headcount"], transfer["roles"]) == (northbridge, 12, ["payroll"])
    assert transfer["duties"][0]["code"] == "employee_liability_information"
    [deputy] = client.get(f"{base}/deputies", headers=bearer(tom)).get_json()["items"]
    assert (deputy["signatory_name"], deputy["deputy_name"], deputy["reason_kind"]) == (
        "Tom Hardy",
        "Helen Marsh",
        "leave",
    )
    start_programme(programmes, "Westshire and Dale shared legal")
    owen = token_for(db, clock, OUTSIDER)
    assert client.get(f"{base}/transfers", headers=bearer(owen)).status_code == 403
    assert client.get(f"{base}/deputies", headers=bearer(owen)).status_code == 403
