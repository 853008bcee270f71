"""Moves of a programme through the API: advance, return to an earlier stage, waive an optional stage, a
partner's withdrawal, the end (abandon, dissolve), and publication as open data. Each takes ``If-Match``; a
move the lifecycle refuses is a 409 problem with the engine's reasons and the gate's unmet requirements
(:func:`.http.refused`)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, g

from workflow.shapes.programmes import (
    AdvanceRequest,
    EndRequest,
    Programme,
    PublicationRequest,
    ReturnRequest,
    WaiveRequest,
    WithdrawRequest,
)

from ..services import services
from .http import body, change
from .openapi import operation

bp = Blueprint("moves", __name__)


@operation(
    bp,
    "POST",
    "/programmes/<int:programme_id>/advance",
    "Pass the current gate into the next stage",
    {200: Programme},
    body=AdvanceRequest,
    changes=True,
)
def advance(programme_id: int) -> Any:
    asked = body(AdvanceRequest)
    return change(
        programme_id,
        lambda version: services().programmes.advance(
            programme_id, g.actor, reason=asked.reason, expected_version=version
        ),
    )


@operation(
    bp,
    "POST",
    "/programmes/<int:programme_id>/return",
    "Send the programme back to an earlier stage",
    {200: Programme},
    body=ReturnRequest,
    changes=True,
)
def return_to(programme_id: int) -> Any:
    asked = body(ReturnRequest)
    return change(
        programme_id,
        lambda version: services().programmes.return_to(
            programme_id, asked.stage, asked.reason, g.actor, expected_version=version
        ),
    )


@operation(
    bp,
    "POST",
    "/programmes/<int:programme_id>/waive",
    "Skip the current optional stage, its waiver approved",
    {200: Programme},
    body=WaiveRequest,
    changes=True,
)
def waive(programme_id: int) -> Any:
    asked = body(WaiveRequest)
    return change(
        programme_id,
        lambda version: services().programmes.waive(programme_id, asked.reason, g.actor, expected_version=version),
    )


@operation(
    bp,
    "POST",
    "/programmes/<int:programme_id>/withdrawals",
    "Record a partner's withdrawal (the programme ends if too few partners remain)",
    {200: Programme},
    body=WithdrawRequest,
    changes=True,
)
def withdraw(programme_id: int) -> Any:
    asked = body(WithdrawRequest)
    return change(
        programme_id,
        lambda version: services().programmes.withdraw(
            programme_id, asked.partner_id, asked.reason, g.actor, expected_version=version
        ),
    )


@operation(
    bp,
    "POST",
    "/programmes/<int:programme_id>/end",
    "End the programme by an outcome move of its lifecycle (abandon, dissolve)",
    {200: Programme},
    body=EndRequest,
    changes=True,
)
def end(programme_id: int) -> Any:
    asked = body(EndRequest)
    return change(
        programme_id,
        lambda version: services().programmes.end(
            programme_id, asked.move, asked.reason, g.actor, expected_version=version
        ),
    )


@operation(
    bp,
    "POST",
    "/programmes/<int:programme_id>/publication",
    "Publish the programme as open data, or withdraw its publication (its managers and admins)",
    {200: Programme},
    body=PublicationRequest,
    changes=True,
)
def publish(programme_id: int) -> Any:
    asked = body(PublicationRequest)
    return change(
        programme_id,
        lambda version: services().programmes.publish(programme_id, asked.public, g.actor, expected_version=version),
    )
