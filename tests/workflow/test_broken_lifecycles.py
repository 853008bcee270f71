"""A broken or missing lifecycle never takes the portfolio down: a programme whose stored lifecycle no longer
reads is named with the problem while every other programme works; a lifecycle file that disappeared leaves
its programmes running on their stored copy; two files with one id are a definitions error naming both."""

from __future__ import annotations

import hashlib
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import update

from tests.words_support import said
from workflow.engine.db import Database
from workflow.engine.errors import BrokenDefinitionError, NotFoundError
from workflow.engine.importer import parse_programme
from workflow.engine.models import DefinitionVersion, Programme
from workflow.engine.permissions import Actor
from workflow.engine.portfolio import Portfolio, PortfolioQuery
from workflow.engine.programmes import Programmes
from workflow.engine.registry import Registry
from workflow.engine.views import ProgrammeView
from workflow.words import describe, say

ROOT = Path(__file__).resolve().parents[2]
DEFINITIONS = ROOT / "definitions"
ADMIN = Actor(None, "admin", True)
OTHER = """\
name: Shared chief executive
definition: shared-management
partners:
  - {name: Westshire Council, kind: unitary_council, population: 50000, net_budget: "1000000.00"}
  - {name: Dale Council, kind: district_council, population: 40000, net_budget: "900000.00"}
people:
  - {name: Owen Other, email: owen.other@westshire.example, roles: [programme_manager]}
"""


