"""The portfolio page: what a person sees across their programmes."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from web_support import EMAILS, session_as, text_of

from workflow.engine.programmes import Programmes
from workflow.engine.views import ProgrammeView
from workflow.money.service import Finances


def test_the_portfolio_shows_the_latest_delivery_confidence(
    app: Flask, client: FlaskClient, programmes: Programmes, sample: ProgrammeView
) -> None:
    finances = Finances(programmes.db, programmes.registry, programmes.clock)
    session_as(client, app, EMAILS["priya"])
    assert "Not assessed" in text_of(client.get("/programmes"))
    finances.record_confidence(sample.id, "2026-27 Q3", "Amber", "Costs not yet agreed")
    finances.record_confidence(sample.id, "2026-27 Q4", "Amber/Green", "Costs agreed in principle")
    page = text_of(client.get("/programmes"))
    assert "Amber/Green" in page and "Not assessed" not in page
