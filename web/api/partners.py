"""A programme's details, partners and people's roles through the API: its name, description and plan
(``PATCH``, as the edit page); its partners, and a new one joining; who holds which role, a role given or
taken away; and, for administrators, everyone with an account. Each change takes ``If-Match`` and answers
(200) with the programme as it now is, its new ETag in the header; the engine judges each with the token's
person as actor, exactly as the pages do."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, g

from workflow.engine.errors import InvalidError, NotAllowedError, NotFoundError
from workflow.engine.importer import PartnerSpec
from workflow.engine.views import ProgrammeView
from workflow.shapes.partners import (
    PartnerList,
    PeopleList,
    Person,
    ProgrammeEdit,
    RoleAssignment,
    RoleList,
    RoleRemoval,
)
from workflow.shapes.programmes import Partner, Programme

from ..extensions import _
from ..services import services
from .engine_calls import changed, guarded
from .http import body, programme_reply, reply, roles_seen
from .openapi import operation

bp = Blueprint("partners", __name__)


@operation(
    bp,
    "PATCH",
    "/programmes/<int:programme_id>",
    "Change the programme's name, description or planned stage dates (members left out are kept)",
    {200: Programme},
    body=ProgrammeEdit,
    changes=True,
)
def edit_programme(programme_id: int) -> Any:
    asked = body(ProgrammeEdit)
    view = services().programmes.get(programme_id, g.actor)
    planned = {p.stage: (p.planned_start, p.planned_end) for p in view.plan}
    plan = {}
    for stage, dates in asked.plan.items():
        start, end = planned.get(stage, (None, None))
        plan[stage] = (
            dates.start if "start" in dates.model_fields_set else start,
            dates.end if "end" in dates.model_fields_set else end,
        )
    return changed(
        programme_id,
        lambda version: services().programmes.edit(
            programme_id,
            name=view.name if asked.name is None else asked.name,
            description=view.description if asked.description is None else asked.description,
            plan=plan,
            actor=g.actor,
            expected_version=version,
        ),
    )


@operation(
    bp,
    "GET",
    "/programmes/<int:programme_id>/partners",
    "The programme's partners, current and withdrawn",
    {200: PartnerList},
)
def list_partners(programme_id: int) -> Any:
    view = services().programmes.get(programme_id, g.actor)
    return reply(PartnerList(items=[Partner.model_validate(p) for p in view.partners]))


@operation(
    bp,
    "POST",
    "/programmes/<int:programme_id>/partners",
    "A new partner joins (up to the stage the lifecycle allows); answers with the programme",
    {200: Programme},
    body=PartnerSpec,
    changes=True,
)
def add_partner(programme_id: int) -> Any:
    spec = body(PartnerSpec)
    return changed(
        programme_id,
        lambda version: services().programmes.add_partner(programme_id, spec, g.actor, expected_version=version),
    )


@operation(bp, "GET", "/programmes/<int:programme_id>/roles", "Who holds which role in the programme", {200: RoleList})
def list_roles(programme_id: int) -> Any:
    view = services().programmes.get(programme_id, g.actor)
    return reply(RoleList(items=roles_seen(view)))


@operation(
    bp,
    "PUT",
    "/programmes/<int:programme_id>/roles",
    "Give a person a role (someone new needs a name, and is invited by email); answers with the programme",
    {200: Programme},
    body=RoleAssignment,
    changes=True,
)
def assign_role(programme_id: int) -> Any:
    asked = body(RoleAssignment)

    def assign() -> ProgrammeView:
        try:
            return services().programmes.assign_role(
                programme_id, asked.email, asked.role, asked.partner_id, g.actor, name=asked.name
            )
        except NotFoundError as exc:  # the programme is there (guarded read it): a mistake in what was sent
            field = "name" if "email" in exc.values else "partner_id"  # no such person: give a name
            raise InvalidError(exc.message, field=field, **exc.values) from None

    after, _etag = guarded(programme_id, assign)
    added = next(r for r in after.roles if r.email == asked.email.strip().lower())
    services().invite(added.person_id, programme_id)
    return programme_reply(after)


@operation(
    bp,
    "POST",
    "/programmes/<int:programme_id>/roles/remove",
    "Take a role away from a person (not the last programme manager); answers with the programme",
    {200: Programme},
    body=RoleRemoval,
    changes=True,
)
def remove_role(programme_id: int) -> Any:
    asked = body(RoleRemoval)
    return changed(
        programme_id,
        lambda version: services().programmes.remove_role(
            programme_id, asked.person_id, asked.role, asked.partner_id, g.actor, expected_version=version
        ),
    )


@operation(bp, "GET", "/people", "Everyone with an account, by name (administrators only)", {200: PeopleList})
def list_people() -> Any:
    if not g.actor.is_admin:
        raise NotAllowedError(_("Only administrators can see everyone's accounts"))
    return reply(PeopleList(items=[Person.model_validate(p) for p in services().accounts.people()]))
