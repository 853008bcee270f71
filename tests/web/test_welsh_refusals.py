"""A refusal in Welsh: the engine gives codes and values, and the gate page words them in the reader's language
(the lifecycle's titles in Welsh where the file gives them; the partners' names as they are written)."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from web_support import EMAILS, post, session_as, text_of

from web.i18n import compile_catalogues
from workflow.engine.programmes import Programmes
from workflow.engine.views import ProgrammeView


@pytest.fixture(scope="module", autouse=True)
def welsh_catalogue() -> None:
    compile_catalogues()


def test_a_refused_advance_gives_its_reasons_in_welsh_on_the_gate_page(
    app: Flask, client: FlaskClient, sample: ProgrammeView, programmes: Programmes
) -> None:
    session_as(client, app, EMAILS["priya"])
    programmes.record_evidence(sample.id, "partners_named", "named")
    assert client.get(f"/language/cy?next=/programmes/{sample.id}/gate").status_code == 302
    version = programmes.get(sample.id).version
    response = post(client, f"/programmes/{sample.id}/advance", {"version": version})
    assert response.status_code == 409
    text = text_of(response)
    assert "Ni ellir gwneud hyn eto" in text
    # the criteria by the lifecycle's own Welsh titles
    assert "Mae tystiolaeth ar goll ar gyfer" in text and "'Gweledigaeth a rennir wedi'i drafftio'" in text
    assert "'Shared vision drafted'" not in text
    assert "Yn aros am gymeradwyaeth" in text  # the signatories, by the lifecycle's role title
    for english in ("Evidence is missing", "Awaiting sign-off", "criteria:"):
        assert english not in text, english


def test_the_same_refusal_in_english_is_word_for_word_as_before(
    app: Flask, client: FlaskClient, sample: ProgrammeView, programmes: Programmes
) -> None:
    session_as(client, app, EMAILS["priya"])
    programmes.record_evidence(sample.id, "partners_named", "named")
    response = post(client, f"/programmes/{sample.id}/advance", {"version": programmes.get(sample.id).version})
    text = text_of(response)
    assert "Evidence is missing for 4 criteria: 'Appetite confirmed by each leader and chief executive'" in text
