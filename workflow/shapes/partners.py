"""The shapes of the API's partners, people and roles, and of a programme's own details: read from the engine's
views, as :mod:`.programmes` does; request bodies refuse unknown members."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from workflow.engine.text import Day

from .programmes import Body, Partner, Role, Shape


class PartnerList(BaseModel):
    """Every partner of the programme, current and withdrawn, in the order they joined."""

    items: list[Partner]


class RoleList(BaseModel):
    """Who holds which role in the programme (a role for a partner names it)."""

    items: list[Role]


class Person(Shape):
    id: int
    name: str
    email: str
    is_admin: bool
    deactivated_at: datetime | None


class PeopleList(BaseModel):
    """Everyone with an account, by name (administrators only, as the people page)."""

    items: list[Person]


class PlanDates(Body):
    """A stage's planned dates; a member left out keeps its date, ``null`` clears it."""

    start: Day | None = None
    end: Day | None = None


class ProgrammeEdit(Body):
    """What to change of the programme's details: members left out keep their value (as the edit page)."""

    name: str | None = Field(default=None, max_length=200, description="the programme's name, on one line")
    description: str | None = Field(
        default=None, max_length=4000, description="as the edit page: up to 4000 characters"
    )
    plan: dict[str, PlanDates] = Field(
        default_factory=dict, description="planned dates by stage id (the stages of the programme's plan)"
    )


class RoleAssignment(Body):
    """Give a person a role; someone new to banns needs ``name`` too, and is invited by email."""

    email: str = Field(min_length=3, max_length=320)
    role: str = Field(min_length=1, max_length=60, description="a role of the programme's lifecycle")
    partner_id: int | None = Field(default=None, ge=1, description="the partner, for a role held for one")
    name: str | None = Field(default=None, max_length=200, description="the person's full name, if new to banns")


class RoleRemoval(Body):
    person_id: int = Field(ge=1)
    role: str = Field(min_length=1, max_length=60)
    partner_id: int | None = Field(default=None, ge=1)
