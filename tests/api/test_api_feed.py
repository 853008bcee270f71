"""``/api/v1/events``: one feed of the events of every programme the token's person may see, by a global
cursor: a signatory of one programme never sees another's events, and following ``next`` returns every event
once, in order, then waits at the end for newer ones."""

from __future__ import annotations

from typing import Any

from api_support import bearer, token_for
from flask.testing import FlaskClient
from web_support import start_programme

from workflow.accounts.service import Accounts
from workflow.engine.db import Database
from workflow.engine.programmes import Programmes
from workflow.engine.views import ProgrammeView

OWEN = ("Owen Other", "owen.other@westshire.example")


def follow(client: FlaskClient, token: str, address: str) -> tuple[list[dict[str, Any]], str]:
    """Every event from ``address`` on, page by page, and the address to poll for newer ones."""
    seen: list[dict[str, Any]] = []
    while True:
        page = client.get(address, headers=bearer(token))
        assert page.status_code == 200, page.get_json()
        body = page.get_json()
        address = body["next"]
        if not body["items"]:
            return seen, address
        seen += body["items"]


def test_a_signatory_sees_only_their_programmes_events(
    client: FlaskClient, db: Database, programmes: Programmes, sample: ProgrammeView, clock: Any
) -> None:
    other = start_programme(programmes, "Westshire and Dale shared legal", OWEN)
    programmes.record_evidence(other.id, "partners_named", "Two councils named")
    programmes.record_evidence(sample.id, "partners_named", "Three councils named")
    toms, _ = follow(client, token_for(db, clock, "tom", "read"), "/api/v1/events")
    assert toms and {e["programme_id"] for e in toms} == {sample.id}
    assert [e["kind"] for e in toms] == [e.kind for e in programmes.history(sample.id)]
    owens, _ = follow(client, token_for(db, clock, OWEN[1], "read"), "/api/v1/events")
    assert {e["programme_id"] for e in owens} == {other.id}
    assert [e["seq"] for e in owens] == [e.seq for e in programmes.history(other.id)]


def test_paging_by_the_cursor_returns_every_event_once_then_waits_for_newer(
    client: FlaskClient, db: Database, programmes: Programmes, accounts: Accounts, sample: ProgrammeView, clock: Any
) -> None:
    other = start_programme(programmes, "Westshire and Dale shared legal", OWEN)
    for criterion in ("partners_named", "appetite_confirmed", "vision_drafted"):
        programmes.record_evidence(sample.id, criterion, f"{criterion} done")
        programmes.record_evidence(other.id, criterion, f"{criterion} done")
    accounts.add_person("Ada Admin", "ada.admin@banns.example", clock(), is_admin=True)  # a site event: not fed
    ada = token_for(db, clock, "ada.admin@banns.example", "read")
    everything, _ = follow(client, ada, "/api/v1/events?limit=200")
    expected = {(p, e.seq) for p in (sample.id, other.id) for e in programmes.history(p)}
    assert {(e["programme_id"], e["seq"]) for e in everything} == expected and len(everything) == len(expected)

    paged, poll = follow(client, ada, "/api/v1/events?limit=3")
    assert [e["id"] for e in paged] == sorted({e["id"] for e in paged}) == [e["id"] for e in everything]
    assert client.get(poll, headers=bearer(ada)).get_json()["items"] == []
    programmes.record_evidence(other.id, "sro_named", "Named")
    newer, _ = follow(client, ada, poll)
    assert [(e["programme_id"], e["kind"]) for e in newer] == [(other.id, "evidence_recorded")]


def test_a_bad_cursor_is_refused(client: FlaskClient, db: Database, sample: ProgrammeView, clock: Any) -> None:
    token = token_for(db, clock, "tom", "read")
    for query in ("after=-1", "limit=0", "limit=201", "after=x", "since=3"):
        assert client.get(f"/api/v1/events?{query}", headers=bearer(token)).status_code == 400, query
