"""Errors, mapped once: engine errors and HTTP errors become a page (or, for API clients, an RFC 9457
``application/problem+json`` body) with the right status; anything unexpected is logged, rolled back (each
engine call is its own transaction) and shown as a plain 500 page, never a traceback."""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, jsonify, make_response, render_template, request
from flask_babel import get_locale
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from web.extensions import _, error_text, refused, words
from workflow.engine.errors import (
    BannsError,
    BrokenDefinitionError,
    ConflictError,
    InvalidError,
    MoveRefusedError,
    NotAllowedError,
    NotFoundError,
)
from workflow.shapes.programmes import said

STATUS: list[tuple[type[BannsError], int]] = [
    (BrokenDefinitionError, 500),
    (NotFoundError, 404),
    (NotAllowedError, 403),
    (ConflictError, 409),
    (MoveRefusedError, 409),
    (InvalidError, 422),
]


def N_(text: str) -> str:
    """Marks ``text`` for the catalogue (gettext's name for it); it is translated where it is shown."""
    return text


#: Each status's title, in English; marked with ``N_`` for the catalogue and translated where shown.
TITLES = {
    400: N_("Bad request"),
    401: N_("You need to sign in"),
    403: N_("You do not have permission to do this"),
    404: N_("Page not found"),
    405: N_("That action is not available here"),
    409: N_("This programme has changed"),
    410: N_("This link can no longer be used"),
    413: N_("The file is too large"),
    422: N_("There is a problem with what you entered"),
    429: N_("Too many requests"),
    500: N_("Sorry, there is a problem with the service"),
}
OTHER_TITLE = N_("Error")


def status_of(error: BannsError) -> int:
    return next((code for kind, code in STATUS if isinstance(error, kind)), 400)


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


#: the problem types of RFC 9457 that banns names (``about:blank`` for any other: the status says it all)
PROBLEM_TYPES = {
    401: "urn:banns:problem:unauthenticated",
    403: "urn:banns:problem:not-allowed",
    404: "urn:banns:problem:not-found",
    409: "urn:banns:problem:conflict",
    422: "urn:banns:problem:invalid",
    429: "urn:banns:problem:rate-limited",
}
PROBLEM_JSON = "application/problem+json"


def problem(status: int, detail: str = "", title: str = "", kind: str = "", **extensions: Any) -> Response:
    """An RFC 9457 problem: ``type`` (``kind``, else the status's own, else ``about:blank``), ``title``,
    ``status``, ``detail``, and any extension members (``reasons``, ``unmet``, ``errors``)."""
    body = {
        "type": kind or PROBLEM_TYPES.get(status, "about:blank"),
        "title": title or _(TITLES.get(status, OTHER_TITLE)),
        "status": status,
        "detail": detail,
        **extensions,
    }
    response = jsonify(body)
    response.status_code = status
    response.content_type = PROBLEM_JSON
    response.headers["Cache-Control"] = "no-store"
    return response


def render_error(status: int, message: str = "", title: str = "", **extensions: Any) -> Any:
    title = title or _(TITLES.get(status, OTHER_TITLE))
    if wants_json():
        return problem(status, message, title, **extensions)
    return render_template("errors/error.html", status=status, title=title, message=message), status


def init_app(app: Flask) -> None:
    @app.errorhandler(BannsError)
    def banns_error(error: BannsError) -> Any:
        if isinstance(error, BrokenDefinitionError):
            app.logger.error("Unreadable lifecycle on %s %s: %s", request.method, request.path, error)
            reason = error_text(error, capitalised=True)
            message = _(
                "%(reason)s. Other programmes are not affected; an administrator needs to look at it.", reason=reason
            )
            return render_error(500, message, _("This programme's lifecycle cannot be read"))
        if isinstance(error, MoveRefusedError):
            return render_error(
                409,
                refused(error),
                kind="urn:banns:problem:move-refused",
                move=error.move,
                state=error.state,
                reasons=[said(r, words(), get_locale()).model_dump() for r in error.reasons],
            )
        return render_error(status_of(error), error_text(error))

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Any:
        code = error.code or 500
        message = (error.description or "") if code in (400, 405, 413, 429) else ""
        if code == 400 and "CSRF" in (error.description or ""):
            message = _("The form has expired. Go back, reload the page and try again.")
        response = make_response(render_error(code, message))
        if isinstance(error, MethodNotAllowed) and error.valid_methods:
            response.headers["Allow"] = ", ".join(sorted(error.valid_methods))
        return response

    @app.errorhandler(Exception)
    def unexpected(error: Exception) -> Any:
        app.logger.exception("Unexpected error on %s %s", request.method, request.path)
        return render_error(500)
