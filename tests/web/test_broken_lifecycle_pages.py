"""A broken or missing lifecycle in the web UI: the portfolio lists every programme and names the one whose
lifecycle cannot be read; that programme's page says why (the others work); a lifecycle file that has gone
leaves its programmes' pages working; two files with one id show on the lifecycles page."""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import update
from web_support import EMAILS, ROOT, session_as, text_of

from web import create_app
from workflow.engine.db import Database
from workflow.engine.importer import parse_programme
from workflow.engine.models import DefinitionVersion, Programme
from workflow.engine.programmes import Programmes
from workflow.engine.views import ProgrammeView

OTHER = """\
name: Shared chief executive
definition: shared-management
partners:
  - {name: Westshire Council, kind: unitary_council, population: 50000, net_budget: "1000000.00"}
  - {name: Dale Council, kind: district_council, population: 40000, net_budget: "900000.00"}
people:
  - {name: Priya Shah, email: priya.shah@northbridge.example, roles: [programme_manager]}
"""


def pin_to_unreadable_text(db: Database, definition_id: str) -> None:
    """Pin the programmes on ``definition_id`` to stored text that no longer reads (see the workflow tests)."""
    with db.write() as session:
        row = session.query(DefinitionVersion).filter_by(definition_id=definition_id).one()
        text = row.source_text.replace("stages:", "stagez:", 1)
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        session.add(
            DefinitionVersion(
                hash=digest,
                definition_id=definition_id,
                version=row.version,
                title=row.title,
                source_file=row.source_file,
                source_text=text,
                stored_at=row.stored_at,
            )
        )
        session.flush()
        session.execute(update(Programme).where(Programme.definition_hash == row.hash).values(definition_hash=digest))


@pytest.fixture
def two(programmes: Programmes, sample: ProgrammeView) -> tuple[ProgrammeView, ProgrammeView]:
    other = programmes.start(*parse_programme(OTHER, "other.yaml"))
    pin_to_unreadable_text(programmes.db, "shared-service")
    return sample, other


def test_the_portfolio_lists_everything_and_names_the_unreadable_lifecycle(
    app: Flask, client: FlaskClient, two: tuple[ProgrammeView, ProgrammeView]
) -> None:
    broken, fine = two
    session_as(client, app, EMAILS["priya"])
    page = client.get("/programmes")
    assert page.status_code == 200
    text = text_of(page)
    assert broken.name in text and fine.name in text
    assert "Lifecycle cannot be read Courtship: its stored text (shared-service version 2) no longer reads" in text
    assert client.get("/").status_code == 200  # my work, too


def test_the_programme_page_says_why_and_the_others_work(
    app: Flask, client: FlaskClient, two: tuple[ProgrammeView, ProgrammeView]
) -> None:
    broken, fine = two
    session_as(client, app, EMAILS["priya"])
    page = client.get(f"/programmes/{broken.id}")
    assert page.status_code == 500
    text = text_of(page)
    assert "This programme's lifecycle cannot be read" in text and "no longer reads" in text
    assert "Other programmes are not affected" in text and "Traceback" not in text
    assert client.get(f"/programmes/{fine.id}").status_code == 200
    lifecycles = text_of(client.get("/definitions"))
    assert "Lifecycles programmes run on" in lifecycles and "Cannot be read" in lifecycles


@pytest.fixture
def app_on(tmp_path: Path, database_url: str, clock: Any) -> Iterator[Any]:
    """Make the app on a definitions folder of the test's choosing."""
    made: list[Flask] = []

    def make(folder: Path) -> Flask:
        app = create_app(
            {
                "INSTANCE": str(tmp_path / "instance"),
                "TESTING": True,
                "DATABASE_URL": database_url,
                "SECRET_KEY": "test",
                "CLOCK": clock,
                "DEFINITIONS_DIR": str(folder),
            }
        )
        made.append(app)
        return app

    yield make
    for app in made:
        app.extensions["banns"].db.dispose()


def test_a_programme_whose_file_has_gone_still_shows_and_says_so(
    app_on: Any, sample: ProgrammeView, tmp_path: Path
) -> None:
    folder = tmp_path / "lifecycles"
    folder.mkdir()
    shutil.copy(ROOT / "definitions" / "shared-management.yaml", folder)
    app = app_on(folder)
    client = app.test_client()
    session_as(client, app, EMAILS["priya"])
    page = client.get(f"/programmes/{sample.id}")
    assert page.status_code == 200
    assert "Its file is no longer in the lifecycles folder" in text_of(page)
    assert client.get(f"/programmes/{sample.id}/gate").status_code == 200
    lifecycles = text_of(client.get("/definitions"))
    assert "No valid file defines it now" in lifecycles


def test_two_files_with_one_id_show_on_the_lifecycles_page(app_on: Any, sample: ProgrammeView, tmp_path: Path) -> None:
    folder = tmp_path / "lifecycles"
    shutil.copytree(ROOT / "definitions", folder)
    shutil.copy(folder / "shared-service.yaml", folder / "shared-service-copy.yaml")
    app = app_on(folder)
    client = app.test_client()
    session_as(client, app, EMAILS["priya"])
    text = text_of(client.get("/definitions"))
    assert "Files with errors" in text
    assert (
        "shared-service-copy.yaml line 1 id: another file defines the same id 'shared-service': shared-service.yaml"
        in (text)
    )
    assert (
        "shared-service.yaml line 1 id: another file defines the same id 'shared-service': shared-service-copy.yaml"
        in (text)
    )
    assert client.get("/definitions/shared-service").status_code == 404
    assert client.get(f"/programmes/{sample.id}").status_code == 200  # running programmes are unaffected
