"""``/api/v1``: the JSON API over the engine, for councils' dashboards, document systems and committee
software. Personal API tokens only (``Authorization: Bearer``; never a session cookie, so no CSRF token
either), deny by default: every operation needs a token, a change needs a write token, and the engine then
applies exactly the UI's rules with the token's person as actor. Errors are RFC 9457 problems
(:mod:`web.errors`); changes take ``If-Match``. The description is at ``/api/v1/openapi.json``
(:mod:`.openapi`), and as a page to read at ``/api/v1/reference``, generated from the pydantic models that
shape every body (:mod:`.models`).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, Response, jsonify, request

from ..errors import problem
from ..extensions import _, csrf
from . import evidence, gate, money, moves, partners, programmes, records
from .http import ProblemRaised, authenticate
from .openapi import document, unknown_query
from .reference import render as reference_page

PREFIX = "/api/v1"
bp = Blueprint("api", __name__, url_prefix=PREFIX)
#: open without a token: the description itself, for programs and for people
PUBLIC = frozenset({"api.openapi", "api.reference"})


@bp.before_request
def _token() -> Response | None:
    if request.endpoint in PUBLIC:
        return None
    return authenticate() or _known_query()


def _known_query() -> Response | None:
    unknown = unknown_query(request.endpoint, list(request.args))
    if not unknown:
        return None
    errors = [
        {"loc": ["query", name], "msg": "not a parameter of this operation", "type": "extra_forbidden"}
        for name in unknown
    ]
    return problem(400, _("The request has mistakes: see errors."), errors=errors)


@bp.errorhandler(ProblemRaised)
def _problem(exc: ProblemRaised) -> Response:
    return exc.response


@bp.get("/openapi.json")
def openapi() -> Any:
    """The OpenAPI 3.1 description of every operation."""
    return jsonify(document(PREFIX))


@bp.get("/reference")
def reference() -> Any:
    """The same description as a page to read."""
    return reference_page(document(PREFIX))


PARTS = (
    programmes.bp,
    gate.bp,
    moves.bp,
    money.bp,
    partners.bp,  # a programme's details, partners, roles; people
    evidence.bp,  # evidence listed and withdrawn, documents, sign-offs, packs
    records.bp,  # the register, scope, decisions, RAID, transfers, deputies
)
for part in PARTS:
    bp.register_blueprint(part)


def init_app(app: Flask) -> None:
    """Register the API, exempt from CSRF protection (no cookie is read, so no request can ride one)."""
    for blueprint in (bp, *PARTS):
        csrf.exempt(blueprint)
    app.register_blueprint(bp)
