"""The other moves through the API: a partner's withdrawal, a return to an earlier stage, the end; and a
move the lifecycle does not allow refused with the engine's reason."""

from __future__ import annotations

from typing import Any

from api_support import PROBLEM, bearer, token_for
from flask.testing import FlaskClient

from workflow.engine.db import Database
from workflow.engine.programmes import Programmes
from workflow.engine.views import ProgrammeView


def _post(client: FlaskClient, token: str, pid: int, move: str, body: dict[str, Any]) -> Any:
    etag = client.get(f"/api/v1/programmes/{pid}", headers=bearer(token)).headers["ETag"]
    return client.post(f"/api/v1/programmes/{pid}/{move}", json=body, headers=bearer(token, If_Match=etag))


def test_a_partner_withdraws_and_the_programme_goes_on(
    client: FlaskClient, db: Database, programmes: Programmes, sample: ProgrammeView, clock: Any
) -> None:
    priya = token_for(db, clock, "priya")
    eastvale = next(p for p in sample.partners if p.name.startswith("Eastvale"))
    done = _post(client, priya, sample.id, "withdrawals", {"partner_id": eastvale.id, "reason": "Budget pressures"})
    assert done.status_code == 200
    partners = {p["name"]: p["withdrawn_at"] for p in done.get_json()["partners"]}
    assert partners[eastvale.name] is not None and sum(v is None for v in partners.values()) == 2
    assert not done.get_json()["ended"]
    again = _post(client, priya, sample.id, "withdrawals", {"partner_id": eastvale.id, "reason": "Twice"})
    assert again.status_code == 409 and again.content_type == PROBLEM
    assert again.get_json()["reasons"] == [f"{eastvale.name} withdrew already"]
    blank = _post(client, priya, sample.id, "withdrawals", {"partner_id": eastvale.id, "reason": ""})
    assert blank.status_code == 422


def test_a_programme_returns_to_an_earlier_stage_then_ends(
    client: FlaskClient, db: Database, honest: ProgrammeView, clock: Any
) -> None:
    priya = token_for(db, clock, "priya")
    assert "courtship" in honest.return_targets
    back = _post(client, priya, honest.id, "return", {"stage": "courtship", "reason": "Vision needs rework"})
    assert back.status_code == 200 and back.get_json()["state"] == "courtship"
    waive = _post(client, priya, honest.id, "waive", {})
    assert waive.status_code == 409 and waive.get_json()["move"] == "waive"
    assert "not an optional stage" in waive.get_json()["reasons"][0]
    ended = _post(client, priya, honest.id, "end", {"move": "abandon", "reason": "No shared vision"})
    assert ended.status_code == 200 and ended.get_json()["ended"] and ended.get_json()["state"] == "abandoned"
    tom = token_for(db, clock, "tom")
    assert _post(client, tom, honest.id, "end", {"move": "abandon", "reason": "x"}).status_code == 403


def test_a_manager_publishes_the_programme_as_open_data_and_a_signatory_may_not(
    client: FlaskClient, db: Database, sample: ProgrammeView, clock: Any
) -> None:
    assert sample.name not in client.get("/open-data/programmes.csv").get_data(as_text=True)
    tom = token_for(db, clock, "tom")
    assert _post(client, tom, sample.id, "publication", {"public": True}).status_code == 403
    priya = token_for(db, clock, "priya")
    published = _post(client, priya, sample.id, "publication", {"public": True})
    assert published.status_code == 200 and published.get_json()["published_at"] is not None
    assert sample.name in client.get("/open-data/programmes.csv").get_data(as_text=True)
    withdrawn = _post(client, priya, sample.id, "publication", {"public": False})
    assert withdrawn.status_code == 200 and withdrawn.get_json()["published_at"] is None
    assert sample.name not in client.get("/open-data/programmes.csv").get_data(as_text=True)
    kinds = [
        e["kind"]
        for e in client.get(f"/api/v1/programmes/{sample.id}/events", headers=bearer(priya)).get_json()["items"]
    ]
    assert kinds[-2:] == ["published", "unpublished"]
