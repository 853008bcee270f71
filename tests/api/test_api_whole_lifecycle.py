"""A programme's whole life through the API alone: an administrator starts it from an import file's spec, the
programme manager records evidence and the money each gate reads, asks for sign-off, and every person the gate
waits on decides on the decision pack's hash in its round with a token of their own; each change carries the
ETag the last answer gave. Eastvale walks away at the pre-nup, owing exactly what the what-if said, and the
programme goes on through transfer, go-live and review to live. Tokens are made in setup; everything else,
the honest conversation's register and each cabinet's decision included, goes through the API.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from api_support import bearer, token_for
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from workflow.accounts.service import Accounts
from workflow.engine.db import Database
from workflow.engine.deputies import uk_today

ROOT = Path(__file__).resolve().parents[2]
GATES: dict[str, Any] = yaml.safe_load((ROOT / "definitions" / "shared-service.yaml").read_text("utf-8"))["gates"]
SPEC: dict[str, Any] = yaml.safe_load((ROOT / "examples" / "northbridge-southmoor.yaml").read_text("utf-8"))
MONEY: dict[str, Any] = yaml.safe_load((ROOT / "examples" / "northbridge-southmoor-money.yaml").read_text("utf-8"))
EASTVALE = "Eastvale Borough Council"


def _json(value: Any) -> Any:
    """The YAML files as a JSON client sends them: dates as ISO text."""
    if isinstance(value, dict):
        return {k: _json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json(v) for v in value]
    return value.isoformat() if isinstance(value, date) else value


class Api:
    """One programme through the API: each person's token, and the ETag of the last answer."""

    def __init__(self, client: FlaskClient, tokens: dict[str, str], pid: int, etag: str) -> None:
        self.client, self.tokens, self.pid, self.etag = client, tokens, pid, etag

    def get(self, path: str, who: str = "priya") -> Any:
        answer = self.client.get(f"/api/v1/programmes/{self.pid}{path}", headers=bearer(self.tokens[who]))
        assert answer.status_code == 200, answer.get_json()
        return answer.get_json()

    def change(self, method: str, path: str, body: Any = None, who: str = "priya", status: int = 200) -> Any:
        answer: TestResponse = self.client.open(
            f"/api/v1/programmes/{self.pid}{path}",
            method=method,
            json=body if body is not None else {},
            headers=bearer(self.tokens[who], If_Match=self.etag),
        )
        assert answer.status_code == status, (path, answer.get_json())
        self.etag = answer.headers["ETag"]
        return answer.get_json()

    def events(self) -> list[dict[str, Any]]:
        page = self.get("/events?limit=200")
        seen = list(page["items"])
        while page["items"]:
            page = self.client.get(page["next"], headers=bearer(self.tokens["priya"])).get_json()
            seen += page["items"]
        return seen


def _pass_gate(api: Api, stage: str, people: dict[int, str]) -> dict[str, Any]:
    """Evidence for every required criterion, a request, and a decision from everyone the gate waits on."""
    for criterion in GATES[stage]["criteria"]:
        if criterion.get("required", True):
            api.change(
                "POST", "/evidence", {"criterion": criterion["id"], "summary": f"{criterion['title']['en']}: done"}
            )
    view = api.change("POST", "/sign-off-requests", {"note": f"Please decide on {stage}"})
    asked = {a["person_id"] for a in view["gate"]["waiting_on"]}
    assert asked, view["gate"]
    for person_id in sorted(asked):
        gate = view["gate"]
        decision = {"decision": "approve", "pack": gate["pack_hash"], "round": gate["round"]}
        view = api.change("POST", "/sign-offs", decision, who=people[person_id])
    assert view["gate"]["report"]["passed"], view["gate"]["report"]
    return view


def _nothing_to_declare(api: Api, signatories: dict[int, str]) -> None:
    """Each partner's signatory records that it has no preconditions or red lines: the register is agreed."""
    for side in api.get("/declarations")["partners"]:
        if side["status"] == "missing":
            api.change(
                "POST", "/declarations/none", {"partner_id": side["partner_id"]}, who=signatories[side["partner_id"]]
            )
    assert api.get("/declarations")["agreed"]


def _cabinets_approve(api: Api, today: date) -> None:
    """The programme manager records each cabinet's approval, at a meeting a month ago (a key decision, on the
    forward plan in time), so that the call-in period is over and each approval counts."""
    meeting = today - timedelta(days=30)
    for asked in api.get("/decisions")["asked"]:
        if asked["status"] != "counts":
            entry = {
                "partner_id": asked["partner_id"],
                "body": asked["body"],
                "meeting_on": meeting.isoformat(),
                "key_decision": True,
                "forward_plan_on": (meeting - timedelta(days=40)).isoformat(),
                "minutes": "Minute 1",
                "outcome": "approved",
            }
            api.change("POST", "/decisions", entry, status=201)
    assert all(a["status"] == "counts" for a in api.get("/decisions")["asked"])


