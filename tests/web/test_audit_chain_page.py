"""The audit page says whether the programme's log still verifies, and names the entry where it breaks."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text
from web_support import EMAILS, session_as, text_of

from workflow.engine.db import Database
from workflow.engine.programmes import Programmes
from workflow.engine.views import ProgrammeView


def test_the_audit_page_shows_the_chain_verifies_and_then_where_it_broke(
    app: Flask, client: FlaskClient, programmes: Programmes, sample: ProgrammeView, db: Database
) -> None:
    programmes.record_evidence(sample.id, "partners_named", "Named in the statement of intent")
    session_as(client, app, EMAILS["priya"])
    page = text_of(client.get(f"/programmes/{sample.id}/audit"))
    assert "hash chain verifies" in page and "each of its 2 events" in page

    with db.engine.begin() as conn:
        conn.execute(
            text("UPDATE events SET actor = 'Someone Else' WHERE programme_id = :p AND seq = 2"), {"p": sample.id}
        )
    page = text_of(client.get(f"/programmes/{sample.id}/audit"))
    assert "hash chain is broken at event 2" in page
