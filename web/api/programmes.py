"""``/api/v1/programmes``: the programmes the token's person may see, by id; a new one (its body the import
file's own model); one with its ETag; its event feed by cursor; and ``/api/v1/events``, one feed of the events
of every programme the person may see, by a global cursor. Every call goes through the engine with the
token's person as actor, so the API shows exactly what the UI shows them."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any, Literal, TypeVar

from flask import Blueprint, g, request, url_for
from pydantic import BaseModel, ConfigDict, Field
from pydantic.json_schema import SkipJsonSchema

from web.programmes.portfolio import may_create
from workflow.engine.errors import NotAllowedError, NotFoundError
from workflow.engine.importer import ProgrammeFileError, ProgrammeSpec
from workflow.engine.text import LARGEST_ID
from workflow.engine.views import ProgrammeSummary as ProgrammeSummaryView
from workflow.shapes.programmes import Event as EventShape
from workflow.shapes.programmes import EventPage, Programme, ProgrammePage, ProgrammeSummary

from ..errors import problem
from ..extensions import _, error_text, problem_words
from ..services import services
from .http import body, page_link, programme_reply, reply, validated
from .openapi import operation

bp = Blueprint("programmes", __name__)
MAX_PAGE = 200
Q = TypeVar("Q", bound="PageQuery")


class PageQuery(BaseModel):
    """A cursor page: what comes after ``after`` (an id, or an event's number), at most ``limit`` of it."""

    model_config = ConfigDict(extra="forbid")

    after: int = Field(
        default=0, ge=0, le=LARGEST_ID, description="the cursor: items after this one (0: from the start)"
    )
    limit: int = Field(default=50, ge=1, le=MAX_PAGE, description=f"at most this many items (1 to {MAX_PAGE})")


class ProgrammeQuery(PageQuery):
    """A page of programmes, filtered: only those matching every filter given. (A filter is left out rather
    than sent empty: the description has no null for them.)"""

    state: str | SkipJsonSchema[None] = Field(
        default=None, max_length=100, description="only programmes at this stage (its id)"
    )
    definition: str | SkipJsonSchema[None] = Field(
        default=None, max_length=100, description="only programmes on this lifecycle"
    )
    ended: bool | SkipJsonSchema[None] = Field(
        default=None, description="only ended programmes (true) or running ones (false)"
    )
    name: str | SkipJsonSchema[None] = Field(
        default=None, max_length=200, description="only names containing this, any case"
    )
    sort: Literal["id", "name", "stage_entered_at"] = Field(
        default="id", description="the order: by id, by name, or by when each entered its stage (longest first)"
    )
    after_key: str | SkipJsonSchema[None] = Field(
        default=None,
        max_length=300,
        pattern=r"^[^\x00]*$",
        description="with a sort other than id, the sort key of the item after which the page starts (the next "
        "link carries it, with that item's id as after)",
    )

    def key(self, p: ProgrammeSummaryView) -> str:
        """The programme's sort key as text (ids sort by ``after`` alone)."""
        if self.sort == "name":
            return p.name.casefold()
        if self.sort == "stage_entered_at":
            return p.stage_entered_at.isoformat()
        return ""

    def comes_after(self, p: ProgrammeSummaryView) -> bool:
        """Whether ``p`` is after the cursor, in the order asked (by sort key, then id)."""
        if self.sort == "id" or self.after_key is None:
            return p.id > self.after
        return (self.key(p), p.id) > (self.after_key, self.after)

    def matches(self, p: ProgrammeSummaryView) -> bool:
        return (
            self.state in (None, p.state)
            and self.definition in (None, p.definition_id)
            and self.ended in (None, p.ended)
            and (self.name is None or self.name.casefold() in p.name.casefold())
        )


def _page(model: type[Q]) -> Q:
    return validated(model, request.args.to_dict(), 400)


@operation(
    bp,
    "GET",
    "/programmes",
    "The programmes the token's person may see, filtered, by id, name or time at their stage",
    {200: ProgrammePage},
    query=ProgrammeQuery,
)
def list_programmes() -> Any:
    page = _page(ProgrammeQuery)
    visible = sorted(services().programmes.list(g.actor), key=lambda p: (page.key(p), p.id))
    after = [p for p in visible if page.comes_after(p) and page.matches(p)]
    items = after[: page.limit]
    filters = {k: str(v).lower() if isinstance(v, bool) else v for k, v in page.model_dump(exclude_none=True).items()}
    filters.pop("after"), filters.pop("limit"), filters.pop("after_key", None)
    if page.sort == "id":
        filters.pop("sort")
    elif items:
        filters["after_key"] = page.key(items[-1])
    more = len(after) > page.limit
    return reply(
        ProgrammePage(
            items=[ProgrammeSummary.model_validate(p) for p in items],
            next=page_link("api.programmes.list_programmes", items[-1].id, page.limit, **filters) if more else None,
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
        errors = [{"loc": [p.field], "msg": problem_words(p), "type": "programme"} for p in exc.problems]
        return problem(422, _("The programme does not fit its lifecycle: see errors."), errors=errors)
    except NotFoundError as exc:  # no such lifecycle: a mistake in the body, not a missing address
        detail = error_text(exc)
        return problem(422, detail, errors=[{"loc": ["definition"], "msg": detail, "type": "not_found"}])
    response = programme_reply(view, 201)
    response.headers["Location"] = url_for("api.programmes.get_programme", programme_id=view.id)
    return response


@operation(bp, "GET", "/programmes/<int:programme_id>", "A programme as it is now, with its ETag", {200: Programme})
def get_programme(programme_id: int) -> Any:
    """With If-None-Match naming its current ETag: 304, no body (a dashboard polls cheaply)."""
    return programme_reply(services().programmes.get(programme_id, g.actor)).make_conditional(request)


@operation(
    bp,
    "GET",
    "/programmes/<int:programme_id>/events",
    "The programme's events, oldest first, after a cursor",
    {200: EventPage},
    query=PageQuery,
)
def list_events(programme_id: int) -> Any:
    page = _page(PageQuery)
    events = [e for e in services().programmes.history(programme_id, g.actor) if e.seq > page.after]
    items = events[: page.limit]
    last = items[-1].seq if items else page.after
    return reply(
        EventPage(
            items=[EventShape.model_validate(e) for e in items],
            next=page_link("api.programmes.list_events", last, page.limit, programme_id=programme_id),
        )
    )


class FeedEvent(EventShape):
    """An event of the feed across programmes: ``id`` is its global number (the feed's cursor)."""

    id: int = Field(description="the event's global number: the feed's cursor")
    programme_id: int


class FeedPage(BaseModel):
    """One page of the feed; ``next`` is always there: at the end, where to ask for newer events (poll it)."""

    items: list[FeedEvent]
    next: str = Field(description="the next page's address; at the end, where to ask for newer events")


@operation(
    bp,
    "GET",
    "/events",
    "The events of every programme the token's person may see, oldest first, after a global cursor",
    {200: FeedPage},
    query=PageQuery,
)
def feed() -> Any:
    page = _page(PageQuery)
    items = services().programmes.feed(g.actor, page.after, page.limit)
    last = items[-1].id if items else page.after
    return reply(
        FeedPage(
            items=[
                FeedEvent.model_validate({"id": e.id, "programme_id": e.programme_id, **asdict(e.event)}) for e in items
            ],
            next=page_link("api.programmes.feed", last, page.limit),
        )
    )
