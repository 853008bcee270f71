"""Where definitions come from: the YAML files on disk for new programmes, the stored text for running ones.

A programme is pinned to the hash of the definition text it started with. That text is stored in the
database (``definition_versions``), so editing or deleting a file never changes a running programme; a
newer version is adopted only through :meth:`workflow.engine.programmes.Programmes.migrate_definition`.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from .definitions import Definition, DefinitionError, definition_files, load_definition, parse_definition
from .errors import NotFoundError
from .models import DefinitionVersion
from .yamlsource import Problem


@dataclass(frozen=True)
class Catalogue:
    """The definitions found in a folder: the valid ones by id, and the problems of the others."""

    definitions: dict[str, Definition]
    problems: dict[str, list[Problem]]


class Registry:
    """Definitions by id (latest files) and by content hash (pinned), parsed once and cached."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._by_hash: dict[str, Definition] = {}
        self._lock = threading.Lock()

    def catalogue(self) -> Catalogue:
        """Read every file in the folder afresh."""
        found: dict[str, Definition] = {}
        problems: dict[str, list[Problem]] = {}
        for path in definition_files([self.folder]) if self.folder.is_dir() else []:
            try:
                definition = load_definition(path)
            except DefinitionError as exc:
                problems[str(path)] = exc.problems
                continue
            if definition.id in found:
                other = found[definition.id].source_file
                problems[str(path)] = [
                    Problem(str(path), 1, "id", f"duplicate definition id '{definition.id}' (also in {other})")
                ]
                continue
            found[definition.id] = definition
            self._remember(definition)
        return Catalogue(found, problems)

    def latest(self, definition_id: str) -> Definition:
        """The definition with this id as its file says now.

        Raises:
            NotFoundError: no valid file defines it.
        """
        catalogue = self.catalogue()
        if definition_id in catalogue.definitions:
            return catalogue.definitions[definition_id]
        broken = [f for f, ps in catalogue.problems.items() if Path(f).stem == definition_id]
        if broken:
            detail = "; ".join(str(p) for p in catalogue.problems[broken[0]][:3])
            raise NotFoundError(f"definition '{definition_id}' is broken: {detail}")
        known = ", ".join(sorted(catalogue.definitions)) or "none"
        raise NotFoundError(f"no definition '{definition_id}' in {self.folder}; known: {known}")

    def pinned(self, session: Session, source_hash: str) -> Definition:
        """The definition a programme is pinned to, from the cache or the stored text.

        Raises:
            NotFoundError: the stored text is missing (the database was edited by hand).
        """
        definition = self._by_hash.get(source_hash)
        if definition is not None:
            return definition
        row = session.get(DefinitionVersion, source_hash)
        if row is None:
            raise NotFoundError(f"definition content {source_hash[:12]} is not stored in the database")
        definition = parse_definition(row.source_text, row.source_file)
        self._remember(definition)
        return definition

    def store(self, session: Session, definition: Definition, now: datetime) -> None:
        """Keep the definition's text in the database, once per content hash."""
        if session.get(DefinitionVersion, definition.source_hash) is None:
            session.add(
                DefinitionVersion(
                    hash=definition.source_hash,
                    definition_id=definition.id,
                    version=definition.version,
                    title=definition.title,
                    source_file=definition.source_file,
                    source_text=definition.source_text,
                    stored_at=now,
                )
            )
        self._remember(definition)

    def stored_versions(self, session: Session, definition_id: str) -> list[DefinitionVersion]:
        rows = session.scalars(
            select(DefinitionVersion)
            .where(DefinitionVersion.definition_id == definition_id)
            .order_by(DefinitionVersion.version, DefinitionVersion.stored_at)
        )
        return list(rows)

    def _remember(self, definition: Definition) -> None:
        with self._lock:
            self._by_hash.setdefault(definition.source_hash, definition)
