"""The reminder scan: which reminders are due now, for every programme at once, written to the outbox.

Set-based: a fixed handful of queries reads what every programme's rules need (programmes, their pinned
definitions, current partners, role holders, the decisions that count, stage plans, review start dates,
mail preferences), the rules are applied in memory (:mod:`.duties`), and the messages go in with two
insert-if-absent statements. The number of statements does not grow with the number of programmes.

Each reminder is keyed by its occurrence, ``rule:<programme>:<rule>:<person>:<due date>``: scanning again
(in a minute, or after a restart) writes nothing new; a person who has signed is no longer asked.

A repeat scan reads only what changed. What is due depends on the day and on the facts above, and every change
to those facts is an event: a programme's own (its moves, gate, people, plans, transfers, deputies, records,
money) or the site's own (an account deactivated or reactivated; a sign-in or a language chosen changes
nothing that is due). So the scan remembers, per database and per
process, the day, the site's last event, each programme's version and how many reminders each programme had
due; the next scan on the same day, with no new site event, reads the facts of only the programmes whose
version has moved since (every change to a programme moves its version in the change's own transaction, so no
change committed late is missed), and one with nothing new reads only the versions. A new day, a new site
event, or a new process scans everything again.
"""

from __future__ import annotations

import threading
import weakref
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, bindparam, func, or_, select
from sqlalchemy.orm import Session

from workflow.engine import gates
from workflow.engine.db import Database
from workflow.engine.definitions import Definition, parse_definition
from workflow.engine.models import (
    DefinitionVersion,
    Event,
    Partner,
    Person,
    Programme,
    RoleAssignment,
    SignOff,
    StaffTransfer,
    StagePlan,
)
from workflow.engine.notices import DatedNotice, notice_sources

from .decision_duties import load_decision_dates
from .duties import REVIEW_STAGE, TRANSFER_STAGE, Due, Facts, Holder, Transfer, due_reminders, uk_date
from .language import language_of
from .models import HELD, INDIVIDUAL, PENDING, MailPreference, OutboxMessage
from .outbox import deputies_of, insert_all, rows_for

_definitions: dict[str, Definition] = {}
_lock = threading.Lock()


@dataclass
class _Seen:
    """What the last scan of a database saw: its day, the site's last event, each programme's version (which
    moves on with every change to it, in the change's own transaction), and each programme's due reminders."""

    today: date
    last_site_event: int
    versions: dict[int, int] = field(default_factory=dict)
    due: dict[int, int] = field(default_factory=dict)


_seen: weakref.WeakKeyDictionary[Database, _Seen] = weakref.WeakKeyDictionary()
#: the site's events that change what is due: an account deactivated (its holder drops out) or reactivated
_WHO_MAY_BE_SENT = ("person_deactivated", "person_reactivated")
_SITE_MARK = select(func.max(Event.seq)).where(Event.programme_id.is_(None), Event.kind.in_(_WHO_MAY_BE_SENT))
_VERSIONS = select(Programme.id, Programme.version_id)


def scan(db: Database, now: datetime) -> int:
    """Write every reminder due at ``now`` that is not in the outbox yet; returns how many were due
    (written now or before)."""
    today = uk_date(now)
    with db.write() as session:
        site_mark = session.connection().execute(_SITE_MARK).scalar() or 0
        versions: dict[int, int] = {pid: v for pid, v in session.connection().execute(_VERSIONS)}
        with _lock:
            seen = _seen.get(db)
        if seen is None or seen.today != today or seen.last_site_event != site_mark:
            seen, ids = _Seen(today, site_mark), None
        else:
            ids = sorted(pid for pid, version in versions.items() if seen.versions.get(pid) != version)
            if not ids and len(versions) == len(seen.versions):
                return sum(seen.due.values())
        facts = load_facts(session, ids, today=today) if ids != [] else []
        dues = [(f, d) for f in facts for d in due_reminders(f, today)]
        _write(session, dues, now)
    counts = {pid: 0 for pid in (ids if ids is not None else versions)}
    for f, _due in dues:  # (a programme committed after the versions were read counts at the next scan too)
        counts[f.id] = counts.get(f.id, 0) + 1
    seen.due = {pid: n for pid, n in {**seen.due, **counts}.items() if pid in versions}
    seen.versions = versions
    with _lock:
        _seen[db] = seen
    return sum(seen.due.values())


def forget() -> None:
    """Forget what earlier scans saw, as a new process starts: the next scan of each database reads
    everything."""
    with _lock:
        _seen.clear()


