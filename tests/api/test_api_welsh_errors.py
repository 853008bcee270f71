"""The API words the engine's errors in the client's Accept-Language: the same problem, its detail in Welsh."""

from __future__ import annotations

from typing import Any

from api_support import bearer, token_for
from flask.testing import FlaskClient

from workflow.engine.db import Database
from workflow.engine.views import ProgrammeView


def test_a_missing_programme_is_said_in_welsh_to_a_welsh_client(
    client: FlaskClient, db: Database, clock: Any, sample: ProgrammeView
) -> None:
    token = token_for(db, clock, "priya")
    english = client.get("/api/v1/programmes/2147483647", headers=bearer(token))
    welsh = client.get("/api/v1/programmes/2147483647", headers=bearer(token, **{"Accept-Language": "cy"}))
    assert english.status_code == welsh.status_code == 404
    assert "2147483647" in english.get_json()["detail"] and "2147483647" in welsh.get_json()["detail"]
    assert welsh.get_json()["detail"] != english.get_json()["detail"]
    assert "no programme" in english.get_json()["detail"] and "no programme" not in welsh.get_json()["detail"]
