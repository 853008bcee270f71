"""The note given with a sign-off request (for a waiver, its rationale) is what the people deciding read: it
shows on the gate page beside the request, with who wrote it."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from web_support import COURTSHIP, EMAILS, session_as, text_of

from workflow.engine.permissions import Actor
from workflow.engine.programmes import Programmes
from workflow.engine.views import ProgrammeView


def test_signatories_see_the_request_note_and_who_wrote_it(
    app: Flask, client: FlaskClient, programmes: Programmes, sample: ProgrammeView, people: dict[str, int]
) -> None:
    for criterion in COURTSHIP:
        programmes.record_evidence(sample.id, criterion, f"{criterion} done")
    session_as(client, app, EMAILS["tom"])
    assert "Note from" not in text_of(client.get(f"/programmes/{sample.id}/gate"))
    programmes.request_sign_off(
        sample.id, Actor(people["priya"], "Priya Shah"), note="Cabinets meet on the 14th: please decide before then."
    )
    page = text_of(client.get(f"/programmes/{sample.id}/gate"))
    assert "Note from Priya Shah Cabinets meet on the 14th: please decide before then." in page