def break_stored_text(db: Database, definition_id: str) -> None:
    """Pin the programmes on ``definition_id`` to a stored text that no longer reads, as text stored by an older
    banns (or naming a figure check whose plug-in has gone) would: a new row, with its own hash."""
    with db.write() as session:
        row = session.query(DefinitionVersion).filter_by(definition_id=definition_id).one()
        text = row.source_text.replace("stages:", "stagez:", 1)
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        session.add(
            DefinitionVersion(
                hash=digest,
                definition_id=row.definition_id,
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
    """The sample (shared-service) and a second programme (shared-management); the sample's stored lifecycle
    no longer reads."""
    other = programmes.start(*parse_programme(OTHER, "other.yaml"))
    break_stored_text(programmes.db, "shared-service")
    return sample, other


def fresh(db: Database, folder: Path = DEFINITIONS) -> Programmes:
    """An engine with an empty cache, as a newly started process has."""
    return Programmes(db, Registry(folder), clock=lambda: datetime(2027, 1, 5, 9, tzinfo=UTC))


def test_the_broken_programme_is_named_and_the_others_work(
    db: Database, two: tuple[ProgrammeView, ProgrammeView]
) -> None:
    broken, fine = two
    engine = fresh(db)
    with pytest.raises(BrokenDefinitionError) as caught:
        engine.get(broken.id)
    message = say(caught.value)
    assert "lifecycle this programme runs on cannot be read" in message
    assert "shared-service version 2" in message and "stages" in message
    assert engine.get(fine.id).name == fine.name
    criterion = engine.registry.latest("shared-management").gates[fine.state].criteria[0].id
    assert engine.record_evidence(fine.id, criterion, "In the minutes").version > fine.version  # changes work too
    listed = {s.id: s for s in engine.list()}
    assert listed[broken.id].state_title == "courtship (its lifecycle cannot be read)"
    assert listed[fine.id].state_title != ""


def test_the_portfolio_page_lists_every_programme_with_the_problem(
    db: Database, two: tuple[ProgrammeView, ProgrammeView]
) -> None:
    broken, fine = two
    engine = fresh(db)
    page = Portfolio(db, engine.registry).page(ADMIN, PortfolioQuery(), datetime(2027, 1, 5, tzinfo=UTC))
    rows = {r.id: r for r in page.rows}
    assert set(rows) == {broken.id, fine.id}
    problem = rows[broken.id].problem
    assert problem is not None and "no longer reads" in describe(problem) and rows[broken.id].state_title == "Courtship"
    assert rows[fine.id].problem is None


def test_my_work_tells_the_manager_why_and_shows_the_rest(
    db: Database, two: tuple[ProgrammeView, ProgrammeView], people: dict[str, int]
) -> None:
    broken, _ = two
    engine = fresh(db)
    priya = engine.actor("priya.shah@northbridge.example")
    work = Portfolio(db, engine.registry).my_work(priya)
    [gate] = [m for m in work.managed if m.programme_id == broken.id]
    assert not gate.ready and "cannot be read" in said(gate.waiting_on[0])


def test_the_command_line_says_so_with_exit_2_and_lists_the_others(
    cli: Any, two: tuple[ProgrammeView, ProgrammeView]
) -> None:
    broken, fine = two
    shown = cli("programme", "show", broken.id, ok=False)
    assert shown.exit_code == 2 and "cannot be read" in shown.output and "Traceback" not in shown.output
    listed = cli("programme", "list").output
    assert "its lifecycle cannot be read" in listed and fine.name in listed


def test_lifecycles_in_use_name_the_unreadable_one_and_a_missing_file(
    db: Database, two: tuple[ProgrammeView, ProgrammeView], tmp_path: Path
) -> None:
    folder = tmp_path / "definitions"
    folder.mkdir()
    shutil.copy(DEFINITIONS / "shared-service.yaml", folder)  # shared-management's file has gone
    engine = fresh(db, folder)
    in_use = {u.definition_id: u for u in Portfolio(db, engine.registry).lifecycles_in_use()}
    problem = in_use["shared-service"].problem
    assert problem is not None and "no longer reads" in describe(problem) and in_use["shared-service"].file_version == 2
    assert in_use["shared-management"].problem is None and in_use["shared-management"].file_version is None
    assert in_use["shared-management"].programmes == 1


def test_a_programme_whose_file_disappeared_keeps_running_on_its_stored_copy(
    db: Database, sample: ProgrammeView, tmp_path: Path
) -> None:
    engine = fresh(db, tmp_path)  # an empty definitions folder
    assert engine.record_evidence(sample.id, "partners_named", "In the minutes").version > sample.version
    with pytest.raises(NotFoundError, match="no definition 'shared-service'"):
        engine.migrate_definition(sample.id, "adopt the newer file")


# --- two files with one id ------------------------------------------------------------------------------


@pytest.fixture
def doubled(tmp_path: Path) -> Path:
    folder = tmp_path / "definitions"
    shutil.copytree(DEFINITIONS, folder)
    shutil.copy(folder / "shared-service.yaml", folder / "shared-service-copy.yaml")
    return folder


def test_two_files_with_one_id_are_both_refused_naming_each_other(doubled: Path) -> None:
    catalogue = Registry(doubled).catalogue()
    assert "shared-service" not in catalogue.definitions and "shared-management" in catalogue.definitions
    assert catalogue.duplicates == {
        "shared-service": [str(doubled / "shared-service-copy.yaml"), str(doubled / "shared-service.yaml")]
    }
    [copy_problem] = catalogue.problems[str(doubled / "shared-service-copy.yaml")]
    assert "another file defines the same id 'shared-service': shared-service.yaml" in copy_problem.text
    with pytest.raises(NotFoundError) as caught:
        Registry(doubled).latest("shared-service")
    assert "defined twice, in shared-service-copy.yaml and shared-service.yaml" in str(caught.value)


def test_definitions_check_exits_2_naming_both_files(cli: Any, doubled: Path) -> None:
    result = cli("definitions", "check", doubled, ok=False)
    assert result.exit_code == 2
    copy, original = doubled / "shared-service-copy.yaml", doubled / "shared-service.yaml"
    assert f"WRONG  {copy}" in result.output and f"WRONG  {original}" in result.output
    assert f"another file defines the same id 'shared-service': {original}" in result.output
    assert f"another file defines the same id 'shared-service': {copy}" in result.output
    assert "1 of 3 definitions valid" in result.output


def test_a_missing_definitions_folder_is_a_problem_not_an_empty_list(tmp_path: Path) -> None:
    catalogue = Registry(tmp_path / "nowhere").catalogue()
    assert catalogue.definitions == {}
    assert [p.text for p in catalogue.problems[str(tmp_path / "nowhere")]] == ["the definitions folder does not exist"]


def test_an_edited_file_is_read_again(tmp_path: Path) -> None:
    path = tmp_path / "shared-service.yaml"
    shutil.copy(DEFINITIONS / "shared-service.yaml", path)
    registry = Registry(tmp_path)
    assert registry.latest("shared-service").version == 2
    path.write_text(path.read_text(encoding="utf-8").replace("version: 2", "version: 3", 1), encoding="utf-8")
    assert registry.latest("shared-service").version == 3
