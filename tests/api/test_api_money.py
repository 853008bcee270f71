"""A programme's money through the API, as the money pages allow it: the programme manager sets the business
case, the basis, the pre-nup and actuals with If-Match; amounts are text pounds and pence, exact both ways; a
read token, an outsider and a wrong value are refused as problems naming why; each change is an event with its
actor and moves the programme's ETag on."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from api_support import PROBLEM, bearer, token_for
from flask.testing import FlaskClient
from web_support import start_programme

from workflow.engine.db import Database
from workflow.engine.programmes import Programmes
from workflow.engine.views import ProgrammeView

CASE = {
    "investments": [
        {"year": "2027-28", "category": "it", "amount": "1234.57", "note": "licences"},
        {"year": "2028-29", "category": "programme_team", "amount": "0.01", "recurring": True},
    ],
    "savings": [
        {"year": "2027-28", "service": "revenues", "amount": "1000.00"},
        {"year": "2028-29", "service": "revenues", "amount": "99999999999.99"},
    ],
    "baselines": [{"partner": "Northbridge District Council", "service": "revenues", "amount": "2450000"}],
}


def _etag(client: FlaskClient, token: str, pid: int) -> str:
    return client.get(f"/api/v1/programmes/{pid}", headers=bearer(token)).headers["ETag"]


def _put(client: FlaskClient, token: str, pid: int, what: str, body: Any) -> Any:
    return client.put(
        f"/api/v1/programmes/{pid}/money/{what}", json=body, headers=bearer(token, If_Match=_etag(client, token, pid))
    )


def test_the_business_case_round_trips_to_the_penny_and_is_logged(
    client: FlaskClient, db: Database, sample: ProgrammeView, clock: Any
) -> None:
    priya = token_for(db, clock, "priya")
    before = _etag(client, priya, sample.id)
    put = _put(client, priya, sample.id, "case", CASE)
    assert put.status_code == 200, put.get_json()
    assert put.headers["ETag"] != before and put.headers["ETag"] == _etag(client, priya, sample.id)
    got = client.get(f"/api/v1/programmes/{sample.id}/money/case", headers=bearer(priya))
    assert got.get_json() == put.get_json()
    case = got.get_json()
    assert [i["amount"] for i in case["investments"]] == ["1234.57", "0.01"]
    assert [s["amount"] for s in case["savings"]] == ["1000.00", "99999999999.99"]
    assert case["baselines"][0]["amount"] == "2450000.00" and case["investments"][0]["year"] == "2027-28"
    events = client.get(f"/api/v1/programmes/{sample.id}/events", headers=bearer(priya)).get_json()["items"]
    assert (events[-1]["kind"], events[-1]["actor"]) == ("figures_changed", "Priya Shah")


def test_refusals_name_the_field_and_follow_the_uis_rules(
    client: FlaskClient, db: Database, programmes: Programmes, sample: ProgrammeView, clock: Any
) -> None:
    priya = token_for(db, clock, "priya")
    path = f"/api/v1/programmes/{sample.id}/money/case"
    etag = _etag(client, priya, sample.id)
    for amount, why in [("-5.00", "£0 to £100bn"), ("lots", "£0 to £100bn"), (12.5, "as text"), ("1.234", "")]:
        bad = {"savings": [{"year": "2027-28", "service": "revenues", "amount": amount}]}
        answer = client.put(path, json=bad, headers=bearer(priya, If_Match=etag))
        assert answer.status_code == 422 and answer.content_type == PROBLEM, amount
        error = answer.get_json()["errors"][0]
        assert error["loc"] == ["savings", 0, "amount"] and why in error["msg"]
    wrong_year = {"savings": [{"year": "2027-29", "service": "revenues", "amount": "1.00"}]}
    assert client.put(path, json=wrong_year, headers=bearer(priya, If_Match=etag)).get_json()["errors"][0]["loc"] == [
        "savings",
        0,
        "year",
    ]
    stranger = {"baselines": [{"partner": "Westshire", "service": "revenues", "amount": "1.00"}]}
    refused = client.put(path, json=stranger, headers=bearer(priya, If_Match=etag))
    assert refused.status_code == 422 and "Westshire" in refused.get_json()["detail"]
    assert _etag(client, priya, sample.id) == etag  # nothing was saved
    assert client.put(path, json=CASE, headers=bearer(priya)).status_code == 428
    assert client.put(path, json=CASE, headers=bearer(priya, If_Match='"1"')).status_code == 412

    reader = token_for(db, clock, "priya", "read")
    assert client.get(path, headers=bearer(reader)).status_code == 200
    scoped = client.put(path, json=CASE, headers=bearer(reader, If_Match=etag))
    assert scoped.status_code == 403 and scoped.get_json()["type"] == "urn:banns:problem:scope"
    tom = token_for(db, clock, "tom")  # a signatory: may read the money, not change it (as on the pages)
    assert client.get(path, headers=bearer(tom)).status_code == 200
    assert client.put(path, json=CASE, headers=bearer(tom, If_Match=etag)).status_code == 403
    other = start_programme(programmes, "Westshire and Dale shared legal")
    assert client.get(f"/api/v1/programmes/{other.id}/money/case", headers=bearer(tom)).status_code == 403
    assert client.get("/api/v1/programmes/999/money/case", headers=bearer(tom)).status_code == 404


def test_basis_agreement_costs_and_what_if_agree_to_the_penny(
    client: FlaskClient, db: Database, sample: ProgrammeView, clock: Any
) -> None:
    priya = token_for(db, clock, "priya")
    pid = sample.id
    money = f"/api/v1/programmes/{pid}/money"
    assert _put(client, priya, pid, "case", CASE).status_code == 200
    no_basis = client.get(f"{money}/results", headers=bearer(priya))
    assert no_basis.status_code == 422 and no_basis.get_json()["errors"][0]["loc"] == ["basis"]
    fixed = {"kind": "fixed", "values": {"Northbridge District Council": "50"}}
    short = _put(client, priya, pid, "sharing", fixed)
    assert short.status_code == 422 and short.get_json()["errors"][0]["loc"] == ["basis"]
    split = _put(client, priya, pid, "sharing", {"kind": "equal"})
    assert split.status_code == 200
    assert split.get_json()["items"][0]["shares"]["Northbridge District Council"] == "33.3334"
    results = client.get(f"{money}/results", headers=bearer(priya)).get_json()
    assert results["total_investment"] == "1234.58" and results["years"][0]["year"] == "2027-28"

    terms = {
        "notice_months": 12,
        "minimum_term_months": 60,
        "exit_costs": {"redundancy": "420000.00"},
        "terms": [{"from_stage": "courtship", "fixed_sum": "25000.01", "share_of_costs": True}],
    }
    unpriced = {**terms, "terms": [{"from_stage": "courtship", "exit_costs": ["pension_strain"]}]}
    assert _put(client, priya, pid, "agreement", unpriced).status_code == 422
    unknown = _put(client, priya, pid, "agreement", {**terms, "terms": [{"from_stage": "honeymoon"}]})
    assert unknown.status_code == 422 and unknown.get_json()["errors"][0]["loc"] == ["terms"]
    agreed = _put(client, priya, pid, "agreement", terms)
    assert agreed.status_code == 200 and agreed.get_json()["recorded"]
    assert agreed.get_json()["terms"][0]["fixed_sum"] == "25000.01"

    cost = {"on": "2027-01-04", "category": "set_up", "amount": "1000.00"}
    spent = client.post(f"{money}/actuals/costs", json=cost, headers=bearer(priya, If_Match=_etag(client, priya, pid)))
    assert spent.status_code == 200 and spent.get_json() == {"costs_to_date": "1000.00"}
    saved = {"year": "2027-28", "service": "revenues", "amount": "900.50"}
    actual = client.post(
        f"{money}/actuals/savings", json=saved, headers=bearer(priya, If_Match=_etag(client, priya, pid))
    )
    assert actual.status_code == 200
    row = next(v for v in actual.get_json()["by_service"] if v["year"] == "2027-28")
    assert (row["planned"], row["actual"], row["variance"]) == ("1000.00", "900.50", "-99.50")

    partners = {p.name: p.id for p in sample.partners}
    eastvale = partners["Eastvale Borough Council"]
    what_if = client.get(f"{money}/what-if?partner_id={eastvale}", headers=bearer(priya)).get_json()
    owed = what_if["liability"]
    assert owed["share_of_costs"] == "333.33" and owed["fixed_sum"] == "25000.01" and owed["total"] == "25333.34"
    assert sum(map(Decimal, what_if["costs_to_date_split"].values())) == Decimal("1000.00")  # to the penny
    assert client.get(f"{money}/what-if?partner_id=999", headers=bearer(priya)).status_code == 404
    assert client.get(f"{money}/what-if?partner_id=x", headers=bearer(priya)).status_code == 400
    report = client.get(f"{money}/highlight?period=2026-27 Q4", headers=bearer(priya))
    assert report.status_code == 200 and report.get_json()["costs_incurred_to_date"] == "1000.00"
    assert client.get(f"{money}/highlight?period=2026-28 Q4", headers=bearer(priya)).status_code == 422
