"""``/api/v1/programmes``: the programmes the token's person may see, by id; a new one (its body the import
file's own model); one with its ETag; its event feed by cursor. Every call goes through the engine with the
token's person as actor, so the API shows exactly what the UI shows them."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, g, request, url_for
from pydantic import BaseModel, ConfigDict, Field

from workflow.engine.errors import NotAllowedError, NotFoundError
from workflow.engine.importer import ProgrammeFileError, ProgrammeSpec
from workflow.engine.text import LARGEST_ID

from ..errors import problem
from ..extensions import _
from ..portfolio import may_create
from ..services import services
from .http import body, page_link, programme_reply, reply, validated
from .models import Event as EventShape
from .models import EventPage, Programme, ProgrammePage, ProgrammeSummary
from .openapi import operation

bp = Blueprint("programmes", __name__)
MAX_PAGE = 200


class PageQuery(BaseModel):
    """A cursor page: what comes after ``after`` (an id, or an event's number), at most ``limit`` of it."""

    model_config = ConfigDict(extra="forbid")

    after: int = Field(
        default=0, ge=0, le=LARGEST_ID, description="the cursor: items after this one (0: from the start)"
    )
    limit: int = Field(default=50, ge=1, le=MAX_PAGE, description=f"at most this many items (1 to {MAX_PAGE})")


def _page() -> PageQuery:
    return validated(PageQuery, request.args.to_dict(), 400)


@operation(
    bp, "GET", "/programmes", "The programmes the token's person may see, by id", {200: ProgrammePage}, query=PageQuery
)
def list_programmes() -> Any:
    page = _page()
    visible = sorted(services().programmes.list(g.actor), key=lambda p: p.id)
    after = [p for p in visible if p.id > page.after]
    items = after[: page.limit]
    more = len(after) > page.limit
    return reply(
        ProgrammePage(
            items=[ProgrammeSummary.model_validate(p) for p in items],
            next=page_link("api.programmes.list_programmes", items[-1].id, page.limit) if more else None,
        )
    )


@operation(
    bp,
    "POST",
    "/programmes",
    "Start a programme (administrators and programme managers), as an import file does",
    {201: Programme},
    body=ProgrammeSpec,
)
def start_programme() -> Any:
    if not may_create():
        raise NotAllowedError(_("Only administrators and programme managers can create programmes"))
    spec = body(ProgrammeSpec)
    try:
        view = services().programmes.start(spec, actor=g.actor)
    except ProgrammeFileError as exc:
        errors = [{"loc": [p.field], "msg": p.message, "type": "programme"} for p in exc.problems]
        return problem(422, _("The programme does not fit its lifecycle: see errors."), errors=errors)
    except NotFoundError as exc:  # no such lifecycle: a mistake in the body, not a missing address
        return problem(422, str(exc), errors=[{"loc": ["definition"], "msg": str(exc), "type": "not_found"}])
    response = programme_reply(view, 201)
    response.headers["Location"] = url_for("api.programmes.get_programme", programme_id=view.id)
    return response


@operation(bp, "GET", "/programmes/<int:programme_id>", "A programme as it is now, with its ETag", {200: Programme})
def get_programme(programme_id: int) -> Any:
    return programme_reply(services().programmes.get(programme_id, g.actor))


@operation(
    bp,
    "GET",
    "/programmes/<int:programme_id>/events",
    "The programme's events, oldest first, after a cursor",
    {200: EventPage},
    query=PageQuery,
)
def list_events(programme_id: int) -> Any:
    page = _page()
    events = [e for e in services().programmes.history(programme_id, g.actor) if e.seq > page.after]
    items = events[: page.limit]
    last = items[-1].seq if items else page.after
    return reply(
        EventPage(
            items=[EventShape.model_validate(e) for e in items],
            next=page_link("api.programmes.list_events", last, page.limit, programme_id=programme_id),
        )
    )
