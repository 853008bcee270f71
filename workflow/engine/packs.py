"""Decision packs: what a person was shown when they decided, frozen.

A pack holds the gate's criteria, each piece of current evidence (text, link, who recorded it and when; an
uploaded file's content hash where files exist), the figures the gate checks with their verdicts, and the
note of the request. Its SHA-256 over canonical JSON names it. A decision is bound to the round and the pack
it was given on: it is refused only when the pack has changed since the person loaded it, or the round has
closed. Packs are stored once per content and never change, so an earlier pack stays readable after the
evidence moves on.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from .definitions import Definition
from .gate_inputs import figures_for
from .models import DecisionPack, Event, Evidence, Person, Programme

#: The version of the pack's layout, part of what is hashed.
PACK_FORMAT = 1


@dataclass(frozen=True)
class PackView:
    """A stored decision pack, as the gate page and the decision show it."""

    hash: str
    programme_id: int
    stage: str
    subject: str
    round: int
    content: dict[str, Any]
    created_at: datetime


def pack_content(session: Session, programme: Programme, definition: Definition) -> dict[str, Any]:
    """What a decision on the open request would be given on now (the caller holds the programme's row)."""
    gate = definition.gates[programme.state]
    evidence = _current_evidence(session, programme)
    figures = figures_for(session, programme, definition) if programme.sign_off_subject == "gate" else {}
    request = session.execute(
        select(Event.reason, Event.actor, Event.at)
        .where(Event.programme_id == programme.id, Event.kind == "sign_off_requested")
        .order_by(Event.seq.desc())
        .limit(1)
    ).first()
    return {
        "format": PACK_FORMAT,
        "programme_id": programme.id,
        "stage": programme.state,
        "stage_title": definition.state_title(programme.state),
        "stage_visit": programme.stage_visit,
        "subject": programme.sign_off_subject,
        "round": programme.sign_off_round,
        "evidence_rev": programme.evidence_rev,
        "criteria": [
            {"id": c.id, "title": c.title, "required": c.required, "figures": c.figures} for c in gate.criteria
        ],
        "evidence": evidence,
        "figures": {name: {"met": met, "why": str(why)} for name, (met, why) in sorted(figures.items())},  # English
        "request": {"note": request[0], "by": request[1], "at": _iso(request[2])} if request else None,
    }


def pack_hash(content: dict[str, Any]) -> str:
    text = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def freeze(session: Session, programme: Programme, content: dict[str, Any], now: datetime) -> str:
    """Store the pack (once per content) and return its hash."""
    digest = pack_hash(content)
    exists = session.scalar(
        select(DecisionPack.id).where(DecisionPack.programme_id == programme.id, DecisionPack.hash == digest)
    )
    if exists is None:
        session.add(
            DecisionPack(
                programme_id=programme.id,
                hash=digest,
                stage=programme.state,
                stage_visit=programme.stage_visit,
                subject=programme.sign_off_subject or "gate",
                round=programme.sign_off_round,
                evidence_rev=programme.evidence_rev,
                content=content,
                created_at=now,
            )
        )
    return digest


def find_pack(session: Session, programme_id: int, digest: str) -> PackView | None:
    row = session.scalar(
        select(DecisionPack).where(DecisionPack.programme_id == programme_id, DecisionPack.hash == digest)
    )
    if row is None:
        return None
    return PackView(row.hash, row.programme_id, row.stage, row.subject, row.round, dict(row.content), row.created_at)


def _current_evidence(session: Session, programme: Programme) -> list[dict[str, Any]]:
    rows = session.execute(
        select(Evidence, Person.name)
        .outerjoin(Person, Person.id == Evidence.recorded_by_id)
        .where(
            Evidence.programme_id == programme.id,
            Evidence.stage == programme.state,
            Evidence.withdrawn_at.is_(None),
        )
        .order_by(Evidence.id)
    ).all()
    latest: dict[str, dict[str, Any]] = {}
    for row, who in rows:
        latest[row.criterion] = {
            "criterion": row.criterion,
            "summary": row.summary,
            "link": row.link,
            "file_hash": row.document_sha256,
            **({"file_name": row.document_name} if row.document_sha256 else {}),
            "recorded_by": who or "system",
            "recorded_at": _iso(row.recorded_at),
        }
    return [latest[c] for c in sorted(latest)]


def _iso(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).isoformat(timespec="microseconds") if moment else None
