"""Fixtures for the web tests: the Flask app on the test's database and clock, with CSRF on; passwords for
the sample programme's people; an admin; and helpers to sign in and to post forms as a browser would."""

from __future__ import annotations

import html
import io
import re
import shutil
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from records_support import agree_register
from werkzeug.test import TestResponse

from web import create_app
from workflow.accounts.service import Accounts
from workflow.engine.db import Database
from workflow.engine.importer import load_programme, parse_programme
from workflow.engine.programmes import Programmes
from workflow.engine.registry import Registry
from workflow.engine.views import ProgrammeView

ROOT = Path(__file__).resolve().parents[2]
#: when the shared ``clock`` fixture starts (tests/conftest.py)
START = datetime(2027, 1, 4, 9, 0, tzinfo=UTC)

PASSWORD = "correct horse battery staple"
ADMIN_EMAIL = "ada.admin@banns.example"
COURTSHIP = ["partners_named", "appetite_confirmed", "vision_drafted", "sro_named", "next_stage_budget"]
HONEST = ["scope_agreed", "cost_sharing_principles"]  # and the register (declarations_agreed): every partner "none"
EMAILS = {
    "priya": "priya.shah@northbridge.example",
    "tom": "tom.hardy@northbridge.example",
    "aisha": "aisha.khan@southmoor.example",
    "gareth": "gareth.evans@eastvale.example",
    "helen": "helen.marsh@northbridge.example",
    "sam": "sam.ellis@audit.example",
    "admin": ADMIN_EMAIL,
}
_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def make_app(tmp_path: Path, database_url: str, clock: Any) -> Flask:
    return create_app(
        {
            "INSTANCE": str(tmp_path / "instance"),
            "TESTING": True,
            "DATABASE_URL": database_url,
            "SECRET_KEY": "test",
            "CLOCK": clock,
        }
    )


@pytest.fixture
def app(tmp_path: Path, database_url: str, clock: Any) -> Iterator[Flask]:
    """The app on the test's database and clock, CSRF on; its connections are closed afterwards."""
    app = make_app(tmp_path, database_url, clock)
    yield app
    app.extensions["banns"].db.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def accounts(db: Database) -> Accounts:
    return Accounts(db)


@pytest.fixture
def with_passwords(sample: ProgrammeView, accounts: Accounts, clock: Any) -> ProgrammeView:
    """The sample programme, with passwords for the people the tests sign in as, and an admin."""
    for name in ("priya", "tom", "helen", "sam"):
        accounts.set_password_for_development(EMAILS[name], PASSWORD)
    accounts.add_person("Ada Admin", ADMIN_EMAIL, clock(), is_admin=True, password=PASSWORD)
    return sample


def at_honest_conversation(programmes: Programmes, sample: ProgrammeView) -> ProgrammeView:
    """Take the sample through courtship (evidence, three approvals, advance), then evidence the honest
    conversation gate and request its sign-off: signatories and steering members are now asked to decide."""
    pid = sample.id
    for criterion in COURTSHIP:
        programmes.record_evidence(pid, criterion, f"{criterion} done")
    programmes.request_sign_off(pid)
    for r in sample.roles:
        if r.role == "signatory":
            programmes.sign(pid, r.person_id, "approve", role="signatory")
    programmes.advance(pid)
    for criterion in HONEST:
        programmes.record_evidence(pid, criterion, f"{criterion} done")
    agree_register(programmes.db, programmes.registry, programmes.clock, pid)
    return programmes.request_sign_off(pid)