def load_facts(session: Session, programme_ids: list[int] | None = None, today: date | None = None) -> list[Facts]:
    """Facts for every programme (or those given), in a fixed number of queries; with ``today``, also the
    deputies whose delegations run that day and the plug-ins' dated notices."""
    where = [Programme.id.in_(programme_ids)] if programme_ids is not None else []
    programmes = session.connection().execute(select(*_PROGRAMME_COLUMNS).where(*where).order_by(Programme.id)).all()
    definitions = _pinned(session, {p.definition_hash for p in programmes})
    partners, names = _partners(session, programme_ids)
    holders = _holders(session, programme_ids)
    done = _done(session, programme_ids)
    plans = _plans(session, programme_ids)
    reviews = _review_starts(session, programme_ids)
    transfers = _transfers(session, programme_ids)
    decisions = load_decision_dates(session, programme_ids)
    deputies = deputies_of(session, programme_ids, today, holders) if today else {}
    notices: dict[int, list[DatedNotice]] = defaultdict(list)
    for source in notice_sources() if today else ():
        for notice in source(session, programme_ids):
            notices[notice.programme_id].append(notice)
    found = []
    for p in programmes:
        current = partners.get(p.id, {})
        found.append(
            Facts(
                p.id,
                p.name,
                definitions[p.definition_hash],
                p.state,
                p.stage_visit,
                p.sign_off_subject,
                p.sign_off_round,
                p.sign_off_requested_at,
                current,
                [h for h in holders.get(p.id, []) if h.partner_id is None or h.partner_id in current],
                done.get(p.id, set()),
                plans.get(p.id, {}),
                reviews.get(p.id),
                [t for t in transfers.get(p.id, []) if t.partner_id in current],
                list(decisions.get(p.id, [])),
                names.get(p.id, {}),
                deputies.get(p.id, {}),
                notices.get(p.id, []),
            )
        )
    return found


_PROGRAMME_COLUMNS = (
    Programme.id,
    Programme.name,
    Programme.definition_hash,
    Programme.state,
    Programme.stage_visit,
    Programme.sign_off_subject,
    Programme.sign_off_round,
    Programme.sign_off_requested_at,
)


def _partners(session: Session, ids: list[int] | None) -> tuple[dict[int, dict[int, str]], dict[int, dict[int, str]]]:
    """The current partners of each programme: their nations and their names, by partner id."""
    scope = [Partner.programme_id.in_(ids)] if ids is not None else []
    nations: dict[int, dict[int, str]] = defaultdict(dict)
    names: dict[int, dict[int, str]] = defaultdict(dict)
    for pid, partner_id, nation, name in session.connection().execute(
        select(Partner.programme_id, Partner.id, Partner.nation, Partner.name).where(
            Partner.withdrawn_at.is_(None), *scope
        )
    ):
        nations[pid][partner_id] = nation
        names[pid][partner_id] = name
    return nations, names


def _pinned(session: Session, hashes: set[str]) -> dict[str, Definition]:
    """The definitions programmes are pinned to, each text read and parsed once per process (a hash names
    one text for ever): no query at all once they are known."""
    with _lock:
        missing = sorted(hashes - _definitions.keys())
    if missing:
        rows = session.connection().execute(
            select(DefinitionVersion.hash, DefinitionVersion.source_text, DefinitionVersion.source_file).where(
                DefinitionVersion.hash.in_(missing)
            )
        )
        with _lock:
            for hash_, text, file in rows:
                if hash_ not in _definitions:
                    _definitions[hash_] = parse_definition(text, file)
    with _lock:
        return {h: _definitions[h] for h in hashes}


def _holders(session: Session, ids: list[int] | None) -> dict[int, list[Holder]]:
    stmt = select(
        RoleAssignment.programme_id,
        RoleAssignment.person_id,
        Person.name,
        Person.email,
        RoleAssignment.role,
        RoleAssignment.partner_id,
        Person.language,
    ).join(Person, and_(Person.id == RoleAssignment.person_id, Person.deactivated_at.is_(None)))
    if ids is not None:
        stmt = stmt.where(RoleAssignment.programme_id.in_(ids))
    found: dict[int, list[Holder]] = defaultdict(list)
    rows = session.connection().execute(stmt.order_by(RoleAssignment.id))
    for pid, person_id, name, email, role, partner_id, language in rows:
        found[pid].append(Holder(person_id, name, email, role, partner_id, language_of(language)))
    return found


