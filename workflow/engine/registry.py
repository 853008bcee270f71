"""Where definitions come from: the YAML files on disk for new programmes, the stored text for running ones.

A programme is pinned to the hash of the definition text it started with. That text is stored in the
database (``definition_versions``), so editing or deleting a file never changes a running programme; a
newer version is adopted only through :meth:`workflow.engine.programmes.Programmes.migrate_definition`.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from .definitions import Definition, DefinitionError, definition_files, parse_definition
from .errors import N_, BrokenDefinitionError, NotFoundError
from .models import DefinitionVersion
from .reasons import DEFINITION_TEXT_MISSING, DEFINITION_UNREADABLE, reason
from .yamlsource import Problem, SourceError, read_source

#: Two files define the same lifecycle id (values: id, others: the other files' names).
SAME_ID = N_("another file defines the same id '{id}': {others}; rename one of them")


@dataclass(frozen=True)
class Catalogue:
    """The definitions found in a folder: the valid ones by id, and the problems of the others.

    Two files defining the same id are both refused (which is the latest would be a guess); ``duplicates``
    names the files of each such id.
    """

    definitions: dict[str, Definition]
    problems: dict[str, list[Problem]]
    duplicates: dict[str, list[str]] = field(default_factory=dict)


class Registry:
    """Definitions by id (latest files) and by content hash (pinned), parsed once and cached."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._by_hash: dict[str, Definition] = {}
        self._broken: dict[str, BrokenDefinitionError] = {}
        self._files: dict[Path, tuple[str, Definition | list[Problem]]] = {}
        self._lock = threading.Lock()

    def catalogue(self) -> Catalogue:
        """Every file in the folder, as it is now (a file is parsed again only when it changes)."""
        if not self.folder.is_dir():
            missing = Problem(str(self.folder), None, "", N_("the definitions folder does not exist"))
            return Catalogue({}, {str(self.folder): [missing]})
        by_id: dict[str, list[Definition]] = {}
        problems: dict[str, list[Problem]] = {}
        for path in definition_files([self.folder]):
            read = self._read(path)
            if isinstance(read, list):
                problems[str(path)] = read
            else:
                by_id.setdefault(read.id, []).append(read)
        duplicates = {i: [d.source_file for d in ds] for i, ds in by_id.items() if len(ds) > 1}
        for definition_id, files in duplicates.items():
            for file in files:
                others = tuple(Path(f).name for f in files if f != file)
                same = {"id": definition_id, "others": others}
                problems[file] = [Problem(file, 1, "id", SAME_ID, same)]
        found = {i: ds[0] for i, ds in by_id.items() if i not in duplicates}
        return Catalogue(found, dict(sorted(problems.items())), duplicates)

    def latest(self, definition_id: str) -> Definition:
        """The definition with this id as its file says now.

        Raises:
            NotFoundError: no valid file defines it (or two files do).
        """
        catalogue = self.catalogue()
        if definition_id in catalogue.definitions:
            return catalogue.definitions[definition_id]
        if definition_id in catalogue.duplicates:
            *files, last = (Path(f).name for f in catalogue.duplicates[definition_id])
            raise NotFoundError(
                N_("definition '{definition_id}' is defined twice, in {files} and {last}; rename one of them"),
                definition_id=definition_id,
                files=tuple(files),
                last=last,
            )
        broken = [f for f in catalogue.problems if Path(f).stem == definition_id]
        if broken:
            raise NotFoundError(
                N_("definition '{definition_id}' is broken: {problems}"),
                definition_id=definition_id,
                problems=tuple(catalogue.problems[broken[0]][:3]),
            )
        known = tuple(sorted(catalogue.definitions))
        raise NotFoundError(
            N_("no definition '{definition_id}' in {folder}; known: {known}")
            if known
            else N_("no definition '{definition_id}' in {folder}; none is known"),
            definition_id=definition_id,
            folder=self.folder,
            known=known,
        )

    def pinned(self, session: Session, source_hash: str) -> Definition:
        """The definition a programme is pinned to, from the cache or the stored text.

        Raises:
            BrokenDefinitionError: the stored text is missing (the database was edited by hand) or no longer
                reads (a figure check it names is not installed, or this banns reads it differently).
        """
        definition = self._by_hash.get(source_hash)
        if definition is not None:
            return definition
        if source_hash in self._broken:
            raise self._broken[source_hash]
        row = session.get(DefinitionVersion, source_hash)
        try:
            if row is None:
                raise BrokenDefinitionError(source_hash, reason(DEFINITION_TEXT_MISSING, hash=source_hash[:12]))
            definition = parse_definition(row.source_text, row.source_file)
        except DefinitionError as exc:
            assert row is not None
            detail = (*exc.problems[:3], *(["..."] if len(exc.problems) > 3 else []))  # joined "; " by the words
            why = reason(DEFINITION_UNREADABLE, lifecycle=row.definition_id, version=row.version, detail=detail)
            broken = BrokenDefinitionError(source_hash, why)
            self._broken[source_hash] = broken
            raise broken from None
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

    def _read(self, path: Path) -> Definition | list[Problem]:
        """The file's definition or its problems; parsed again only when its text changes."""
        try:
            text = read_source(path)
        except SourceError as exc:
            return exc.problems
        cached = self._files.get(path)
        if cached is not None and cached[0] == text:
            return cached[1]
        read: Definition | list[Problem]
        try:
            read = definition = parse_definition(text, str(path))
        except DefinitionError as exc:
            read = exc.problems
        else:
            self._remember(definition)
        with self._lock:
            self._files[path] = (text, read)
        return read