@pytest.fixture(scope="session")
def honest_template(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file holding the sample programme at the honest conversation gate, built once per run."""
    path = tmp_path_factory.mktemp("honest") / "banns.sqlite3"
    shutil.copy(sqlite_template, path)
    db = Database(f"sqlite:///{path}")
    engine = Programmes(db, Registry(ROOT / "definitions"), clock=lambda: START)
    spec, located = load_programme(ROOT / "examples" / "northbridge-southmoor.yaml")
    at_honest_conversation(engine, engine.start(spec, located))
    with db.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    db.dispose()
    return path


@pytest.fixture
def honest(request: pytest.FixtureRequest, database_url: str, programmes: Programmes) -> ProgrammeView:
    """The sample programme at the honest conversation gate with sign-off requested (see
    :func:`at_honest_conversation`). On SQLite, a copy of a file built once (the test's database must not
    have been opened yet); on PostgreSQL, built afresh."""
    if database_url.startswith("sqlite:///"):
        shutil.copy(request.getfixturevalue("honest_template"), database_url.removeprefix("sqlite:///"))
        return programmes.get(programmes.list()[0].id)
    return at_honest_conversation(programmes, request.getfixturevalue("sample"))


def programme_yaml(name: str, signatory: tuple[str, str] = ("Owen Other", "owen.other@westshire.example")) -> str:
    """A small programme in the import format: two councils, one signatory for the first."""
    return f"""name: {name}
definition: shared-service
partners:
  - {{name: Westshire Council, kind: unitary_council, population: 50000, net_budget: "1000000.00"}}
  - {{name: Dale Council, kind: district_council, population: 40000, net_budget: "900000.00"}}
people:
  - name: {signatory[0]}
    email: {signatory[1]}
    roles: [{{role: signatory, partner: Westshire Council}}]
"""


def start_programme(
    programmes: Programmes, name: str, signatory: tuple[str, str] = ("Owen Other", "owen.other@westshire.example")
) -> ProgrammeView:
    spec, located = parse_programme(programme_yaml(name, signatory), "test")
    return programmes.start(spec, located)


def csrf_token(client: FlaskClient, path: str = "/") -> str:
    """The CSRF token of the client's session, read from a page's hidden input as a browser would."""
    page = client.get(path)
    found = _CSRF.search(page.get_data(as_text=True))
    assert found, f"no csrf_token on {path} (status {page.status_code})"
    return html.unescape(found.group(1))


def login(client: FlaskClient, email: str, password: str = PASSWORD) -> TestResponse:
    """Sign in through the sign-in form; asserts it worked. Slow (argon2 verifies the password on purpose):
    tests about what a signed-in person may do use :func:`session_as` instead."""
    response = sign_in(client, email, password)
    assert response.status_code == 302, response.get_data(as_text=True)
    return response


def sign_in(client: FlaskClient, email: str, password: str) -> TestResponse:
    """Post the sign-in form (with the token from the sign-in page) and return the answer."""
    token = csrf_token(client, "/sign-in")
    return client.post("/sign-in", data={"csrf_token": token, "email": email, "password": password})


def session_as(client: FlaskClient, app: Flask, email: str) -> int:
    """Start a session for the person with ``email`` as a successful sign-in does (a server-side session whose
    id the cookie carries), without the deliberately slow password check; the person needs no password.
    Returns their id."""
    with app.app_context():
        from web.services import services

        person_id = services().programmes.actor(email).person_id
        assert person_id is not None
        sid = services().accounts.start_session(person_id, services().programmes.clock())
    with client.session_transaction() as session:
        session.clear()
        session.permanent = True
        session["person_id"] = person_id
        session["sid"] = sid
    return person_id


def post(client: FlaskClient, path: str, data: dict[str, Any], token_from: str = "/") -> TestResponse:
    """POST ``data`` with a valid CSRF token of the client's session."""
    return client.post(path, data={"csrf_token": csrf_token(client, token_from), **data})


def text_of(response: TestResponse) -> str:
    """The page as text, whitespace collapsed and entities decoded, for assertions on what a user reads."""
    body = re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))
    return re.sub(r"\s+", " ", html.unescape(body)).strip()


Login = Callable[[FlaskClient, str], TestResponse]


def day(name: str, iso: str) -> dict[str, str]:
    """A GOV.UK date input's three boxes as a browser sends them: ``day("on", "2027-01-04")`` ->
    ``{"on_day": "4", "on_month": "1", "on_year": "2027"}``; text that is not a date goes in the day box."""
    parts = iso.split("-")
    if len(parts) != 3 or not all(p.isdigit() for p in parts):
        return {f"{name}_day": iso, f"{name}_month": "", f"{name}_year": ""}
    year, month, dd = parts
    return {f"{name}_day": str(int(dd)), f"{name}_month": str(int(month)), f"{name}_year": year}


def pdf_text(body: bytes) -> str:
    """The text a PDF shows, page after page (read with pypdf, as a reader's copy and paste would)."""
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)
