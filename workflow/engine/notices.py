"""Dated notices: a plug-in asks for one email to one person on a programme about one thing by a date (a RAID
entry's review date). Sources are found through the ``banns.dated_notices`` entry point group, so the
reminders know no plug-in and the plug-ins send nothing: the reminders choose the day (a working day on or
before the date) and send each notice once."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib.metadata import entry_points
from typing import Any

from sqlalchemy.orm import Session


@dataclass(frozen=True)
class DatedNotice:
    programme_id: int
    person_id: int
    #: Names the thing within the programme (``raid.12``); with the date it names the occurrence.
    key: str
    #: The message's template (``raid_review``).
    kind: str
    due: date
    #: Facts for the template: ids, names, dates, numbers; never sentences.
    values: dict[str, Any]


#: ``source(session, programme_ids or None for all) -> notices``
NoticeSource = Callable[[Session, "list[int] | None"], list[DatedNotice]]


@cache
def notice_sources() -> tuple[NoticeSource, ...]:
    """Every installed source of dated notices."""
    return tuple(ep.load() for ep in sorted(entry_points(group="banns.dated_notices"), key=lambda ep: ep.name))
