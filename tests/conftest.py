"""Fixtures shared by every test: a migrated database per test (SQLite, and PostgreSQL when
``BANNS_TEST_DATABASE_URL`` is set), the engine on it, a clock the test controls, and the ``banns`` CLI."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import create_engine, make_url, text

from workflow.cli.commands import main
from workflow.engine import schema
from workflow.engine.db import Database, normalise_url
from workflow.engine.importer import load_programme
from workflow.engine.models import Base
from workflow.engine.programmes import Programmes
from workflow.engine.registry import Registry
from workflow.engine.views import ProgrammeView

schema.load_all_models()
ROOT = Path(__file__).resolve().parent.parent
DEFINITIONS = ROOT / "definitions"
EXAMPLE = ROOT / "examples" / "northbridge-southmoor.yaml"
POSTGRES_URL = os.environ.get("BANNS_TEST_DATABASE_URL")
BACKENDS = ["sqlite", *(["postgresql"] if POSTGRES_URL else [])]


@dataclass
class Clock:
    """A clock the test moves by hand; starts on a Monday morning in UTC."""

    now: datetime = datetime(2027, 1, 4, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One SQLite file migrated by Alembic; each test gets a copy (much faster than migrating each time)."""
    path = tmp_path_factory.mktemp("template") / "banns.sqlite3"
    db = Database(f"sqlite:///{path}")
    schema.upgrade(db)
    with db.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    db.dispose()
    return path


def _worker_database(url: str) -> str:
    """Under pytest-xdist each worker gets its own database beside the configured one (``test_gw0``, ...),
    created on first use, so that workers never truncate each other's tables."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return url
    base = make_url(normalise_url(url))
    name = f"{base.database}_{worker}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).first() is None:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def postgres_ready() -> str:
    """Migrate the PostgreSQL test database once per run (per worker under xdist), from an empty schema."""
    assert POSTGRES_URL
    url = _worker_database(POSTGRES_URL)
    db = Database(url)
    with db.engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    schema.upgrade(db)
    db.dispose()
    return url


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        path = tmp_path / "banns.sqlite3"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite:///{path}"
        return
    url = request.getfixturevalue("postgres_ready")
    db = Database(url)
    tables = ", ".join(t.name for t in reversed(Base.metadata.sorted_tables))
    with db.engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    db.dispose()
    yield url


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    database = Database(database_url)
    yield database
    database.dispose()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def programmes(db: Database, clock: Clock) -> Programmes:
    return Programmes(db, Registry(DEFINITIONS), clock=clock)


@pytest.fixture
def sample(programmes: Programmes) -> ProgrammeView:
    """The example programme: three fictional district councils at courtship."""
    spec, located = load_programme(EXAMPLE)
    return programmes.start(spec, located).built()


@pytest.fixture
def people(sample: ProgrammeView) -> dict[str, int]:
    """Person ids of the sample programme by first name in lower case (``tom``, ``aisha``, ...)."""
    return {r.person_name.split()[0].lower(): r.person_id for r in sample.roles}


class Cli:
    """Runs ``banns`` in-process against the test's database and instance folder."""

    def __init__(self, instance: Path, database_url: str) -> None:
        self.env = {
            "BANNS_INSTANCE": str(instance),
            "BANNS_DATABASE_URL": database_url,
            "BANNS_DEFINITIONS_DIR": str(DEFINITIONS),
        }
        self.runner = CliRunner()

    def __call__(self, *args: str | int, ok: bool = True, input: str | None = None) -> Result:
        result = self.runner.invoke(main, [str(a) for a in args], input=input, env=self.env, catch_exceptions=False)
        if ok and result.exit_code != 0:
            raise AssertionError(f"banns {' '.join(map(str, args))} exited {result.exit_code}:\n{result.output}")
        return result


@pytest.fixture
def cli(tmp_path: Path, database_url: str) -> Cli:
    return Cli(tmp_path / "instance", database_url)
