"""The open-data files themselves, as bytes by file name, and writing them to a folder all at once. The web
serves these bytes and ``banns export open-data`` writes them, so both give identical files."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import shutil
import tempfile
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..engine.db import Database
from ..engine.errors import N_, InvalidError
from ..engine.registry import Registry
from .collect import Export, Row, decimal_text, read_open_data
from .datasets import DATASETS, Dataset
from .schemas import csv_name, data_package, json_name, json_schema, schema_name

PACKAGE = "datapackage.json"


def _csv_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return decimal_text(value)
    if isinstance(value, date):
        return value.isoformat()
    if not isinstance(value, str):
        return str(value)
    text = value
    # a name that begins like a formula (=, +, -, @, or a tab or carriage return) would run as one when the
    # file is opened in a spreadsheet: a leading apostrophe keeps it text (OWASP's advice on CSV injection)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _json_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return decimal_text(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def _json_bytes(data: Any) -> bytes:
    return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def csv_bytes(dataset: Dataset, rows: list[Row]) -> bytes:
    """UTF-8, a header row of the field names, RFC 4180 line ends."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(dataset.field_names)
    writer.writerows([_csv_value(v) for v in row] for row in rows)
    return buffer.getvalue().encode("utf-8")


def json_bytes(dataset: Dataset, rows: list[Row]) -> bytes:
    return _json_bytes(
        {
            "dataset": dataset.name,
            "rows": [dict(zip(dataset.field_names, map(_json_value, row), strict=True)) for row in rows],
        }
    )


def render(export: Export) -> dict[str, bytes]:
    """Every file, by name: each dataset as CSV and JSON with its JSON Schema, and ``datapackage.json``."""
    files = {PACKAGE: _json_bytes(data_package(export.changed_at))}
    for d in DATASETS:
        rows = export.tables[d.name]
        files[csv_name(d)] = csv_bytes(d, rows)
        files[json_name(d)] = json_bytes(d, rows)
        files[schema_name(d)] = _json_bytes(json_schema(d))
    return files


def open_data_files(db: Database, registry: Registry) -> tuple[Export, dict[str, bytes]]:
    """The open data as it is now, and its files."""
    export = read_open_data(db, registry)
    return export, render(export)


def digest(files: Mapping[str, bytes]) -> str:
    """One hash of every file's name and content: the same data, the same digest (an HTTP ETag)."""
    h = hashlib.sha256()
    for name in sorted(files):
        h.update(name.encode("utf-8") + b"\0" + hashlib.sha256(files[name]).digest())
    return h.hexdigest()


def _replaceable(folder: Path) -> bool:
    """Whether ``folder`` is empty or holds only what an export writes (so replacing it loses nothing else)."""
    entries = list(folder.iterdir())
    if not entries:
        return True
    names = {e.name for e in entries}
    return PACKAGE in names and all(e.is_file() and e.suffix in (".csv", ".json") for e in entries)


def write_all(files: Mapping[str, bytes], folder: Path) -> None:
    """Write the files into ``folder`` all at once: first into a new folder beside it, then renamed into
    place, so that a reader never sees some files old and some new, or one half-written. A folder that exists
    is replaced whole, so it must be empty or hold only an earlier export (its files, nothing else).

    Raises:
        InvalidError: the folder cannot be written (not a folder, no permission, disk full), or it holds other
            files than an export's.
    """
    folder = folder.absolute()
    parent = folder.parent
    try:
        if folder.exists() and not folder.is_dir():
            raise InvalidError(N_("{folder} is a file, not a folder"), field="dir", folder=str(folder))
        if folder.exists() and not os.access(folder, os.W_OK):
            raise InvalidError(N_("cannot write to {folder}: permission denied"), field="dir", folder=str(folder))
        if folder.exists() and not _replaceable(folder):
            raise InvalidError(
                N_("{folder} holds other files: give a new or empty folder, or one an export wrote before"),
                field="dir",
                folder=str(folder),
            )
        staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=parent))
    except OSError as exc:
        raise InvalidError(
            N_("cannot write to {folder}: {detail}"), field="dir", folder=str(parent), detail=exc.strerror or str(exc)
        ) from None
    old = parent / f"{staging.name}.old"
    try:
        os.chmod(staging, 0o755)
        for name, content in files.items():
            (staging / name).write_bytes(content)
        if folder.exists():
            folder.rename(old)
        staging.rename(folder)
    except OSError as exc:
        if old.exists() and not folder.exists():
            old.rename(folder)
        raise InvalidError(
            N_("cannot write to {folder}: {detail}"), field="dir", folder=str(folder), detail=exc.strerror or str(exc)
        ) from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        shutil.rmtree(old, ignore_errors=True)
