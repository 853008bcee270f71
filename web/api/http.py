"""The API's HTTP semantics, shared by its views: bearer tokens (deny by default; a read token changes
nothing), JSON bodies validated by pydantic, cursor pages, the programme's version as its ETag with
``If-Match`` on every change, and refusals as RFC 9457 problems carrying the engine's reasons."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Response, g, request, url_for
from flask_babel import get_locale
from pydantic import BaseModel, ValidationError

from workflow.accounts.errors import TokenError
from workflow.engine.errors import ConflictError, MoveRefusedError
from workflow.engine.views import ProgrammeView
from workflow.shapes.programmes import Programme, Role, Unmet, said

from ..errors import problem
from ..extensions import _, words
from ..extensions import refused as refused_text
from ..programmes.access import access_to
from ..services import now, services

#: a programme's ETag (``"7"``, or weak ``W/"7"``: a version is the same either way)
ETAG = re.compile(r'(?:W/)?"([0-9]{1,10})"')
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
B = TypeVar("B", bound=BaseModel)


class ProblemRaised(Exception):
    """A problem answer decided deep in a view; the blueprint's handler returns it as it is."""

    def __init__(self, response: Response) -> None:
        self.response = response
        super().__init__(response.status)


def authenticate() -> Response | None:
    """Who the bearer token acts for (``g.actor``, ``g.token``), or the problem that refuses the request: 401
    (no token, or one unknown, expired, revoked or of a deactivated person), 429 (too many bad tokens from
    this address), 403 (a read token on a change). Session cookies are never read here."""
    scheme, _sep, secret = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        return _unauthenticated(_("Send a personal API token: Authorization: Bearer followed by the token."))
    try:
        use = services().accounts.token_use(secret.strip(), request.remote_addr or "unknown", now())
    except TokenError as exc:
        if exc.reason == "limited" and exc.until is not None:
            response = problem(429, _("Too many requests with a bad token from this address. Wait, then try again."))
            response.headers["Retry-After"] = str(max(1, int((exc.until - now()).total_seconds())))
            return response
        return _unauthenticated(_refusal_words(exc), invalid=True)
    if request.method not in SAFE_METHODS and not use.may_write:
        response = problem(
            403, _("This token may only read. Create a token with the write scope."), kind="urn:banns:problem:scope"
        )
        response.headers["WWW-Authenticate"] = 'Bearer realm="banns", error="insufficient_scope"'
        return response
    g.actor, g.token = use.actor, use
    return None


def _refusal_words(exc: TokenError) -> str:
    words = {
        "expired": _("The token has expired. Create a new one on your account page."),
        "revoked": _("The token has been revoked. Create a new one on your account page."),
        "deactivated": _("The token's account has been deactivated."),
    }
    return str(words.get(exc.reason) or _("The token is not valid. Check you copied all of it."))


def _unauthenticated(detail: str, invalid: bool = False) -> Response:
    response = problem(401, detail)
    response.headers["WWW-Authenticate"] = 'Bearer realm="banns"' + (', error="invalid_token"' if invalid else "")
    return response


def body(model: type[B]) -> B:
    """The request's JSON body as ``model`` (an empty body is ``{}``).

    Raises:
        ProblemRaised: 415 (not JSON), 400 (not readable JSON), 422 (does not fit ``model``).
    """
    if not request.get_data(cache=True):
        data: Any = {}
    elif not request.is_json:
        raise ProblemRaised(problem(415, _("Send the body as application/json.")))
    else:
        data = request.get_json(silent=True)
        if data is None:
            raise ProblemRaised(problem(400, _("The body is not valid JSON.")))
    return validated(model, data, 422)


def validated(model: type[B], data: Any, status: int) -> B:
    """``data`` as ``model``, or a problem with ``status`` listing what is wrong (``errors``)."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        errors = [{"loc": list(e["loc"]), "msg": e["msg"], "type": e["type"]} for e in exc.errors()]
        raise ProblemRaised(problem(status, _("The request has mistakes: see errors."), errors=errors)) from None


def expected_version() -> int:
    """The programme version the client saw, from ``If-Match`` (``"7"``, or weak ``W/"7"``).

    Raises:
        ProblemRaised: 428 (missing, or ``*``, which guards nothing), 400 (not an ETag of a programme).
    """
    header = request.headers.get("If-Match", "").strip()
    if not header or header == "*":
        raise ProblemRaised(
            problem(
                428,
                _("Send If-Match with the programme's ETag (its version), so that no one's change is overwritten."),
                _("Precondition required"),
                kind="urn:banns:problem:precondition-required",
            )
        )
    match = ETAG.fullmatch(header)
    if match is None:
        raise ProblemRaised(problem(400, _('If-Match must be the programme\'s ETag, such as "7".')))
    return int(match.group(1))


def _stale() -> Response:
    return problem(
        412,
        _("The programme changed since that version: read it again, then retry with its new ETag."),
        _("The programme has changed"),
        kind="urn:banns:problem:stale",
    )


def stale() -> Response:
    """412, for a view whose answer is not the programme itself (its money): see :func:`change`."""
    return _stale()


def etag(version: int) -> str:
    return f'"{version}"'


def roles_seen(view: ProgrammeView) -> list[Role]:
    """The programme's roles as the token's person may see them: with each holder's email address only for
    those who may give roles (its managers and admins), as only their pages show addresses."""
    roles = [Role.model_validate(r) for r in view.roles]
    if access_to(view).can("assign_role"):
        return roles
    return [r.model_copy(update={"email": None}) for r in roles]


def programme_reply(view: ProgrammeView, status: int = 200) -> Response:
    """The programme as :class:`.models.Programme`, with its ETag."""
    built = view.built()
    shape = Programme.model_validate(built).model_copy(update={"roles": roles_seen(built)})
    response = reply(shape, status)
    response.headers["ETag"] = etag(view.version)
    return response


def reply(model: BaseModel, status: int = 200) -> Response:
    response = Response(model.model_dump_json(), status, mimetype="application/json")
    response.headers["Cache-Control"] = "no-store"
    return response


def change(programme_id: int, act: Callable[[int], ProgrammeView]) -> Response:
    """Run ``act(expected_version)`` on the programme and answer with it as it now is; a stale version is 412,
    a refused move 409 with the engine's reasons and the gate's unmet requirements."""
    version = expected_version()
    try:
        return programme_reply(act(version))
    except ConflictError:
        return _stale()
    except MoveRefusedError as exc:
        return refused(exc, programme_id)


def refused(exc: MoveRefusedError, programme_id: int) -> Response:
    """A refused move as a problem: its reasons, and every unmet requirement of the gate by id."""
    view = services().programmes.get(programme_id, g.actor)
    unmet = []
    if view.gate is not None:
        unmet = [
            Unmet.model_validate(r).model_dump() for r in view.gate.report.requirements if r.required and not r.met
        ]
    return problem(
        409,
        refused_text(exc),
        _("The move is not possible now"),
        kind="urn:banns:problem:move-refused",
        move=exc.move,
        state=exc.state,
        reasons=[said(r, words(), get_locale()).model_dump() for r in exc.reasons],
        unmet=unmet,
    )


def page_link(endpoint: str, after: int, limit: int, **values: Any) -> str:
    return url_for(endpoint, after=after, limit=limit, **values)
