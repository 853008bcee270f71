"""The OpenAPI 3.1 description of ``/api/v1``, generated from the routes and the pydantic models that validate
their bodies and build their answers, so it cannot drift from what is served.

Why our own generation rather than flask-openapi3, apiflask or spectree: those replace Flask's blueprints or
views with their own (and bring their own validation and error bodies), which would fight the app's
Flask-WTF forms, its error mapping and its blueprint layout; what the API needs is small. Each view is
declared once with :func:`operation` (its method, path, models, query and whether it changes anything), which
both adds the Flask route and records the operation; :func:`document` turns the records into the document,
the schemas coming from pydantic's own ``models_json_schema`` (JSON Schema 2020-12, which OpenAPI 3.1 uses).

What every operation of a kind shares is added here, so that an operation declared later gets it too: each
POST takes an ``Idempotency-Key`` (:mod:`.idempotency`), and each answer that names a programme links to the
operations on that programme (OpenAPI links, which schemathesis's stateful tests follow).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from flask import Blueprint
from pydantic import BaseModel
from pydantic.json_schema import JsonSchemaMode, models_json_schema

from workflow.shapes.programmes import Problem

from .idempotency import HEADER, KEY_SCHEMA, REPLAYED, idempotent

F = Callable[..., Any]

#: what each refusal means, for the responses every operation may give
STATUS_WORDS = {
    400: "The request cannot be read: a query parameter, If-Match, Idempotency-Key or the JSON body",
    401: "No token, or a token that is unknown, expired, revoked or of a deactivated account",
    403: "The token's person may not do this, or the token may only read",
    404: "No such programme",
    409: "The move is refused now (reasons and unmet requirements), or conflicts with data saved meanwhile, or "
    "the first request with this Idempotency-Key is still being processed",
    412: "If-Match names a version that is no longer the programme's",
    413: "The file is larger than documents may be",
    415: "The body is not application/json (or, for a file, not a type of document banns takes)",
    422: "The body does not fit the request's schema, or names what the programme does not have, or the "
    "Idempotency-Key was used with a different request",
    428: "If-Match is missing",
    429: "Too many bad tokens from this address (see Retry-After)",
}


@dataclass(frozen=True)
class Operation:
    method: str
    rule: str
    endpoint: str
    summary: str
    responses: dict[int, type[BaseModel]]
    body: type[BaseModel] | None = None
    query: type[BaseModel] | None = None
    changes: bool = False
    #: statuses it may also answer beyond those its shape implies (a read the programme's state refuses: 422)
    also: tuple[int, ...] = ()
    #: the media types of a raw file the body may be (not JSON), and those of a file the 200 answer is
    upload: tuple[str, ...] = ()
    download: tuple[str, ...] = ()

    @property
    def path(self) -> str:
        """The OpenAPI path: ``/programmes/{programme_id}`` for Flask's ``/programmes/<int:programme_id>`` (or
        ``<int(max=None):programme_id>``)."""
        return re.sub(r"<(?:[^:<>]+:)?(\w+)>", r"{\1}", self.rule)

    @property
    def refusals(self) -> list[int]:
        statuses = [401, 403, 429]
        if "{" in self.path:
            statuses.append(404)
        if self.query is not None:
            statuses.append(400)
        if self.changes:
            statuses += [400, 409, 412, 428]
        if self.body is not None:
            statuses += [400, 415, 422]
        if self.keyed:
            statuses += [400, 409, 422]
        if self.upload:
            statuses += [400, 413, 415, 422]
        return sorted({*statuses, *self.also})

    @property
    def keyed(self) -> bool:
        """Whether the operation takes an ``Idempotency-Key`` (every POST: :mod:`.idempotency`)."""
        return self.method == "POST"

    @property
    def operation_id(self) -> str:
        return self.endpoint.split(".")[-1]


OPERATIONS: list[Operation] = []
#: a programme's ETag is its version in quotes (``"7"``; ``W/"7"`` is read the same)
ETAG_PATTERN = r'^(W/)?"[0-9]{1,10}"$'
#: a path parameter by its Flask converter: ``<int:id>`` a number, ``<name>`` plain text (a hash, an id)
PATH_SCHEMAS: dict[str, dict[str, Any]] = {
    "int": {"type": "integer", "minimum": 1},
    "string": {"type": "string", "pattern": "^[A-Za-z0-9_-]{1,100}$"},
}
#: text in a query string: the app refuses a NUL character in any web address (400)
NO_NUL = {"pattern": "^[^\\x00]*$"}
#: a raw file, as a body or an answer
BINARY = {"schema": {"type": "string", "format": "binary"}}


def operation(
    bp: Blueprint,
    method: str,
    rule: str,
    summary: str,
    responses: dict[int, type[BaseModel]],
    *,
    body: type[BaseModel] | None = None,
    query: type[BaseModel] | None = None,
    changes: bool = False,
    also: tuple[int, ...] = (),
    upload: tuple[str, ...] = (),
    download: tuple[str, ...] = (),
) -> Callable[[F], F]:
    """Add the view as ``method rule`` on ``bp`` and describe it in the OpenAPI document. A POST takes an
    ``Idempotency-Key`` (the view is wrapped in :func:`.idempotency.idempotent`)."""

    def decorate(view: F) -> F:
        endpoint = f"{bp.name}.{view.__name__}"
        declared = Operation(method, rule, endpoint, summary, responses, body, query, changes, also, upload, download)
        OPERATIONS.append(declared)
        bp.add_url_rule(rule, view_func=idempotent(view) if declared.keyed else view, methods=[method])
        return view

    return decorate


def unknown_query(endpoint: str | None, names: list[str]) -> list[str]:
    """The query parameters of a request that its operation does not take (a typo is refused, not ignored)."""
    found = next((op for op in OPERATIONS if op.endpoint == endpoint), None)
    if found is None:
        return []
    known = set(found.query.model_fields) if found.query is not None else set()
    return [name for name in names if name not in known]


def document(prefix: str) -> dict[str, Any]:
    """The OpenAPI 3.1 document of every operation declared with :func:`operation`, under ``prefix``."""
    wanted: list[tuple[type[BaseModel], JsonSchemaMode]] = [(Problem, "serialization")]
    for op in OPERATIONS:
        wanted += [(m, "serialization") for m in op.responses.values()]
        if op.body is not None:
            wanted.append((op.body, "validation"))
    refs, schemas = models_json_schema(list(dict.fromkeys(wanted)), ref_template="#/components/schemas/{model}")
    paths: dict[str, dict[str, Any]] = {}
    for op in OPERATIONS:
        paths.setdefault(prefix + op.path, {})[op.method.lower()] = found = _operation(op, refs)
        for status, model in op.responses.items():
            if links := _links(op, model):
                found["responses"][str(status)]["links"] = links
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "banns API",
            "version": "1",
            "description": "Programmes of shared-service partnerships, with exactly the rules of the banns UI. "
            "Authenticate with a personal API token: Authorization: Bearer <token>. Errors are "
            "application/problem+json (RFC 9457). Changes need If-Match with the programme's ETag. A POST may "
            "carry an Idempotency-Key, so that a retry does not do the work twice.",
        },
        "servers": [{"url": "/"}],
        "security": [{"bearerToken": []}],
        "paths": paths,
        "components": {
            "schemas": schemas.get("$defs", {}),
            "securitySchemes": {"bearerToken": {"type": "http", "scheme": "bearer"}},
        },
    }


def _operation(op: Operation, refs: Mapping[tuple[Any, JsonSchemaMode], Any]) -> dict[str, Any]:
    found: dict[str, Any] = {"operationId": op.operation_id, "summary": op.summary, "responses": _responses(op, refs)}
    if parameters := _parameters(op):
        found["parameters"] = parameters
    if op.body is not None:
        found["requestBody"] = {
            "required": False,
            "content": {"application/json": {"schema": refs[(op.body, "validation")]}},
        }
    if op.upload:
        found["requestBody"] = {"required": True, "content": dict.fromkeys(op.upload, BINARY)}
    return found


def _responses(op: Operation, refs: Mapping[tuple[Any, JsonSchemaMode], Any]) -> dict[str, Any]:
    problem = {"application/problem+json": {"schema": refs[(Problem, "serialization")]}}
    responses: dict[str, Any] = {}
    for status, model in op.responses.items():
        answer: dict[str, Any] = {
            "description": "OK",
            "content": {"application/json": {"schema": refs[(model, "serialization")]}},
            "headers": {},
        }
        if model.__name__ == "Programme":
            answer["headers"]["ETag"] = {"description": "the programme's version", "schema": {"type": "string"}}
        if op.keyed:
            answer["headers"][REPLAYED] = {
                "description": "true when this is the stored answer to an earlier request with the same "
                "Idempotency-Key, replayed without running the operation again",
                "schema": {"type": "string", "enum": ["true"]},
            }
        if not answer["headers"]:
            del answer["headers"]
        responses[str(status)] = answer
    if op.download:
        responses["200"] = {"description": "The file itself", "content": dict.fromkeys(op.download, BINARY)}
    if op.method == "GET" and "Programme" in (m.__name__ for m in op.responses.values()):
        responses["304"] = {"description": "Not modified: If-None-Match names the programme's current ETag"}
    for status in op.refusals:
        responses[str(status)] = {"description": STATUS_WORDS[status], "content": problem}
    return responses


def _parameters(op: Operation) -> list[dict[str, Any]]:
    parameters = [
        {"name": name, "in": "path", "required": True, "schema": PATH_SCHEMAS.get(converter, PATH_SCHEMAS["string"])}
        for converter, name in re.findall(r"<(?:(\w*)[^:<>]*:)?(\w+)>", op.rule)
    ]
    if op.query is not None:
        described = op.query.model_json_schema()
        fields, required = described["properties"], set(described.get("required", ()))
        parameters += [
            {
                "name": name,
                "in": "query",
                "required": name in required,
                "description": schema.pop("description", ""),
                "schema": {**NO_NUL, **schema} if schema.get("type") == "string" else schema,
            }
            for name, schema in fields.items()
        ]
    if op.changes:
        parameters.append(
            {
                "name": "If-Match",
                "in": "header",
                "required": True,
                "description": "the programme's ETag, as read",
                "schema": {"type": "string", "pattern": ETAG_PATTERN},
            }
        )
    if op.keyed:
        parameters.append(
            {
                "name": HEADER,
                "in": "header",
                "required": False,
                "description": "a key of the client's choosing, unique per request: the same request sent again "
                "with it (a retry) answers as the first did, without doing the work twice; kept 24 hours",
                "schema": KEY_SCHEMA,
            }
        )
    return parameters


def _links(source: Operation, answer: type[BaseModel]) -> dict[str, Any]:
    """OpenAPI links from an answer that names a programme to the operations on it, so that stateful tests
    follow them with a real programme. A programme created or read (not the answer of a move) links to every
    operation on it, its id from the body and If-Match from its ETag; a page of programmes links its first
    programme to the operations that only read it."""
    if answer.__name__ == "Programme" and not source.changes:
        programme_id, reads_only = "$response.body#/id", False
    elif answer.__name__ == "ProgrammePage":
        programme_id, reads_only = "$response.body#/items/0/id", True
    else:
        return {}
    links: dict[str, Any] = {}
    for target in OPERATIONS:
        if target is source or "{programme_id}" not in target.path or (reads_only and target.method != "GET"):
            continue
        parameters = {"path.programme_id": programme_id}
        if target.changes:
            parameters["header.If-Match"] = "$response.header.ETag"
        links[target.operation_id] = {"operationId": target.operation_id, "parameters": parameters}
    return links