def _advance(api: Api, to: str) -> None:
    assert api.change("POST", "/advance", {"reason": f"on to {to}"})["state"] == to


@pytest.mark.slow  # some hundred requests
def test_a_programme_lives_from_courtship_to_review_through_the_api(
    client: FlaskClient, db: Database, clock: Any
) -> None:
    Accounts(db).add_person("Ada Admin", "ada.admin@banns.example", clock(), is_admin=True)
    admin = token_for(db, clock, "ada.admin@banns.example")
    made = client.post("/api/v1/programmes", json=_json(SPEC), headers=bearer(admin))
    assert made.status_code == 201, made.get_json()
    view = made.get_json()
    emails = {p["email"]: p["name"].split()[0].lower() for p in SPEC["people"]}
    tokens = {name: token_for(db, clock, email) for email, name in emails.items()}
    people = {r["person_id"]: r["person_name"].split()[0].lower() for r in view["roles"]}
    partners = {p["name"]: p["id"] for p in view["partners"]}
    api = Api(client, tokens, view["id"], made.headers["ETag"])

    _pass_gate(api, "courtship", people)
    _advance(api, "honest_conversation")

    signatories = {r["partner_id"]: people[r["person_id"]] for r in view["roles"] if r["role"] == "signatory"}
    _nothing_to_declare(api, signatories)
    _pass_gate(api, "honest_conversation", people)
    _advance(api, "outline_case")

    case = api.change("PUT", "/money/case", _json(MONEY["case"]))
    assert case["investments"][0] == {
        "year": "2026-27",
        "category": "programme_team",
        "amount": "150000.00",
        "recurring": False,
        "note": "programme manager and analyst",
    }
    _cabinets_approve(api, uk_today(clock()))
    _pass_gate(api, "outline_case", people)
    _advance(api, "prenup")

    clock.advance(days=60)  # into March 2027: both of the example's costs have been incurred
    basis = api.change("PUT", "/money/sharing", _json(MONEY["bases"][0]))
    assert basis["items"][0]["shares"][EASTVALE] == "37.7099"
    agreement = api.change("PUT", "/money/agreement", _json(MONEY["agreement"]))
    assert [t["from_stage"] for t in agreement["terms"]] == ["outline_case", "prenup", "full_case"]
    for cost in MONEY["costs_incurred"]:
        spent = {"on": cost["incurred_on"].isoformat(), "category": cost["category"], "amount": cost["amount"]}
        total = api.change("POST", "/money/actuals/costs", spent)
    assert total == {"costs_to_date": "55750.00"}
    assert api.get("/money/results")["payback_year"] is not None

    what_if = api.get(f"/money/what-if?partner_id={partners[EASTVALE]}")
    owed = what_if["liability"]
    assert owed["term_from"] == "prenup" and owed["share_of_costs"] == owed["total"] != "0.00"
    left = api.change("POST", "/withdrawals", {"partner_id": partners[EASTVALE], "reason": "Cabinet voted not to"})
    assert [p["name"] for p in left["partners"] if p["withdrawn_at"] is None] == [
        "Northbridge District Council",
        "Southmoor District Council",
    ]
    withdrew = next(e for e in api.events() if e["kind"] == "partner_withdrew")
    assert withdrew["data"]["liability"] == owed["total"]
    assert withdrew["data"]["liability_breakdown"]["share_of_costs"] == owed["share_of_costs"]
    _pass_gate(api, "prenup", people)
    _advance(api, "full_case")

    _cabinets_approve(api, uk_today(clock()))
    for stage, following in [
        ("full_case", "transfer"),
        ("transfer", "go_live"),
        ("go_live", "review"),
        ("review", "live"),
    ]:
        _pass_gate(api, stage, people)
        _advance(api, following)

    final = api.get("")
    assert final["state"] == "live" and final["ended"] and final["gate"] is None
    moves = [(e["from_state"], e["to_state"]) for e in api.events() if e["kind"] == "advanced"]
    assert [to for _, to in moves] == [
        "honest_conversation",
        "outline_case",
        "prenup",
        "full_case",
        "transfer",
        "go_live",
        "review",
        "live",
    ]
    assert api.get("/money/highlight?period=2026-27 Q4")["costs_incurred_to_date"] == "55750.00"
