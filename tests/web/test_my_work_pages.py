"""My work a page at a time: the sign-offs waiting on a person (the longest waiting first) and the gates
they manage, each list with its own GOV.UK pagination."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from web_support import COURTSHIP, EMAILS, session_as, text_of

from bench.portfolio import add_programmes
from workflow.engine.db import Database
from workflow.engine.programmes import Programmes
from workflow.engine.views import ProgrammeView


def test_sign_offs_waiting_come_a_page_at_a_time_the_longest_waiting_first(
    app: Flask, client: FlaskClient, db: Database, sample: ProgrammeView, programmes: Programmes, clock: Any
) -> None:
    app.config["PORTFOLIO_PAGE_SIZE"] = 10
    for criterion in COURTSHIP:
        programmes.record_evidence(sample.id, criterion, "done")
    add_programmes(db, sample, 24)  # Tom is asked on every other one (2, 4, ... 24), requested today
    clock.advance(days=1)
    programmes.request_sign_off(sample.id)  # the newest request, though its name sorts first
    session_as(client, app, EMAILS["tom"])
    first = client.get("/").get_data(as_text=True)
    assert "13 sign-offs wait for you, the longest waiting first." in text_of(client.get("/"))
    assert sample.name not in first and "Programme 00002" in first and "Programme 00020" in first
    assert 'aria-label="Page 2 of 2"' in first and re.search(r'href="/\?page=2" rel="next"', first)
    second = text_of(client.get("/?page=2"))
    assert second.index("Programme 00022") < second.index("Programme 00024") < second.index(sample.name)
    assert "Programme 00003" not in text_of(client.get("/")) + second  # no request open on the odd ones


def test_a_decided_sign_off_leaves_my_work_and_the_gates_managed_have_their_own_pages(
    app: Flask,
    client: FlaskClient,
    db: Database,
    sample: ProgrammeView,
    programmes: Programmes,
    people: dict[str, int],
) -> None:
    app.config["PORTFOLIO_PAGE_SIZE"] = 10
    for criterion in COURTSHIP:
        programmes.record_evidence(sample.id, criterion, "done")
    programmes.request_sign_off(sample.id)
    session_as(client, app, EMAILS["tom"])
    assert sample.name in text_of(client.get("/"))
    programmes.sign(sample.id, people["tom"], "approve", role="signatory")
    assert "Nothing is waiting for your decision." in text_of(client.get("/"))

    add_programmes(db, sample, 14)
    session_as(client, app, EMAILS["priya"])
    first = client.get("/").get_data(as_text=True)
    assert "You manage 15 programmes in progress." in text_of(client.get("/"))
    assert re.search(r'href="/\?managed_page=2" rel="next"', first)
    second = text_of(client.get("/?managed_page=2"))
    assert "Programme 00015" in second and "Programme 00002" not in second
