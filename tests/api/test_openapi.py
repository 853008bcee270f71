"""The OpenAPI 3.1 description: served without a token, valid JSON, every API route in it with its
refusals, and every schema it points to defined; and what the API answers fits what it describes."""

from __future__ import annotations

import html
import json
import re
from typing import Any

from api_support import bearer, token_for
from flask import Flask
from flask.testing import FlaskClient

from workflow.engine.db import Database
from workflow.engine.views import ProgrammeView
from workflow.shapes.programmes import Programme, ProgrammePage


def test_the_description_lists_every_route_and_defines_every_schema(app: Flask, client: FlaskClient) -> None:
    answer = client.get("/api/v1/openapi.json")
    assert answer.status_code == 200 and answer.content_type == "application/json"
    doc = json.loads(answer.get_data(as_text=True))
    assert doc["openapi"] == "3.1.0" and doc["components"]["securitySchemes"]["bearerToken"]["scheme"] == "bearer"
    routes = {
        (re.sub(r"<(?:[^:<>]+:)?(\w+)>", r"{\1}", rule.rule), method.lower())
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("api.") and rule.endpoint not in ("api.openapi", "api.reference")
        for method in rule.methods or ()
        if method not in ("HEAD", "OPTIONS")
    }
    described = {(path, method) for path, ops in doc["paths"].items() for method in ops}
    assert routes and routes == described
    for path, method in routes:
        op = doc["paths"][path][method]
        assert {"401", "403", "429"} <= set(op["responses"]), (path, method)
        if method == "post":
            assert {"400", "415", "422"} <= set(op["responses"]) and "requestBody" in op
        # a change to a programme: If-Match (storing an uploaded document changes none)
        if method == "post" and "{programme_id}" in path and not path.endswith("/documents"):
            assert {"409", "412", "428"} <= set(op["responses"])
            assert any(p["name"] == "If-Match" and p["required"] for p in op["parameters"])
    refs = set(re.findall(r'"#/components/schemas/([^"]+)"', answer.get_data(as_text=True)))
    assert refs and refs <= set(doc["components"]["schemas"])
    assert "Problem" in refs and "Programme" in refs


def test_answers_fit_their_models(client: FlaskClient, db: Database, sample: ProgrammeView, clock: Any) -> None:
    token = token_for(db, clock, "priya", "read")
    ProgrammePage.model_validate(client.get("/api/v1/programmes", headers=bearer(token)).get_json())
    one = Programme.model_validate(client.get(f"/api/v1/programmes/{sample.id}", headers=bearer(token)).get_json())
    assert one.id == sample.id and one.version == sample.version
    assert str(one.partners[0].net_budget) == f"{sample.partners[0].net_budget:.2f}"


def test_the_reference_page_describes_every_operation_without_a_token(client: FlaskClient) -> None:
    page = client.get("/api/v1/reference")
    assert page.status_code == 200 and page.content_type.startswith("text/html")
    words = html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page.get_data(as_text=True))))
    doc = client.get("/api/v1/openapi.json").get_json()
    for path, methods in doc["paths"].items():
        for method, op in methods.items():
            assert f"{method.upper()} {path}" in words and op["summary"] in words
    assert "If-Match" in words and "list of Evidence" in words and "412" in words
    assert "http://" not in page.get_data(as_text=True) and "https://" not in page.get_data(as_text=True)
