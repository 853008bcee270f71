"""Evidence through the API beyond recording it: listed, withdrawn (and a withdrawal refused when there is
nothing to withdraw), documents uploaded as the raw file and checked by content, evidence on one, the same
bytes downloaded again, and the decisions given with the decision pack they were given on."""

from __future__ import annotations

import hashlib
from typing import Any

from api_support import PROBLEM, bearer, token_for
from flask.testing import FlaskClient
from web_support import COURTSHIP, start_programme

from workflow.engine.db import Database
from workflow.engine.documents import MAX_BYTES
from workflow.engine.programmes import Programmes
from workflow.engine.views import ProgrammeView

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def _etag(client: FlaskClient, token: str, pid: int) -> str:
    return client.get(f"/api/v1/programmes/{pid}", headers=bearer(token)).headers["ETag"]


def test_evidence_is_listed_and_withdrawn(
    client: FlaskClient, db: Database, programmes: Programmes, sample: ProgrammeView, clock: Any
) -> None:
    priya = token_for(db, clock, "priya")
    path = f"/api/v1/programmes/{sample.id}/evidence"
    assert client.get(path, headers=bearer(priya)).get_json() == {"stage": "courtship", "items": []}
    programmes.record_evidence(sample.id, "partners_named", "Three councils named", "https://example.org/minutes")
    listed = client.get(path, headers=bearer(token_for(db, clock, "tom", "read"))).get_json()["items"]
    assert [(e["criterion"], e["summary"], e["link"]) for e in listed] == [
        ("partners_named", "Three councils named", "https://example.org/minutes")
    ]
    withdraw = f"{path}/withdraw"
    body = {"criterion": "partners_named", "reason": "Eastvale may not join after all"}
    read = token_for(db, clock, "priya", "read")
    assert (
        client.post(withdraw, json=body, headers=bearer(read, If_Match=_etag(client, priya, sample.id))).status_code
        == 403
    )
    tom = token_for(db, clock, "tom")
    assert (
        client.post(withdraw, json=body, headers=bearer(tom, If_Match=_etag(client, priya, sample.id))).status_code
        == 403
    )
    assert client.post(withdraw, json=body, headers=bearer(priya)).status_code == 428
    done = client.post(withdraw, json=body, headers=bearer(priya, If_Match=_etag(client, priya, sample.id)))
    assert done.status_code == 200 and done.get_json()["gate"]["evidence"] == []
    assert client.get(path, headers=bearer(priya)).get_json()["items"] == []
    again = client.post(withdraw, json=body, headers=bearer(priya, If_Match=done.headers["ETag"]))
    assert again.status_code == 409 and again.content_type == PROBLEM
    assert any("partners_named" in str(reason["values"]) for reason in again.get_json()["reasons"])
    stale = client.post(withdraw, json=body, headers=bearer(priya, If_Match=f'"{sample.version}"'))
    assert stale.status_code == 412
    unknown = client.post(
        withdraw, json={**body, "criterion": "no_such"}, headers=bearer(priya, If_Match=done.headers["ETag"])
    )
    assert unknown.status_code == 422 and unknown.get_json()["errors"][0]["loc"] == ["criterion"]
    missing = client.post(withdraw, json={"criterion": "partners_named"}, headers=bearer(priya, If_Match='"1"'))
    assert missing.status_code == 422 and missing.get_json()["errors"][0]["loc"] == ["reason"]


def test_a_document_goes_up_becomes_evidence_and_comes_back_the_same(
    client: FlaskClient, db: Database, programmes: Programmes, sample: ProgrammeView, clock: Any
) -> None:
    priya = token_for(db, clock, "priya")
    base = f"/api/v1/programmes/{sample.id}"
    stored = client.post(f"{base}/documents", data=PDF, headers=bearer(priya, Content_Type="application/pdf"))
    assert stored.status_code == 201, stored.get_json()
    sha256 = hashlib.sha256(PDF).hexdigest()
    assert stored.get_json() == {
        "sha256": sha256,
        "name": "document.pdf",
        "media_type": "application/pdf",
        "size": len(PDF),
    }
    assert client.get(f"{base}/documents/{sha256}", headers=bearer(priya)).status_code == 404  # no evidence yet
    evidence = {"criterion": "vision_drafted", "summary": "The draft vision", "name": "Vision v2.pdf"}
    recorded = client.post(
        f"{base}/documents/{sha256}/evidence",
        json=evidence,
        headers=bearer(priya, If_Match=_etag(client, priya, sample.id)),
    )
    assert recorded.status_code == 200, recorded.get_json()
    listed = client.get(f"{base}/evidence", headers=bearer(priya)).get_json()["items"]
    assert [(e["document_sha256"], e["document_name"], e["document_type"]) for e in listed] == [
        (sha256, "Vision v2.pdf", "application/pdf")
    ]
    tom = token_for(db, clock, "tom", "read")  # anyone on the programme downloads it
    download = client.get(f"{base}/documents/{sha256}", headers=bearer(tom))
    assert download.status_code == 200 and download.data == PDF
    assert download.content_type == "application/pdf" and "Vision v2.pdf" in download.headers["Content-Disposition"]
    events = client.get(f"{base}/events", headers=bearer(priya)).get_json()["items"]
    assert events[-1]["kind"] == "evidence_recorded" and events[-1]["data"]["document"] == sha256

    start_programme(programmes, "Westshire and Dale shared legal")
    owen = token_for(db, clock, "owen.other@westshire.example")
    assert client.get(f"{base}/documents/{sha256}", headers=bearer(owen)).status_code == 404  # as on the pages
    unknown = client.post(
        f"{base}/documents/{'0' * 64}/evidence", json=evidence, headers=bearer(priya, If_Match=recorded.headers["ETag"])
    )
    assert unknown.status_code == 404 and unknown.content_type == PROBLEM


