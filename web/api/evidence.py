"""The evidence of a programme's current gate through the API, beyond recording it (:mod:`.gate`): the list,
a withdrawal, documents (uploaded as the raw file, checked by content and named by their SHA-256; evidence on
one; downloaded again by people on the programme, anyone else 404 as on the pages), the decisions given, and
a decision pack. Changes take ``If-Match`` and answer with the programme as it now is."""

from __future__ import annotations

import io
from typing import Any

import filetype
from flask import Blueprint, g, request, send_file

from workflow.engine.documents import ACCEPTED, checked
from workflow.engine.errors import NotAllowedError
from workflow.shapes.evidence import (
    Document,
    DocumentEvidence,
    EvidenceItem,
    EvidenceList,
    EvidenceWithdrawal,
    Pack,
    SignOffList,
)
from workflow.shapes.programmes import Programme, SignOff

from ..errors import problem
from ..extensions import _
from ..gates.documents import store
from ..programmes.access import access_to
from ..services import services
from .engine_calls import changed, fields_named
from .http import body, reply
from .openapi import operation

bp = Blueprint("evidence", __name__)
#: what a document may be, by its own media type (the content decides: a renamed file is refused all the same)
DOCUMENT_TYPES = tuple(dict.fromkeys(kind.mime for e in ACCEPTED if (kind := filetype.get_type(ext=e))))
UPLOAD_TYPES = ("application/octet-stream", *DOCUMENT_TYPES)


@operation(
    bp,
    "GET",
    "/programmes/<int:programme_id>/evidence",
    "The evidence recorded against the current gate's criteria",
    {200: EvidenceList},
)
def list_evidence(programme_id: int) -> Any:
    gate = services().programmes.get(programme_id, g.actor).gate
    items = [EvidenceItem.model_validate(e) for e in gate.evidence] if gate else []
    return reply(EvidenceList(stage=gate.stage if gate else None, items=items))


@operation(
    bp,
    "POST",
    "/programmes/<int:programme_id>/evidence/withdraw",
    "Withdraw a criterion's evidence: it needs evidence again (an open request for sign-off closes)",
    {200: Programme},
    body=EvidenceWithdrawal,
    changes=True,
)
def withdraw_evidence(programme_id: int) -> Any:
    asked = body(EvidenceWithdrawal)
    return changed(
        programme_id,
        lambda version: services().programmes.withdraw_evidence(
            programme_id, asked.criterion, asked.reason, g.actor, expected_version=version
        ),
    )


@operation(
    bp,
    "POST",
    "/programmes/<int:programme_id>/documents",
    "Upload a document (the raw file, as its own media type: PDF, office formats or images, up to 20 MB) "
    "for evidence; answers with its SHA-256",
    {201: Document},
    upload=UPLOAD_TYPES,
)
def upload_document(programme_id: int) -> Any:
    """Who may record evidence may upload; the file is stored once by its hash, then evidence refers to it."""
    if not access_to(services().programmes.get(programme_id, g.actor)).can("record_evidence"):
        raise NotAllowedError(_("Only people who record evidence on this programme can upload documents"))
    if request.mimetype not in UPLOAD_TYPES:
        return problem(415, _("Send the file itself, as its own type (application/pdf, image/png...)."))
    content = request.get_data(cache=False)  # at most MAX_BYTES (web.gates.documents.UPLOADS)
    with fields_named():
        ref = checked(content, "document")
    store().put(content)
    return reply(Document.model_validate(ref), 201)


@operation(
    bp,
    "POST",
    "/programmes/<int:programme_id>/documents/<sha256>/evidence",
    "Record evidence on an uploaded document against a criterion of the current gate",
    {200: Programme},
    body=DocumentEvidence,
    changes=True,
)
def record_document_evidence(programme_id: int, sha256: str) -> Any:
    asked = body(DocumentEvidence)
    services().programmes.get(programme_id, g.actor)
    with fields_named():
        ref = checked(store().read(sha256), asked.name)
    return changed(
        programme_id,
        lambda version: services().programmes.record_evidence(
            programme_id, asked.criterion, asked.summary, asked.link, g.actor, version, document=ref
        ),
    )


@operation(
    bp,
    "GET",
    "/programmes/<int:programme_id>/documents/<sha256>",
    "Download a document of the programme's evidence (any stage, withdrawn too)",
    {},
    download=DOCUMENT_TYPES,
)
def download_document(programme_id: int, sha256: str) -> Any:
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


@operation(
    bp,
    "GET",
    "/programmes/<int:programme_id>/sign-offs",
    "The decisions given on the current gate, with their round and decision pack",
    {200: SignOffList},
)
def list_sign_offs(programme_id: int) -> Any:
    gate = services().programmes.get(programme_id, g.actor).gate
    return reply(
        SignOffList(
            stage=gate.stage if gate else None,
            round=gate.round if gate else 0,
            request_open=gate.request_open if gate else False,
            pack_hash=gate.pack_hash if gate else None,
            items=[SignOff.model_validate(s) for s in gate.sign_offs] if gate else [],
        )
    )


@operation(
    bp,
    "GET",
    "/programmes/<int:programme_id>/packs/<digest>",
    "A decision pack as it was frozen: what decisions were given on",
    {200: Pack},
)
def get_pack(programme_id: int, digest: str) -> Any:
    return reply(Pack.model_validate(services().programmes.pack(programme_id, digest, g.actor)))
