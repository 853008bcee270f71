"""The partnership's records through the API, through the same use cases as their pages: the honest
conversation's register (and a declaration), the scope, the partners' democratic decisions (and recording
one), the RAID log (and adding an entry), staff transfers and deputies. Someone not on the programme gets 404
for the register and the scope, as those pages answer, and 403 for the others, as theirs do.

A record made answers 201 with the record and the programme's new ETag. The records' use cases take no
version, so ``If-Match`` is checked just before the change (:func:`.engine_calls.guarded`)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, g, request

from workflow.engine.deputies import uk_today
from workflow.engine.errors import N_, NotFoundError
from workflow.records.decisions import DecisionInput
from workflow.records.raid import RaidFields
from workflow.shapes.records import (
    AnswerRequest,
    DecisionBoard,
    DecisionRequest,
    Declaration,
    DeclarationRequest,
    Delegation,
    DelegationList,
    NothingToDeclare,
    PartnerDecision,
    RaidEntry,
    RaidList,
    RaidQuery,
    RaidRequest,
    Register,
    ScopeRegister,
    StaffTransfer,
    TransferList,
)

from ..gates.decisions import decisions
from ..records.pages import declarations, scope
from ..records.raid import raid_log
from ..services import now, services
from .engine_calls import guarded
from .http import body, reply, validated
from .openapi import operation

bp = Blueprint("records_api", __name__)


def _created(model: Any, etag: str) -> Response:
    response = reply(model, 201)
    response.headers["ETag"] = etag
    return response


@operation(
    bp,
    "GET",
    "/programmes/<int:programme_id>/declarations",
    "The honest conversation's register: each partner's preconditions, red lines and non-negotiables, and answers",
    {200: Register},
)
def get_register(programme_id: int) -> Any:
    return reply(Register.model_validate(declarations().register(programme_id, g.actor)))


@operation(
    bp,
    "POST",
    "/programmes/<int:programme_id>/declarations",
    "A partner declares a precondition, red line or non-negotiable (for a partner the token's person speaks for)",
    {201: Declaration},
    body=DeclarationRequest,
    changes=True,
)
def declare(programme_id: int) -> Any:
    asked = body(DeclarationRequest)
    made, etag = guarded(
        programme_id,
        lambda: declarations().declare(programme_id, asked.partner_id, asked.kind, asked.title, asked.reason, g.actor),
        hidden=True,
    )
    found = declarations().register(programme_id, g.actor).declaration(made)
    return _created(Declaration.model_validate(found), etag)


@operation(
    bp,
    "POST",
    "/programmes/<int:programme_id>/declarations/none",
    "A partner records that it has nothing to declare; answers with the register",
    {200: Register},
    body=NothingToDeclare,
    changes=True,
)
def declare_none(programme_id: int) -> Any:
    asked = body(NothingToDeclare)
    _done, etag = guarded(
        programme_id, lambda: declarations().declare_none(programme_id, asked.partner_id, g.actor), hidden=True
    )
    response = reply(Register.model_validate(declarations().register(programme_id, g.actor)))
    response.headers["ETag"] = etag
    return response


@operation(
    bp,
    "POST",
    "/programmes/<int:programme_id>/declarations/<int:declaration_id>/answers",
    "Another partner accepts a declaration, or objects to it saying why; answers with the declaration",
    {200: Declaration},
    body=AnswerRequest,
    changes=True,
)
def answer(programme_id: int, declaration_id: int) -> Any:
    asked = body(AnswerRequest)
    if declarations().register(programme_id, g.actor).declaration(declaration_id) is None:
        raise NotFoundError(
            N_("no declaration {declaration_id} in programme {programme_id}"),
            declaration_id=declaration_id,
            programme_id=programme_id,
        )
    _done, etag = guarded(
        programme_id,
        lambda: declarations().answer(
            programme_id, declaration_id, asked.partner_id, asked.answer, asked.comment, g.actor
        ),
        hidden=True,
    )
    found = declarations().register(programme_id, g.actor).declaration(declaration_id)
    response = reply(Declaration.model_validate(found))
    response.headers["ETag"] = etag
    return response


@operation(
    bp,
    "GET",
    "/programmes/<int:programme_id>/scope",
    "The services in scope, and those each partner keeps local",
    {200: ScopeRegister},
)
def get_scope(programme_id: int) -> Any:
    return reply(ScopeRegister.model_validate(scope().view(programme_id, g.actor)))


@operation(
    bp,
    "GET",
    "/programmes/<int:programme_id>/decisions",
    "The decisions of partners' bodies the current gate asks for, with call-ins and pre-election periods",
    {200: DecisionBoard},
)
def get_decisions(programme_id: int) -> Any:
    board = decisions().board(programme_id, g.actor)
    shape = DecisionBoard.model_validate(
        {
            "programme_id": board.programme_id,
            "stage": board.stage,
            "today": board.today,
            "asked": board.asked,
            "periods": board.periods,
            "may_record_for": sorted(board.may_record_for),
        }
    )
    return reply(shape)


@operation(
    bp,
    "POST",
    "/programmes/<int:programme_id>/decisions",
    "Record (or correct) a partner's decision on the current gate",
    {201: PartnerDecision},
    body=DecisionRequest,
    changes=True,
)
def record_decision(programme_id: int) -> Any:
    asked = body(DecisionRequest)
    entry = DecisionInput(
        asked.partner_id,
        asked.body,
        asked.meeting_on,
        asked.key_decision,
        asked.forward_plan_on,
        asked.minutes,
        asked.outcome,
        asked.call_in_days,
    )
    made, etag = guarded(programme_id, lambda: decisions().record(programme_id, entry, g.actor))
    board = decisions().board(programme_id, g.actor)
    found = next(a.decision for a in board.asked if a.decision is not None and a.decision.id == made)
    return _created(PartnerDecision.model_validate(found), etag)


@operation(
    bp,
    "GET",
    "/programmes/<int:programme_id>/raid",
    "The RAID log: risks, assumptions, issues and dependencies",
    {200: RaidList},
    query=RaidQuery,
)
def list_raid(programme_id: int) -> Any:
    query = validated(RaidQuery, request.args.to_dict(), 400)
    entries = raid_log().entries(programme_id, g.actor, status=query.status, sort=query.sort)
    return reply(RaidList(items=[RaidEntry.model_validate(e) for e in entries]))


@operation(
    bp,
    "POST",
    "/programmes/<int:programme_id>/raid",
    "Add an entry to the RAID log (programme managers and the chair)",
    {201: RaidEntry},
    body=RaidRequest,
    changes=True,
)
def add_raid(programme_id: int) -> Any:
    asked = body(RaidRequest)
    given = RaidFields(
        asked.kind,
        asked.title,
        asked.owner_id,
        asked.likelihood,
        asked.impact,
        asked.description,
        asked.mitigation,
        asked.review_on,
    )
    made, etag = guarded(programme_id, lambda: raid_log().add(programme_id, given, g.actor))
    return _created(RaidEntry.model_validate(made), etag)


@operation(
    bp,
    "GET",
    "/programmes/<int:programme_id>/transfers",
    "Each current partner's recorded staff transfer, with its statutory duties",
    {200: TransferList},
)
def list_transfers(programme_id: int) -> Any:
    found = services().programmes.staff_transfers(programme_id, g.actor)
    today = {"today": uk_today(now())}
    return reply(TransferList(items=[StaffTransfer.model_validate(t, context=today) for t in found]))


@operation(
    bp,
    "GET",
    "/programmes/<int:programme_id>/deputies",
    "Every delegation of a signatory's decisions to a deputy, newest first",
    {200: DelegationList},
)
def list_deputies(programme_id: int) -> Any:
    found = services().programmes.delegations(programme_id, g.actor)
    return reply(DelegationList(items=[Delegation.model_validate(d) for d in found]))
