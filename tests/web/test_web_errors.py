"""What people see when something goes wrong: not found, not allowed, changed meanwhile, a wrong form, a move
the rules refuse, a bug (500, nothing saved, no traceback), an expired form (CSRF); and the security headers
and cookie flags on every answer."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from web_support import EMAILS, csrf_token, post, session_as, text_of
from werkzeug.test import TestResponse

from workflow.engine.models import Person
from workflow.engine.programmes import Programmes
from workflow.engine.views import ProgrammeView


def _version_on(response: TestResponse, action: str) -> int:
    """The hidden version of the form posting to ``action`` on the page."""
    page = response.get_data(as_text=True)
    form = page[page.index(f'action="{action}"') :]
    found = re.search(r'name="version" value="(\d+)"', form)
    assert found, f"no version in the form for {action}"
    return int(found.group(1))


def _textarea(response: TestResponse, name: str) -> str:
    found = re.search(rf'<textarea[^>]*name="{name}"[^>]*>([^<]*)</textarea>', response.get_data(as_text=True))
    assert found, f"no textarea {name}"
    return found.group(1)


@pytest.fixture
def manager(app: Flask, client: FlaskClient, sample: ProgrammeView) -> FlaskClient:
    session_as(client, app, EMAILS["priya"])
    return client


def test_unknown_programme_is_404(manager: FlaskClient) -> None:
    for path in ("/programmes/9999", "/programmes/9999/gate", "/programmes/9999/audit", "/no/such/page"):
        response = manager.get(path)
        assert response.status_code == 404, path
        assert "Page not found" in text_of(response)


def test_posting_to_an_unknown_programme_is_404(manager: FlaskClient) -> None:
    response = post(manager, "/programmes/9999/advance", {"version": 1})
    assert response.status_code == 404


def test_forbidden_action_is_403_and_says_so(
    app: Flask, client: FlaskClient, sample: ProgrammeView, programmes: Programmes
) -> None:
    session_as(client, app, EMAILS["sam"])
    response = post(client, f"/programmes/{sample.id}/advance", {"version": sample.version})
    assert response.status_code == 403
    assert "You do not have permission to do this" in text_of(response)
    assert programmes.get(sample.id).version == sample.version


def test_stale_version_is_409_with_fresh_state_and_the_typed_text_kept(
    manager: FlaskClient, sample: ProgrammeView, programmes: Programmes
) -> None:
    gate = f"/programmes/{sample.id}/gate"
    evidence = f"{gate}/evidence"
    seen = _version_on(manager.get(gate), evidence)
    programmes.record_evidence(sample.id, "appetite_confirmed", "Leaders confirmed at the Eastvale summit")

    typed = "Three councils named in the memorandum of understanding"
    response = post(
        manager,
        evidence,
        {"version": seen, "criterion": "partners_named", "summary": typed, "link": ""},
        token_from=gate,
    )
    assert response.status_code == 409
    text = text_of(response)
    assert "Someone else changed this programme" in text
    assert "Leaders confirmed at the Eastvale summit" in text, "the page shows the fresh state"
    assert _textarea(response, "summary") == typed, "what the user typed is kept"
    fresh = programmes.get(sample.id)
    assert all(e.criterion != "partners_named" for e in fresh.gate.evidence)

    again = post(
        manager,
        evidence,
        {
            "version": _version_on(response, evidence),
            "criterion": "partners_named",
            "summary": _textarea(response, "summary"),
            "link": "",
        },
        token_from=gate,
    )
    assert again.status_code == 302, "resubmitting from the refreshed page works"
    assert any(e.summary == typed for e in programmes.get(sample.id).gate.evidence)


def test_invalid_form_is_422_with_error_summary_and_input_kept(
    manager: FlaskClient, sample: ProgrammeView, programmes: Programmes
) -> None:
    gate = f"/programmes/{sample.id}/gate"
    response = post(
        manager,
        f"{gate}/evidence",
        {"version": sample.version, "criterion": "partners_named", "summary": "Named in the MoU", "link": "not a link"},
        token_from=gate,
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "govuk-error-summary" in page and "There is a problem" in text_of(response)
    assert "Enter a link in the correct format" in text_of(response)
    assert 'href="#evidence-link"' in page, "the summary links to the field in error"
    assert _textarea(response, "summary") == "Named in the MoU"
    assert 'value="not a link"' in page
    assert programmes.get(sample.id).version == sample.version


def test_empty_required_field_is_422(manager: FlaskClient, sample: ProgrammeView) -> None:
    gate = f"/programmes/{sample.id}/gate"
    response = post(
        manager,
        f"{gate}/evidence",
        {"version": sample.version, "criterion": "partners_named", "summary": "", "link": ""},
        token_from=gate,
    )
    assert response.status_code == 422
    assert "Enter a summary of the evidence" in text_of(response)


def test_refused_advance_is_409_with_the_engines_reasons(
    manager: FlaskClient, sample: ProgrammeView, programmes: Programmes
) -> None:
    programmes.record_evidence(sample.id, "partners_named", "named")
    version = programmes.get(sample.id).version
    response = post(manager, f"/programmes/{sample.id}/advance", {"version": version})
    assert response.status_code == 409
    text = text_of(response)
    assert "This cannot be done yet" in text
    assert "Appetite confirmed by each leader and chief executive" in text
    assert "Shared vision drafted" in text
    assert "'Partners named'" not in text, "evidenced criteria are not listed as missing"
    after = programmes.get(sample.id)
    assert (after.state, after.version) == ("courtship", version)


@pytest.fixture
def failing_app(app: Flask, clock: Any, sample: ProgrammeView) -> Flask:
    """The app with two extra routes that fail: one plainly, one after writing inside a transaction."""

    def boom() -> str:
        raise RuntimeError("secret detail: connection string postgres://user:pw@db")

    def half_written() -> str:
        with app.extensions["banns"].db.write() as session:
            session.add(Person(name="Half Written", email="half@example.org", is_admin=False, created_at=clock()))
            session.flush()
            raise RuntimeError("failed after writing")

    app.add_url_rule("/test/boom", "boom", boom)
    app.add_url_rule("/test/half-written", "half_written", half_written)
    return app


def test_unexpected_error_is_500_without_traceback(failing_app: Flask) -> None:
    client = failing_app.test_client()
    session_as(client, failing_app, EMAILS["priya"])
    response = client.get("/test/boom")
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "Sorry, there is a problem with the service" in text_of(response)
    for leak in ("Traceback", "RuntimeError", "secret detail", "postgres://", 'File "'):
        assert leak not in page


def test_unexpected_error_rolls_back_the_transaction(failing_app: Flask, programmes: Programmes) -> None:
    client = failing_app.test_client()
    session_as(client, failing_app, EMAILS["priya"])
    response = client.get("/test/half-written")
    assert response.status_code == 500
    assert "Nothing was saved" in text_of(response)
    with pytest.raises(Exception, match="nobody has the email"):
        programmes.actor("half@example.org")


def test_post_without_csrf_token_is_400(manager: FlaskClient, sample: ProgrammeView, programmes: Programmes) -> None:
    response = manager.post(
        f"/programmes/{sample.id}/gate/evidence",
        data={"version": sample.version, "criterion": "partners_named", "summary": "named", "link": ""},
    )
    assert response.status_code == 400
    assert "The form has expired" in text_of(response)
    assert programmes.get(sample.id).version == sample.version


def test_post_with_another_sessions_csrf_token_is_400(app: Flask, manager: FlaskClient, sample: ProgrammeView) -> None:
    other = app.test_client()
    session_as(other, app, EMAILS["tom"])
    stolen = csrf_token(other)
    response = manager.post(f"/programmes/{sample.id}/advance", data={"csrf_token": stolen, "version": sample.version})
    assert response.status_code == 400


def test_security_headers_on_pages_and_errors(manager: FlaskClient, sample: ProgrammeView) -> None:
    for path in (f"/programmes/{sample.id}", "/programmes/9999", "/sign-in"):
        response = manager.get(path)
        csp = response.headers.get("Content-Security-Policy", "")
        assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp, path
        assert "unsafe-inline" not in csp
        assert response.headers.get("X-Frame-Options") == "DENY", path
        assert response.headers.get("X-Content-Type-Options") == "nosniff", path
    assert "no-store" in manager.get(f"/programmes/{sample.id}").headers.get("Cache-Control", "")


def test_session_cookie_is_httponly_and_samesite_lax(client: FlaskClient) -> None:
    response = client.get("/sign-in")
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("banns_session="))
    flags = [part.strip().lower() for part in cookie.split(";")]
    assert "httponly" in flags
    assert "samesite=lax" in flags
