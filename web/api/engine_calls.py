"""How the API's partner, evidence and record views call the engine: its ``InvalidError`` becomes a 422 problem
naming the field (``errors``: ``loc``, ``msg``), and a change the engine takes no version for (assigning a role,
the partnership's records) is guarded by ``If-Match`` read just before it, so a client that saw an old version
is told (412) rather than acting on it. The engine still serialises the changes themselves; it is the engine's
rules alone that decide whether each is allowed."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from flask import Response, g

from workflow.engine.errors import N_, ConflictError, InvalidError, MoveRefusedError, NotAllowedError, NotFoundError
from workflow.engine.views import ProgrammeView

from ..errors import problem
from ..extensions import _, error_text
from ..services import services
from .http import ProblemRaised, change, etag, expected_version, refused

T = TypeVar("T")
#: the engine's names of fields that the API's bodies send as ids
BODY_NAMES = {"partner": "partner_id", "owner": "owner_id"}


def invalid(exc: InvalidError) -> Response:
    """The engine's refusal of what was sent, as a 422 problem naming the body's member (``body`` when it names
    none)."""
    field = BODY_NAMES.get(exc.field or "body", exc.field or "body")
    detail = error_text(exc)
    return problem(422, detail, errors=[{"loc": [field], "msg": detail, "type": "invalid"}])


@contextmanager
def fields_named() -> Iterator[None]:
    """Raise the engine's ``InvalidError`` as the 422 problem naming its field."""
    try:
        yield
    except InvalidError as exc:
        raise ProblemRaised(invalid(exc)) from None


def changed(programme_id: int, act: Callable[[int], ProgrammeView]) -> Response:
    """:func:`.http.change`, with the engine's ``InvalidError`` a 422 problem naming the field."""
    with fields_named():
        return change(programme_id, act)


def stale() -> Response:
    return problem(
        412,
        _("The programme changed since that version: read it again, then retry with its new ETag."),
        _("The programme has changed"),
        kind="urn:banns:problem:stale",
    )


def visible(programme_id: int, hidden: bool = False) -> ProgrammeView:
    """The programme as the token's person sees it. ``hidden``: someone not on it gets 404, not 403, as the
    records' pages answer (it is not theirs to know of)."""
    try:
        return services().programmes.get(programme_id, g.actor)
    except NotAllowedError:
        if hidden:
            raise NotFoundError(N_("no programme with id {programme_id}"), programme_id=programme_id) from None
        raise


def guarded(programme_id: int, act: Callable[[], T], hidden: bool = False) -> tuple[T, str]:
    """``act()`` if ``If-Match`` names the programme's current version, and the programme's ETag afterwards.

    Raises:
        ProblemRaised: 428/400 (If-Match), 412 (stale), 409 (refused), 422 (invalid, naming the field).
    """
    version = expected_version()
    try:
        if visible(programme_id, hidden).version != version:
            raise ConflictError(programme_id)
        with fields_named():
            done = act()
    except ConflictError:
        raise ProblemRaised(stale()) from None
    except MoveRefusedError as exc:
        raise ProblemRaised(refused(exc, programme_id)) from None
    return done, etag(visible(programme_id, hidden).version)
