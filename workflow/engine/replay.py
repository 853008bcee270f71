"""Rebuild a programme's state from its event log, to show the log is complete.

Every change the engine makes writes an event carrying what changed. :func:`replay` folds the events into
a :class:`Snapshot`; :func:`snapshot` reads the same fields off the stored programme. They must agree.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from .models import Programme
from .views import EventView

STAGE_CHANGES = frozenset({"advanced", "returned", "waived", "ended"})


@dataclass(frozen=True)
class Snapshot:
    state: str
    definition_hash: str
    stage_visit: int
    evidence_rev: int
    sign_off_round: int
    sign_off_subject: str | None
    current_partners: frozenset[int]
    former_partners: frozenset[int]
    last_seq: int


def snapshot(programme: Programme) -> Snapshot:
    return Snapshot(
        state=programme.state,
        definition_hash=programme.definition_hash,
        stage_visit=programme.stage_visit,
        evidence_rev=programme.evidence_rev,
        sign_off_round=programme.sign_off_round,
        sign_off_subject=programme.sign_off_subject,
        current_partners=frozenset(p.id for p in programme.partners if p.withdrawn_at is None),
        former_partners=frozenset(p.id for p in programme.partners if p.withdrawn_at is not None),
        last_seq=programme.last_seq,
    )


def replay(events: Iterable[EventView]) -> Snapshot:
    """Fold the log, oldest first, into the state it describes.

    Raises:
        ValueError: the log does not start with ``programme_started`` or has a gap in its numbering.
    """
    snap: Snapshot | None = None
    for event in events:
        if snap is None:
            if event.kind != "programme_started" or event.seq != 1:
                raise ValueError(f"the log starts with event {event.seq} '{event.kind}', not programme_started")
            snap = Snapshot(
                state=event.to_state or "",
                definition_hash=event.data["definition_hash"],
                stage_visit=1,
                evidence_rev=0,
                sign_off_round=0,
                sign_off_subject=None,
                current_partners=frozenset(event.data["partners"]),
                former_partners=frozenset(),
                last_seq=1,
            )
            continue
        if event.seq != snap.last_seq + 1:
            raise ValueError(f"the log jumps from event {snap.last_seq} to {event.seq}")
        snap = _apply(snap, event)
    if snap is None:
        raise ValueError("the log is empty")
    return snap


def _apply(snap: Snapshot, event: EventView) -> Snapshot:
    snap = replace(snap, last_seq=event.seq)
    data = event.data
    if event.kind in STAGE_CHANGES:
        return replace(
            snap,
            state=event.to_state or snap.state,
            stage_visit=snap.stage_visit + 1,
            sign_off_round=0,
            sign_off_subject=None,
        )
    if event.kind == "evidence_recorded" or ("evidence_rev" in data and "request_closed" in data):
        # changed evidence, or a plug-in's change to what a gate's figures check (money, the register)
        return replace(snap, evidence_rev=data["evidence_rev"], sign_off_subject=None)
    if event.kind == "sign_off_requested":
        return replace(snap, sign_off_round=data["round"], sign_off_subject=data["subject"])
    if event.kind == "partner_added":
        return replace(snap, current_partners=snap.current_partners | {data["partner_id"]})
    if event.kind == "partner_withdrew":
        partner = data["partner_id"]
        return replace(
            snap, current_partners=snap.current_partners - {partner}, former_partners=snap.former_partners | {partner}
        )
    if event.kind == "definition_migrated":
        return replace(snap, definition_hash=data["to_hash"])
    return snap
