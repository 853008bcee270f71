"""The open data kept between requests: rebuilt only when a programme changed since it was built.

Every change to a programme moves its version in the change's own transaction, and publishing or withdrawing
a programme is such a change; so the number of programmes, the sum of their versions and the highest id
(a stamp read in one statement) differ as soon as anything the open data shows has changed. The stamp is read
before the data: a change committed in between makes the next request rebuild, never keeps stale files.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Mapping

from sqlalchemy import func, select

from ..engine.db import Database
from ..engine.models import Programme
from ..engine.registry import Registry
from .collect import Export
from .files import open_data_files

_STAMP = select(func.count(Programme.id), func.coalesce(func.sum(Programme.version_id), 0), func.max(Programme.id))

Stamp = tuple[int, int, int | None]


class _Kept:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.stamp: Stamp | None = None
        self.files: tuple[Export, Mapping[str, bytes]] | None = None


_kept: weakref.WeakKeyDictionary[Database, _Kept] = weakref.WeakKeyDictionary()
_kept_lock = threading.Lock()


def stamp(db: Database) -> Stamp:
    """What changes whenever the open data may have: programmes, their versions, the newest id."""
    with db.read() as session:
        count, versions, newest = session.execute(_STAMP).one()
    return int(count), int(versions), newest


def kept_open_data(db: Database, registry: Registry) -> tuple[Export, Mapping[str, bytes]]:
    """The open data and its files, as :func:`~.files.open_data_files` builds them, from memory while nothing
    has changed (one statement instead of a dozen and the rendering of every file)."""
    with _kept_lock:
        kept = _kept.setdefault(db, _Kept())
    now = stamp(db)
    with kept.lock:  # one rebuild at a time; the others wait for it rather than build the same
        if kept.stamp != now or kept.files is None:
            export, files = open_data_files(db, registry)
            kept.stamp, kept.files = now, (export, files)
        return kept.files
