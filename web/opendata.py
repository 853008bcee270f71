"""Open data for transparency (Local Government Transparency Code), open without signing in: a page listing
the datasets of the published programmes, and the files themselves (CSV, JSON, their schemas and the Data
Package), the same bytes ``banns export open-data`` writes. No session is needed; each file carries an ETag
(its content's hash) and Last-Modified (when the published data last changed), so caches revalidate cheaply.
The files are built once and kept until a programme changes (:mod:`workflow.opendata.kept`)."""

from __future__ import annotations

import hashlib
from typing import Any

from flask import Blueprint, abort, g, make_response, render_template, request
from flask.wrappers import Response

from web.services import services
from workflow.opendata.datasets import DATASETS
from workflow.opendata.files import PACKAGE, digest
from workflow.opendata.kept import kept_open_data
from workflow.opendata.schemas import LICENCE, csv_name, json_name, schema_name

bp = Blueprint("opendata", __name__, url_prefix="/open-data")
#: Caches may keep a file five minutes, then ask again (answered 304 Not Modified while it is the same).
MAX_AGE = 300


@bp.get("")
def index() -> Any:
    export, _files = kept_open_data(services().db, services().registry)
    listing = [
        {
            "dataset": d,
            "rows": len(export.tables[d.name]),
            "csv": csv_name(d),
            "json": json_name(d),
            "schema": schema_name(d),
        }
        for d in DATASETS
    ]
    body = render_template(
        "opendata/index.html",
        listing=listing,
        changed_at=export.changed_at,
        programmes=export.tables["programmes"],
        licence=LICENCE,
        package=PACKAGE,
    )
    response = make_response(body)
    # the page differs for a signed-in person (the header names them): tag it by its bytes, and keep it private
    response.set_etag(hashlib.sha256(body.encode("utf-8")).hexdigest())
    response.cache_control.no_cache = True
    if g.get("actor") is not None:
        response.cache_control.private = True
    return response.make_conditional(request)


@bp.get("/<path:name>")
def file(name: str) -> Any:
    export, files = kept_open_data(services().db, services().registry)
    content = files.get(name)
    if content is None:
        abort(404)
    mimetype = "text/csv" if name.endswith(".csv") else "application/json"
    response = Response(content, mimetype=mimetype)
    response.set_etag(hashlib.sha256(content).hexdigest())
    if export.changed_at is not None:
        response.last_modified = export.changed_at
    response.cache_control.public = True
    response.cache_control.max_age = MAX_AGE
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["X-Open-Data-Digest"] = digest(files)
    return response.make_conditional(request)
