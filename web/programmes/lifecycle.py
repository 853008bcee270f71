"""The lifecycle diagram (an SVG drawn on the server, no script) and the planned-against-actual timeline."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date, datetime

from web.extensions import _
from web.titles import local
from workflow.engine.definitions import Definition
from workflow.engine.views import EventView, ProgrammeView

BOX_W, BOX_H, GAP, PER_ROW = 176, 56, 30, 4
STAGE_MOVES = frozenset({"advanced", "returned", "waived", "ended", "programme_started"})


@dataclass(frozen=True)
class Box:
    x: int
    y: int
    title: str
    status: str  # current | done | waived | upcoming | outcome
    status_text: str


@dataclass(frozen=True)
class Arrow:
    x1: int
    y1: int
    x2: int
    y2: int


@dataclass(frozen=True)
class Diagram:
    width: int
    height: int
    boxes: tuple[Box, ...]
    arrows: tuple[Arrow, ...]
    path: tuple[str, ...]


@dataclass(frozen=True)
class TimelineRow:
    title: str
    planned_start: date | None
    planned_end: date | None
    actual_start: datetime | None
    actual_end: datetime | None
    variance_days: int | None
    status: str


def path_taken(events: list[EventView]) -> list[tuple[str, str]]:
    """(state, how it was reached) for every stage change, oldest first."""
    return [(e.to_state, e.kind) for e in events if e.kind in STAGE_MOVES and e.to_state]


def _how(kind: str) -> str:
    """How the programme came to a stage, in words (a move other than advancing)."""
    words = {"waived": _("waived"), "returned": _("returned"), "ended": _("ended")}
    return str(words.get(kind, kind.replace("_", " ")))


def lifecycle_diagram(d: Definition, view: ProgrammeView, events: list[EventView]) -> Diagram:
    path = path_taken(events)
    visited = {state for state, _how_ in path}
    waived = {e.from_state for e in events if e.kind == "waived"}
    final = d.next_of(d.stage_ids[-1])
    states = [*d.stage_ids, final]
    boxes, arrows = [], []
    for i, state in enumerate(states):
        row, col = divmod(i, PER_ROW)
        col = col if row % 2 == 0 else PER_ROW - 1 - col  # snake, so arrows stay short
        x, y = 10 + col * (BOX_W + GAP), 10 + row * (BOX_H + GAP)
        if state == view.state:
            status, text = "current", _("current stage")
        elif state in waived:
            status, text = "waived", _("waived")
        elif state in visited:
            status, text = "done", _("done")
        else:
            status, text = ("outcome" if state == final else "upcoming"), _("not started")
        boxes.append(Box(x, y, local(d.state_title(state)), status, text))
    for a, b in itertools.pairwise(boxes):
        if a.y == b.y:
            left, right = (a, b) if a.x < b.x else (b, a)
            x1, x2 = (left.x + BOX_W, right.x) if a is left else (right.x, left.x + BOX_W)
            arrows.append(Arrow(x1, a.y + BOX_H // 2, x2, b.y + BOX_H // 2))
        else:
            arrows.append(Arrow(a.x + BOX_W // 2, a.y + BOX_H, b.x + BOX_W // 2, b.y))
    rows = (len(states) + PER_ROW - 1) // PER_ROW
    titles = tuple(
        local(d.state_title(s)) + ("" if how in ("advanced", "programme_started") else f" ({_how(how)})")
        for s, how in path
    )
    return Diagram(
        20 + PER_ROW * BOX_W + (PER_ROW - 1) * GAP,
        20 + rows * BOX_H + (rows - 1) * GAP,
        tuple(boxes),
        tuple(arrows),
        titles,
    )


def stage_timeline(d: Definition, view: ProgrammeView, events: list[EventView]) -> list[TimelineRow]:
    """Per stage: planned dates, the last actual entry and exit, and the slip in days at its end."""
    entered: dict[str, datetime] = {}
    left: dict[str, datetime] = {}
    for e in events:
        if e.kind in STAGE_MOVES and e.to_state:
            entered[e.to_state] = e.at
            left.pop(e.to_state, None)
            if e.from_state:
                left[e.from_state] = e.at
    plans = {p.stage: p for p in view.plan}
    rows = []
    for stage in d.stage_ids:
        plan = plans.get(stage)
        start, end = entered.get(stage), left.get(stage)
        variance = None
        if plan and plan.planned_end and end:
            variance = (end.date() - plan.planned_end).days
        status = "current" if stage == view.state else ("done" if end else "not started")
        rows.append(
            TimelineRow(
                local(d.state_title(stage)),
                plan.planned_start if plan else None,
                plan.planned_end if plan else None,
                start,
                end,
                variance,
                status,
            )
        )
    return rows
