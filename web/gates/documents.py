"""Documents uploaded as evidence: received with the evidence form (checked by content, stored once by hash
under the instance folder) and downloaded only by people on the programme; anyone else gets 404."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from flask import Blueprint, Flask, current_app, g, request, send_file

from web.services import services
from workflow.engine.documents import MAX_BYTES, DocumentRef, DocumentStore, checked
from workflow.engine.errors import N_, InvalidError

bp = Blueprint("documents", __name__, url_prefix="/programmes/<int:programme_id>/documents")


#: Endpoints that take a document, and the most a request to them may carry (the document and its form).
UPLOADS = {"gates.evidence": MAX_BYTES + 256 * 1024, "api.evidence.upload_document": MAX_BYTES}


def init_app(app: Flask) -> None:
    """Let the upload endpoints take a document larger than the site's limit on other requests. Registered
    before CSRF protection, which reads the body first."""

    @app.before_request
    def upload_limit() -> None:
        if request.endpoint in UPLOADS:
            request.max_content_length = UPLOADS[request.endpoint]


def store() -> DocumentStore:
    return DocumentStore(Path(current_app.instance_path) / "documents")


def receive(upload: Any) -> DocumentRef | None:
    """The uploaded file checked and stored, or None when none was chosen.

    Raises:
        InvalidError (field ``document``): see :func:`workflow.engine.documents.checked`.
    """
    if upload is None or not getattr(upload, "filename", ""):
        return None
    try:
        content = upload.stream.read(MAX_BYTES + 1)
    finally:
        upload.close()
    if len(content) > MAX_BYTES:
        raise InvalidError(
            N_("the selected file must be smaller than {megabytes} MB"),
            field="document",
            megabytes=MAX_BYTES // (1024 * 1024),
        )
    ref = checked(content, upload.filename)
    store().put(content)
    return ref


@bp.get("/<sha256>")
def download(programme_id: int, sha256: str) -> Any:
    ref = services().programmes.document(programme_id, sha256, g.actor)
    response = send_file(
        io.BytesIO(store().read(ref.sha256)),
        mimetype=ref.media_type,
        as_attachment=True,
        download_name=ref.name,
        etag=ref.sha256,
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-cache"
    return response
