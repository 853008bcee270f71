"""A programme's audit log: every event in words (decisions with their gate and comment, moves with stage
titles, a leaver's liability in pounds), filtered by kind and person, and as CSV with the same columns plus
the event's data as JSON. The routes belong to the programmes blueprint (``programmes.audit``)."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from flask import Response, g, render_template, request

from web.extensions import _, _london
from web.programmes.event_lines import event_line
from web.programmes.pages import bp
from web.services import services
from workflow.engine.audit import verify_chains
from workflow.engine.views import EventView, ProgrammeView


@bp.app_template_global()
def event_what(event: EventView, view: ProgrammeView) -> str:
    """What an event did, in words (templates: the audit log and the programme page's recent events)."""
    return event_line(event, view)


@bp.get("/<int:programme_id>/audit")
def audit(programme_id: int) -> Any:
    view = services().programmes.get(programme_id, g.actor)
    events = services().programmes.history(programme_id, g.actor)
    kinds = sorted({e.kind for e in events})
    kind, who = request.args.get("kind", ""), request.args.get("actor", "").strip().lower()
    shown = [e for e in events if (not kind or e.kind == kind) and (not who or who in e.actor.lower())]
    if request.args.get("format") == "csv":
        return _csv(view, shown)
    [chain] = verify_chains(services().db, programme_id)
    return render_template(
        "programmes/audit.html",
        view=view,
        events=shown,
        kinds=kinds,
        kind=kind,
        actor=request.args.get("actor", ""),
        chain=chain,
    )


#: The CSV's columns: the page's (when, who, what, detail), then what a spreadsheet or a script needs.
COLUMNS = ["seq", "when", "who", "what", "detail", "kind", "at_utc", "from", "to", "data"]


def _csv(view: ProgrammeView, events: list[EventView]) -> Response:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    for e in events:
        writer.writerow(
            [
                e.seq,
                _london(e.at),
                _cell(who(e)),
                _cell(event_line(e, view)),
                _cell(e.reason),
                e.kind,
                e.at.isoformat(),
                e.from_state or "",
                e.to_state or "",
                _cell(data_json(e.data)),
            ]
        )
    return Response(
        buffer.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": f"attachment; filename=programme-{view.id}-events.csv"},
    )


def who(event: EventView) -> str:
    """The actor, and for a deputy's decision whom they decided for (as the page shows it)."""
    behalf = (event.data or {}).get("on_behalf_of_name")
    return _("%(actor)s for %(name)s", actor=event.actor, name=behalf) if behalf else event.actor


def data_json(data: dict[str, Any] | None) -> str:
    """An event's data as JSON: sorted keys, amounts (Decimals) and dates as text."""
    return json.dumps(data or {}, sort_keys=True, ensure_ascii=False, default=_plain)


def _plain(value: Any) -> str:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def _cell(text: str) -> str:
    """Neutralise spreadsheet formulas (CSV injection)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