def _done(session: Session, ids: list[int] | None) -> dict[int, set[gates.Capacity]]:
    """Capacities that decided in the open round, or approved on the current evidence, per programme."""
    stmt = select(SignOff.programme_id, SignOff.role, SignOff.partner_id).join(
        Programme,
        and_(
            Programme.id == SignOff.programme_id,
            Programme.state == SignOff.stage,
            Programme.stage_visit == SignOff.stage_visit,
            Programme.sign_off_subject == SignOff.subject,
            Programme.evidence_rev == SignOff.evidence_rev,
            or_(Programme.sign_off_round == SignOff.round, SignOff.decision == gates.APPROVE),
        ),
    )
    if ids is not None:
        stmt = stmt.where(SignOff.programme_id.in_(ids))
    found: dict[int, set[gates.Capacity]] = defaultdict(set)
    for pid, role, partner_id in session.connection().execute(stmt):
        found[pid].add(gates.Capacity(role, partner_id))
    return found


def _plans(session: Session, ids: list[int] | None) -> dict[int, dict[str, tuple[date | None, date | None]]]:
    """The plans the rules read: of each programme's current stage, and of the transfer stage."""
    stmt = select(StagePlan.programme_id, StagePlan.stage, StagePlan.planned_start, StagePlan.planned_end).join(
        Programme,
        and_(
            Programme.id == StagePlan.programme_id,
            or_(StagePlan.stage == Programme.state, StagePlan.stage == TRANSFER_STAGE),
        ),
    )
    if ids is not None:
        stmt = stmt.where(StagePlan.programme_id.in_(ids))
    found: dict[int, dict[str, tuple[date | None, date | None]]] = defaultdict(dict)
    for pid, stage, start, end in session.connection().execute(stmt):
        found[pid][stage] = (start, end)
    return found


def _transfers(session: Session, ids: list[int] | None) -> dict[int, list[Transfer]]:
    stmt = select(
        StaffTransfer.programme_id,
        StaffTransfer.partner_id,
        Partner.name,
        StaffTransfer.transfer_date,
        StaffTransfer.eli_given_on,
        StaffTransfer.consultation_ended_on,
    ).join(Partner, Partner.id == StaffTransfer.partner_id)
    if ids is not None:
        stmt = stmt.where(StaffTransfer.programme_id.in_(ids))
    found: dict[int, list[Transfer]] = defaultdict(list)
    for pid, partner_id, partner, day, eli, ended in session.connection().execute(
        stmt.order_by(StaffTransfer.transfer_date, Partner.name)
    ):
        found[pid].append(Transfer(partner_id, partner, day, eli, ended))
    return found


def _review_starts(session: Session, ids: list[int] | None) -> dict[int, date]:
    stmt = (
        select(Event.programme_id, func.min(Event.at))
        .where(Event.to_state == REVIEW_STAGE)
        .group_by(Event.programme_id)
    )
    if ids is not None:
        stmt = stmt.where(Event.programme_id.in_(ids))
    return {pid: uk_date(at) for pid, at in session.connection().execute(stmt) if pid is not None}


def _write(session: Session, dues: list[tuple[Facts, Due]], now: datetime) -> None:
    """Write the reminders not in the outbox yet: their keys are looked up first, so a scan that finds
    nothing new renders nothing (insert-if-absent still guards against a scan running at the same time)."""
    keyed: dict[str, tuple[Facts, Due]] = {}
    for facts, due in dues:  # the first of a key is the one written, as when both were inserted
        keyed.setdefault(f"rule:{facts.id}:{due.rule}:{due.person.person_id}:{due.due.isoformat()}", (facts, due))
    queued = _queued(session, list(keyed))
    new = {key: found for key, found in keyed.items() if key not in queued}
    if not new:
        return
    prefs = dict(session.connection().execute(select(MailPreference.person_id, MailPreference.mode)).all())
    messages: list[dict[str, Any]] = []
    tokens: list[dict[str, Any]] = []
    for key, (facts, due) in new.items():
        status = PENDING if prefs.get(due.person.person_id, INDIVIDUAL) == INDIVIDUAL else HELD
        message, token = rows_for(key, due.kind, facts, due.person, due.mail, due.sign_link, now, status)
        messages.append(message)
        tokens += [token] if token else []
    insert_all(session, messages, tokens)


#: Keys looked up per statement (within every database's limit on parameters).
_KEYS_PER_QUERY = 10_000
_QUEUED = select(OutboxMessage.key).where(OutboxMessage.key.in_(bindparam("keys", expanding=True)))


def _queued(session: Session, keys: list[str]) -> set[str]:
    """Which of ``keys`` are in the outbox already (one query up to ten thousand keys)."""
    found: set[str] = set()
    for start in range(0, len(keys), _KEYS_PER_QUERY):
        found.update(session.connection().execute(_QUEUED, {"keys": keys[start : start + _KEYS_PER_QUERY]}).scalars())
    return found
