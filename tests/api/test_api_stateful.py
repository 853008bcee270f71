"""schemathesis's stateful tests against the app: sequences of calls that follow the description's links (a
programme created or read, then every operation on it, with its id and ETag), with a write token of the
programme manager. No step answers with a server error, a body that breaks its schema, or a status the
description does not list. (Driven through hypothesis directly, as in test_api_schema.py.)"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from api_support import token_for
from flask import Flask
from hypothesis import HealthCheck, settings
from hypothesis.stateful import run_state_machine_as_test
from schemathesis.config import SchemathesisConfig

from workflow.engine.db import Database
from workflow.engine.views import ProgrammeView

#: the engine's refusals are answers, not failures (as in test_api_schema.py)
CONFIG = SchemathesisConfig.from_dict(
    {"checks": {"positive_data_acceptance": {"expected-statuses": ["2xx", 401, 403, 404, 409, 412, 422, 429]}}}
)


def test_the_description_links_a_programme_to_every_operation_on_it(app: Flask) -> None:
    doc = app.test_client().get("/api/v1/openapi.json").get_json()
    on_programme = {
        op["operationId"]: op for path, ops in doc["paths"].items() if "{programme_id}" in path for op in ops.values()
    }
    every = [op["operationId"] for ops in doc["paths"].values() for op in ops.values()]
    assert len(every) == len(set(every)), "a link names its operation by operationId: each must be unique"
    created = doc["paths"]["/api/v1/programmes"]["post"]["responses"]["201"]["links"]
    read = doc["paths"]["/api/v1/programmes/{programme_id}"]["get"]["responses"]["200"]["links"]
    assert set(created) == set(on_programme) and set(read) == set(on_programme) - {"get_programme"}
    for name, link in created.items():
        assert link["operationId"] == name and link["parameters"]["path.programme_id"] == "$response.body#/id"
        changes = any(p["name"] == "If-Match" for p in on_programme[name].get("parameters", []))
        assert ("header.If-Match" in link["parameters"]) == changes
    listed = doc["paths"]["/api/v1/programmes"]["get"]["responses"]["200"]["links"]
    reads = {
        ops["get"]["operationId"] for path, ops in doc["paths"].items() if "{programme_id}" in path and "get" in ops
    }
    assert set(listed) == reads and all(
        link["parameters"] == {"path.programme_id": "$response.body#/items/0/id"} for link in listed.values()
    )


def restorer(app: Flask, db: Database, database_url: str, tmp_path: Path) -> Callable[[], None]:
    """A function that puts the SQLite database back as it is now. Each scenario starts from the same data, as
    hypothesis needs (it replays scenarios, and one that created a programme would change the next one's
    answers; bad-token probes would add up to the address's limit)."""
    path, snapshot = Path(database_url.removeprefix("sqlite:///")), tmp_path / "snapshot.sqlite3"
    engines = [app.extensions["banns"].db, db]

    def close() -> None:
        for database in engines:
            database.dispose()
        for suffix in ("-wal", "-shm"):
            path.with_name(path.name + suffix).unlink(missing_ok=True)

    with db.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    close()
    shutil.copy(path, snapshot)

    def restore() -> None:
        close()
        shutil.copy(snapshot, path)

    return restore


@pytest.mark.slow
def test_sequences_of_calls_keep_to_the_description(
    app: Flask, db: Database, database_url: str, sample: ProgrammeView, clock: Any, tmp_path: Path
) -> None:
    if not database_url.startswith("sqlite:///"):
        pytest.skip("each scenario starts from a copy of the SQLite file; PostgreSQL has no such cheap copy")
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app, config=CONFIG)
    auth = {"Authorization": f"Bearer {token_for(db, clock, 'priya')}"}
    restore = restorer(app, db, database_url, tmp_path)

    class Calls(schema.as_state_machine()):  # type: ignore[misc]
        def setup(self) -> None:
            restore()

        def get_call_kwargs(self, case: Any) -> dict[str, Any]:
            return {"headers": auth}

        def validate_response(self, response: Any, case: Any, additional_checks: Any = None, **kwargs: Any) -> None:
            # the token is ours, not generated: said so, the checks probe the operation without it (401 expected)
            case.validate_response(
                response,
                additional_checks=additional_checks,
                headers=auth,
                transport_kwargs=kwargs,
                recorder=self.recorder,
            )

    # derandomized, few steps: the same sequences on every run, so that a red run can be repeated
    run_state_machine_as_test(
        Calls,
        settings=settings(
            max_examples=40,
            stateful_step_count=8,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            database=None,
            derandomize=True,
        ),
    )
