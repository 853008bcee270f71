"""The honest-conversation and scope pages through the Flask test client: who may see and change what, bad
input answered 422 naming the field, and the open objections shown on the gate, My work and the programme."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from web_support import COURTSHIP, EMAILS, csrf_token, post, session_as, text_of

from workflow.engine.programmes import Programmes
from workflow.engine.views import ProgrammeView

NB, EV = "Northbridge District Council", "Eastvale Borough Council"


@pytest.fixture
def courted(programmes: Programmes, sample: ProgrammeView) -> ProgrammeView:
    """The sample programme at the honest conversation, nothing declared yet."""
    for criterion in COURTSHIP:
        programmes.record_evidence(sample.id, criterion, f"{criterion} done")
    programmes.request_sign_off(sample.id)
    for r in sample.roles:
        if r.role == "signatory":
            programmes.sign(sample.id, r.person_id, "approve", role="signatory")
    return programmes.advance(sample.id)


def partner(view: ProgrammeView, prefix: str) -> int:
    return next(p.id for p in view.partners if p.name.startswith(prefix))


def test_a_person_not_on_the_programme_finds_nothing(
    app: Flask, client: FlaskClient, courted: ProgrammeView, programmes: Programmes, accounts: Any, clock: Any
) -> None:
    accounts.add_person("Olly Outsider", "olly.outsider@elsewhere.example", clock())
    session_as(client, app, "olly.outsider@elsewhere.example")
    pid, nb = courted.id, partner(courted, "North")
    for path in (
        f"/programmes/{pid}/declarations",
        f"/programmes/{pid}/scope",
        f"/programmes/{pid}/declarations/new?partner={nb}",
    ):
        assert client.get(path).status_code == 404, path
    token = csrf_token(client)
    assert (
        client.post(f"/programmes/{pid}/declarations/none", data={"csrf_token": token, "partner": nb}).status_code
        == 404
    )
    assert client.post(f"/programmes/{pid}/scope/services", data={"csrf_token": token, "name": "IT"}).status_code == 404
    assert [e.kind for e in programmes.history(pid)][-1] == "advanced"


def test_an_observer_reads_but_may_not_post(
    app: Flask, client: FlaskClient, courted: ProgrammeView, programmes: Programmes
) -> None:
    session_as(client, app, EMAILS["sam"])
    pid, nb = courted.id, partner(courted, "North")
    page = client.get(f"/programmes/{pid}/declarations")
    assert page.status_code == 200
    assert "Record that" not in text_of(page) and "Declare an item" not in text_of(page)
    assert client.get(f"/programmes/{pid}/scope").status_code == 200
    before = programmes.get(pid).version
    assert post(client, f"/programmes/{pid}/declarations/none", {"partner": nb}).status_code == 403
    assert (
        post(
            client,
            f"/programmes/{pid}/declarations/new",
            {"partner": nb, "kind": "red_line", "title": "x", "reason": "y"},
        ).status_code
        == 403
    )
    assert post(client, f"/programmes/{pid}/scope/services", {"name": "IT", "description": ""}).status_code == 403
    assert programmes.get(pid).version == before


def test_declare_object_and_see_the_objection_on_the_gate_and_my_work(
    app: Flask, client: FlaskClient, courted: ProgrammeView, programmes: Programmes
) -> None:
    pid, nb, ev = courted.id, partner(courted, "North"), partner(courted, "East")
    session_as(client, app, EMAILS["tom"])
    # Tom speaks for Northbridge only
    assert client.get(f"/programmes/{pid}/declarations/new?partner={ev}").status_code == 403
    bad = post(
        client,
        f"/programmes/{pid}/declarations/new?partner={nb}",
        {"partner": nb, "kind": "red_line", "title": "", "reason": "A promise"},
    )
    assert bad.status_code == 422 and "Enter the item" in text_of(bad)
    bad = post(
        client, f"/programmes/{pid}/declarations/new", {"partner": nb, "kind": "wish", "title": "x", "reason": "y"}
    )
    assert bad.status_code == 422 and "Not a valid choice" in text_of(bad)
    done = post(
        client,
        f"/programmes/{pid}/declarations/new",
        {"partner": nb, "kind": "red_line", "title": "no job losses in year one", "reason": "A cabinet promise"},
    )
    assert done.status_code == 302
    [declared] = [e for e in programmes.history(pid) if e.kind == "declaration_made"]
    assert declared.actor == "Tom Hardy" and declared.data["item_title"] == "no job losses in year one"
    did = declared.data["declaration_id"]

    session_as(client, app, EMAILS["gareth"])
    no_comment = post(
        client, f"/programmes/{pid}/declarations/{did}/answer", {"partner": ev, "answer": "objected", "comment": ""}
    )
    assert no_comment.status_code == 422 and "Say why the partner objects" in text_of(no_comment)
    objected = post(
        client,
        f"/programmes/{pid}/declarations/{did}/answer",
        {"partner": ev, "answer": "objected", "comment": "Savings need a restructure"},
    )
    assert objected.status_code == 302
    register = text_of(client.get(f"/programmes/{pid}/declarations"))
    assert "Objected" in register and "Withdraw objection" in register

    gate = text_of(client.get(f"/programmes/{pid}/gate"))
    assert "Open objections" in gate and f"{EV} {NB} Red line: no job losses in year one" in gate
    assert f"{EV} objects to {NB}'s red line 'no job losses in year one'" in gate
    mine = text_of(client.get("/"))
    assert "objects to Northbridge District Council's red line 'no job losses in year one': withdraw it" in mine

    session_as(client, app, EMAILS["tom"])
    assert f"{EV} objects to {NB}'s red line 'no job losses in year one': Savings need a restructure" in text_of(
        client.get("/")
    )
    session_as(client, app, EMAILS["helen"])  # the steering group sees it on the gate
    assert "Open objections" in text_of(client.get(f"/programmes/{pid}/gate"))

    session_as(client, app, EMAILS["gareth"])
    assert post(client, f"/programmes/{pid}/declarations/{did}/withdraw", {"partner": ev}).status_code == 302
    assert "Open objections" not in text_of(client.get(f"/programmes/{pid}/gate"))
    assert programmes.history(pid)[-1].kind == "objection_withdrawn"


def test_scope_changes_are_logged_and_shown(
    app: Flask, client: FlaskClient, courted: ProgrammeView, programmes: Programmes
) -> None:
    pid, nb = courted.id, partner(courted, "North")
    session_as(client, app, EMAILS["priya"])
    empty = post(client, f"/programmes/{pid}/scope/services", {"name": " ", "description": ""})
    assert empty.status_code == 422 and "Enter the service" in text_of(empty)
    assert (
        post(
            client,
            f"/programmes/{pid}/scope/services",
            {"name": "Revenues and benefits", "description": "Council tax and benefits"},
        ).status_code
        == 302
    )
    twice = post(client, f"/programmes/{pid}/scope/services", {"name": "Revenues and benefits", "description": ""})
    assert twice.status_code == 422 and "already in scope" in text_of(twice)
    no_reason = post(client, f"/programmes/{pid}/scope/local", {"partner": nb, "service": "Planning", "reason": ""})
    assert no_reason.status_code == 422 and "Enter the reason" in text_of(no_reason)
    assert (
        post(
            client,
            f"/programmes/{pid}/scope/local",
            {"partner": nb, "service": "Planning", "reason": "Local plan is a member decision"},
        ).status_code
        == 302
    )
    shown = text_of(client.get(f"/programmes/{pid}"))
    assert "Services in scope Revenues and benefits" in shown and f"Kept local {NB}: Planning" in shown
    scope = text_of(client.get(f"/programmes/{pid}/scope"))
    assert "Planning : Local plan is a member decision" in scope
    events = [(e.kind, e.actor) for e in programmes.history(pid)][-2:]
    assert events == [("scope_service_added", "Priya Shah"), ("scope_local_added", "Priya Shah")]

    session_as(client, app, EMAILS["tom"])  # a signatory reads the scope but may not change it
    assert post(client, f"/programmes/{pid}/scope/services", {"name": "IT", "description": ""}).status_code == 403