def test_a_document_of_the_wrong_kind_is_refused(
    client: FlaskClient, db: Database, programmes: Programmes, sample: ProgrammeView, clock: Any
) -> None:
    priya = token_for(db, clock, "priya")
    path = f"/api/v1/programmes/{sample.id}/documents"
    renamed = client.post(path, data=b"MZ\x90\x00" + bytes(200), headers=bearer(priya, Content_Type="application/pdf"))
    assert renamed.status_code == 422 and renamed.content_type == PROBLEM
    assert renamed.get_json()["errors"][0]["loc"] == ["document"]
    empty = client.post(path, data=b"", headers=bearer(priya, Content_Type="application/pdf"))
    assert empty.status_code == 422
    as_json = client.post(path, json={"file": "x"}, headers=bearer(priya))
    assert as_json.status_code == 415 and as_json.content_type == PROBLEM
    large = client.post(path, data=b"%PDF" + bytes(MAX_BYTES), headers=bearer(priya, Content_Type="application/pdf"))
    assert large.status_code == 413 and large.content_type == PROBLEM
    tom = token_for(db, clock, "tom")  # only those who record evidence upload
    assert client.post(path, data=PDF, headers=bearer(tom, Content_Type="application/pdf")).status_code == 403
    read = token_for(db, clock, "priya", "read")
    assert client.post(path, data=PDF, headers=bearer(read, Content_Type="application/pdf")).status_code == 403


def test_decisions_given_are_listed_with_the_pack_they_were_given_on(
    client: FlaskClient, db: Database, programmes: Programmes, sample: ProgrammeView, clock: Any
) -> None:
    pid = sample.id
    for criterion in COURTSHIP:
        programmes.record_evidence(pid, criterion, f"{criterion} done")
    programmes.request_sign_off(pid)
    tom = token_for(db, clock, "tom")
    path = f"/api/v1/programmes/{pid}/sign-offs"
    before = client.get(path, headers=bearer(tom)).get_json()
    assert before["request_open"] and before["items"] == [] and before["pack_hash"]
    view = client.get(f"/api/v1/programmes/{pid}", headers=bearer(tom)).get_json()
    decided = client.post(
        path,
        json={"decision": "approve", "comment": "Agreed", "pack": before["pack_hash"], "round": before["round"]},
        headers=bearer(tom, If_Match=f'"{view["version"]}"'),
    )
    assert decided.status_code == 200, decided.get_json()
    after = client.get(path, headers=bearer(token_for(db, clock, "priya", "read"))).get_json()
    [given] = after["items"]
    assert (given["person_name"], given["decision"], given["comment"]) == ("Tom Hardy", "approve", "Agreed")
    assert given["pack_hash"] == before["pack_hash"] and given["round"] == before["round"]
    pack = client.get(f"/api/v1/programmes/{pid}/packs/{given['pack_hash']}", headers=bearer(tom))
    assert pack.status_code == 200
    frozen = pack.get_json()
    assert frozen["hash"] == given["pack_hash"] and frozen["stage"] == "courtship" and frozen["content"]
    assert client.get(f"/api/v1/programmes/{pid}/packs/{'0' * 64}", headers=bearer(tom)).status_code == 404
    start_programme(programmes, "Westshire and Dale shared legal")
    owen = token_for(db, clock, "owen.other@westshire.example")
    assert client.get(f"/api/v1/programmes/{pid}/packs/{given['pack_hash']}", headers=bearer(owen)).status_code == 403
    assert client.get(path, headers=bearer(owen)).status_code == 403


def test_a_large_document_goes_up_with_an_idempotency_key_once(
    client: FlaskClient, db: Database, sample: ProgrammeView, clock: Any
) -> None:
    """Larger than the site's limit on other requests, and read by the retry check before the view."""
    priya = token_for(db, clock, "priya")
    big = PDF + bytes(3 * 1024 * 1024)
    headers = bearer(priya, Content_Type="application/pdf", Idempotency_Key="upload-1")
    first = client.post(f"/api/v1/programmes/{sample.id}/documents", data=big, headers=headers)
    assert first.status_code == 201, first.get_json()
    assert first.get_json()["sha256"] == hashlib.sha256(big).hexdigest()
    again = client.post(f"/api/v1/programmes/{sample.id}/documents", data=big, headers=headers)
    assert again.status_code == 201 and again.headers.get("Idempotent-Replayed") == "true"
    assert again.get_json() == first.get_json()
