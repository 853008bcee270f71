"""The gate of a programme's current stage through the API: record evidence, ask for sign-off (or a waiver),
give a decision. Each takes ``If-Match`` and answers with the programme as it now is; the engine judges each
with the token's person as actor, exactly as the gate page does."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, g

from workflow.shapes.programmes import EvidenceRequest, Programme, SignOffRequest, SignOffRequestBody

from ..services import services
from .http import body, change
from .openapi import operation

bp = Blueprint("gate", __name__)


@operation(
    bp,
    "POST",
    "/programmes/<int:programme_id>/evidence",
    "Record evidence against a criterion of the current gate",
    {200: Programme},
    body=EvidenceRequest,
    changes=True,
)
def record_evidence(programme_id: int) -> Any:
    asked = body(EvidenceRequest)
    return change(
        programme_id,
        lambda version: services().programmes.record_evidence(
            programme_id, asked.criterion, asked.summary, asked.link, g.actor, expected_version=version
        ),
    )


@operation(
    bp,
    "POST",
    "/programmes/<int:programme_id>/sign-off-requests",
    "Ask for sign-off of the current gate, or for a waiver of the stage",
    {200: Programme},
    body=SignOffRequestBody,
    changes=True,
)
def request_sign_off(programme_id: int) -> Any:
    asked = body(SignOffRequestBody)
    return change(
        programme_id,
        lambda version: services().programmes.request_sign_off(
            programme_id, g.actor, waiver=asked.waiver, note=asked.note, expected_version=version
        ),
    )


@operation(
    bp,
    "POST",
    "/programmes/<int:programme_id>/sign-offs",
    "Give the token's person's decision on the open sign-off request",
    {200: Programme},
    body=SignOffRequest,
    changes=True,
)
def sign(programme_id: int) -> Any:
    asked = body(SignOffRequest)
    return change(
        programme_id,
        lambda version: services().programmes.sign(
            programme_id,
            g.actor.person_id,
            asked.decision,
            asked.comment,
            pack=asked.pack,
            in_round=asked.round,
            expected_version=version,
        ),
    )
