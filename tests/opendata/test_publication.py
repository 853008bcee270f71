"""Publishing a programme as open data: only its managers (and admins) may, each change is one event with its
actor and a new version, and the open data holds exactly the programmes published at the time."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from opendata_support import small_programme

from workflow.engine.db import Database
from workflow.engine.errors import ConflictError, NotAllowedError
from workflow.engine.importer import load_programme
from workflow.engine.permissions import Actor
from workflow.engine.programmes import Programmes
from workflow.engine.registry import Registry
from workflow.engine.views import ProgrammeView
from workflow.opendata.files import open_data_files

ROOT = Path(__file__).resolve().parents[2]


def _actor(programmes: Programmes, first: str) -> Actor:
    view = programmes.get(programmes.list()[0].id)
    return programmes.actor(next(r.email for r in view.roles if r.email.startswith(f"{first}.")))


def _published(programmes: Programmes) -> set[int]:
    content = open_data_files(programmes.db, programmes.registry)[1]["programmes.csv"].decode("utf-8")
    return {int(row["programme_id"]) for row in csv.DictReader(io.StringIO(content))}


def test_a_manager_publishes_and_withdraws_and_the_log_names_them(
    programmes: Programmes, sample: ProgrammeView
) -> None:
    priya = _actor(programmes, "priya")
    before = programmes.get(sample.id)
    assert before.published_at is None and _published(programmes) == set()
    after = programmes.publish(sample.id, True, priya, expected_version=before.version).built()
    assert after.published_at == programmes.clock() and after.version == before.version + 1
    assert _published(programmes) == {sample.id}
    again = programmes.publish(sample.id, True, priya)  # already published: nothing changes, nothing logged
    assert again.version == after.version
    withdrawn = programmes.publish(sample.id, False, priya).built()
    assert withdrawn.published_at is None and _published(programmes) == set()
    events = [(e.kind, e.actor) for e in programmes.history(sample.id)][-2:]
    assert events == [("published", "Priya Shah"), ("unpublished", "Priya Shah")]


def test_only_managers_and_admins_publish(programmes: Programmes, sample: ProgrammeView) -> None:
    for first in ("tom", "sam", "aisha"):  # a signatory, an observer, a steering member
        with pytest.raises(NotAllowedError):
            programmes.publish(sample.id, True, _actor(programmes, first))
    programmes.publish(sample.id, True)  # the system operator (an admin)
    assert _published(programmes) == {sample.id}


def test_publishing_from_a_stale_version_is_a_conflict(programmes: Programmes, sample: ProgrammeView) -> None:
    programmes.edit(sample.id, name="Renamed", description="", plan={})
    with pytest.raises(ConflictError):
        programmes.publish(sample.id, True, expected_version=sample.version)
    assert _published(programmes) == set()


@pytest.fixture(scope="module")
def three_programmes(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database with the sample and two small programmes, none published, built once."""
    path = tmp_path_factory.mktemp("three") / "banns.sqlite3"
    shutil.copy(sqlite_template, path)
    db = Database(f"sqlite:///{path}")
    engine = Programmes(db, Registry(ROOT / "definitions"))
    spec, located = load_programme(ROOT / "examples" / "northbridge-southmoor.yaml")
    engine.start(spec, located)
    small_programme(engine, "Second programme")
    small_programme(engine, "Third programme")
    db.dispose()
    return path


@settings(max_examples=25, deadline=None)
@given(steps=st.lists(st.tuples(st.sampled_from([1, 2, 3]), st.booleans()), max_size=12))
def test_any_sequence_of_publishing_leaves_exactly_the_published_set(
    three_programmes: Path, tmp_path_factory: pytest.TempPathFactory, steps: list[tuple[int, bool]]
) -> None:
    path = tmp_path_factory.mktemp("run") / "banns.sqlite3"
    shutil.copy(three_programmes, path)
    db = Database(f"sqlite:///{path}")
    try:
        engine = Programmes(db, Registry(ROOT / "definitions"))
        expected: set[int] = set()
        for pid, public in steps:
            before = len(engine.history(pid))
            engine.publish(pid, public)
            logged = len(engine.history(pid)) - before
            assert logged == (0 if (pid in expected) == public else 1)
            expected = expected | {pid} if public else expected - {pid}
            assert _published(engine) == expected
        names = open_data_files(db, engine.registry)[1]["partners.csv"].decode("utf-8")
        assert ("Westshire Council" in names) == bool(expected & {2, 3})
    finally:
        db.dispose()
