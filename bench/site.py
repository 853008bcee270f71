"""A banns site for the page figures: the sample programme, copies of it in bulk, the Flask app on the same
database, and a signed-in session for a person (as a successful sign-in makes one, without the deliberately
slow password check)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient

from bench.portfolio import add_programmes
from web import create_app
from workflow.engine.db import Database
from workflow.engine.importer import load_programme
from workflow.engine.programmes import Programmes
from workflow.engine.registry import Registry
from workflow.engine.views import ProgrammeView

ROOT = Path(__file__).resolve().parent.parent
SECRET = "bench-secret-key"
#: the sample's programme manager: on every programme the bench adds (the worst case for her pages)
MANAGER = "priya.shah@northbridge.example"


@dataclass
class Site:
    db: Database
    sample: ProgrammeView
    app: Flask
    count: int = 1

    @classmethod
    def make(cls, url: str, instance: Path) -> Site:
        """The sample programme on the (migrated, empty) database at ``url``, and the app on it."""
        db = Database(url)
        programmes = Programmes(db, Registry(ROOT / "definitions"), listeners=[])
        spec, located = load_programme(ROOT / "examples" / "northbridge-southmoor.yaml")
        sample = programmes.start(spec, located)
        instance.mkdir(parents=True, exist_ok=True)
        app = create_app({"INSTANCE": str(instance), "DATABASE_URL": url, "SECRET_KEY": SECRET})
        return cls(db, sample, app)

    def grow(self, size: int) -> None:
        """Copies of the sample up to ``size`` programmes, the manager on every one."""
        add_programmes(self.db, self.sample, size - self.count)
        self.count = size

    def client(self, email: str = MANAGER) -> FlaskClient:
        """A test client signed in as ``email``."""
        client = self.app.test_client()
        with self.app.app_context():
            from web.services import services

            person_id = services().programmes.actor(email).person_id
            assert person_id is not None
            sid = services().accounts.start_session(person_id, services().programmes.clock())
        with client.session_transaction() as session:
            session.clear()
            session.permanent = True
            session["person_id"] = person_id
            session["sid"] = sid
        return client

    def cookie(self, email: str = MANAGER) -> str:
        """The ``Cookie`` header of a signed-in session, for a client outside the process."""
        client = self.client(email)
        name = self.app.config["SESSION_COOKIE_NAME"]
        cookie = client.get_cookie(name)
        assert cookie is not None
        return f"{name}={cookie.value}"

    def close(self) -> None:
        self.app.extensions["banns"].db.dispose()
        self.db.dispose()
