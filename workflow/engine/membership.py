"""Who is in a programme and what it is called: partners joining, people's roles, the name and the plan."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy import select

from . import reasons as R
from .errors import N_, InvalidError, MoveRefusedError, NotFoundError, Word
from .guards import iso_day, not_ended, partner_of
from .importer import PartnerSpec
from .models import Person, Programme, RoleAssignment, StagePlan
from .permissions import SYSTEM, Actor
from .programme_spec import new_partner
from .reasons import reason
from .text import check_day, email_address, no_nul, single_line
from .unit_of_work import ProgrammeChanges
from .views import ProgrammeView


class MembershipUseCases(ProgrammeChanges):
    """Partners, people's roles and the programme's own details."""

    def add_partner(
        self, programme_id: int, spec: PartnerSpec, actor: Actor = SYSTEM, *, expected_version: int | None = None
    ) -> ProgrammeView:
        """A new partner joins, up to the stage the definition allows."""
        with self._unit(programme_id) as session:
            programme, definition = self._begin(session, programme_id, actor, "add_partner", expected_version)
            not_ended(programme, definition, "add_partner")
            until = definition.partners.join_until
            if until and definition.stage_ids.index(programme.state) > definition.stage_ids.index(until):
                raise MoveRefusedError(
                    programme_id,
                    "add_partner",
                    programme.state,
                    [reason(R.JOIN_CLOSED, state_title=definition.state_title(until))],
                )
            if any(p.name == spec.name for p in programme.partners):
                raise InvalidError(N_("{name} is a partner already"), field="name", name=spec.name)
            partner = new_partner(spec, self.clock())
            programme.partners.append(partner)
            session.flush()
            self._log(
                session, programme, actor, "partner_added", None, None, "", partner_id=partner.id, partner=partner.name
            )
            return self._changed(session, programme)

    def edit(
        self,
        programme_id: int,
        *,
        name: str,
        description: str,
        plan: Mapping[str, tuple[date | None, date | None]],
        actor: Actor = SYSTEM,
        expected_version: int | None = None,
    ) -> ProgrammeView:
        """Change the programme's name, description and planned stage dates; the log records what changed.

        Raises:
            InvalidError: an empty, taken or multi-line name, an unknown stage, a date before 2000 or after 2100,
                or a stage planned to end before it starts.
        """
        name = single_line(name, "name", Word(N_("The programme's name"))).strip()
        description = no_nul(description, "description")
        if not name:
            raise InvalidError(N_("enter the programme's name"), field="name")
        with self._unit(programme_id) as session:
            programme, definition = self._begin(session, programme_id, actor, "edit", expected_version)
            if name != programme.name and session.scalar(select(Programme.id).where(Programme.name == name)):
                raise InvalidError(N_("a programme named '{name}' exists already"), field="name", name=name)
            changes: dict[str, Any] = {}
            for stage, (start, end) in plan.items():
                if stage not in definition.stage_by_id:
                    raise InvalidError(N_("unknown stage '{stage}'"), field="plan", stage=stage)
                for day in (start, end):
                    if day is not None:
                        check_day(day, f"plan-{stage}", definition.state_title(stage))
                if start and end and end < start:
                    raise InvalidError(
                        N_("{stage}: the planned end is before its start"),
                        field=f"plan-{stage}",
                        stage=definition.state_title(stage),
                    )
                row = next((p for p in programme.plans if p.stage == stage), None)
                if row is None:
                    row = StagePlan(programme_id=programme.id, stage=stage)
                    programme.plans.append(row)
                if (row.planned_start, row.planned_end) != (start, end):
                    changes[stage] = [
                        iso_day(row.planned_start),
                        iso_day(row.planned_end),
                        iso_day(start),
                        iso_day(end),
                    ]
                    row.planned_start, row.planned_end = start, end
            if name != programme.name:
                changes["name"] = [programme.name, name]
                programme.name = name
            if description != programme.description:
                changes["description"] = [programme.description, description]
                programme.description = description
            if not changes:
                return self._changed(session, programme)
            self._log(session, programme, actor, "programme_edited", None, None, "", changes=changes)
            return self._changed(session, programme)

    def assign_role(
        self,
        programme_id: int,
        email: str,
        role: str,
        partner_id: int | None = None,
        actor: Actor = SYSTEM,
        *,
        name: str | None = None,
    ) -> ProgrammeView:
        """Give a person (created if new, when ``name`` is given) a role in the programme.

        Raises:
            InvalidError: not an email address, a name over lines, an unknown role or a wrong partner.
            NotFoundError: nobody has the email address and no name is given.
        """
        email = email_address(email)
        name = single_line(name, "name", Word(N_("The person's name"))).strip() if name else None
        with self._unit(programme_id) as session:
            programme, definition = self._begin(session, programme_id, actor, "assign_role", None)
            scope = definition.role_scope.get(role)
            if scope is None:
                raise InvalidError(
                    N_("unknown role '{role}'; expected one of: {roles}"),
                    field="role",
                    role=role,
                    roles=tuple(definition.role_scope),
                )
            if (scope == "partner") != (partner_id is not None):
                raise InvalidError(
                    N_("role '{role}' needs a partner")
                    if scope == "partner"
                    else N_("role '{role}' is held for the whole programme, not a partner"),
                    field="partner",
                    role=role,
                )
            if partner_id is not None:
                partner_of(programme, partner_id)
            person = session.scalar(select(Person).where(Person.email == email.lower()))
            if person is None:
                if not name:
                    raise NotFoundError(N_("no person with email {email}; give a name to add them"), email=email)
                person = self._person(session, name, email, self.clock())
            if any(r.person_id == person.id and r.role == role and r.partner_id == partner_id for r in programme.roles):
                raise InvalidError(N_("{name} holds that role already"), field="role", name=person.name)
            programme.roles.append(RoleAssignment(person_id=person.id, role=role, partner_id=partner_id))
            self._log(
                session,
                programme,
                actor,
                "role_assigned",
                None,
                None,
                "",
                person_id=person.id,
                role=role,
                partner_id=partner_id,
            )
            session.flush()
            return self._changed(session, programme)

    def remove_role(
        self,
        programme_id: int,
        person_id: int,
        role: str,
        partner_id: int | None = None,
        actor: Actor = SYSTEM,
        *,
        expected_version: int | None = None,
    ) -> ProgrammeView:
        """Take a role away from a person. Decisions they gave stay in the log but no longer count.

        Raises:
            NotFoundError: the person does not hold that role. MoveRefusedError: it is the last programme manager.
        """
        with self._unit(programme_id) as session:
            programme, _ = self._begin(session, programme_id, actor, "assign_role", expected_version)
            held = next(
                (r for r in programme.roles if (r.person_id, r.role, r.partner_id) == (person_id, role, partner_id)),
                None,
            )
            if held is None:
                person = session.get(Person, person_id)
                raise NotFoundError(
                    N_("{name} does not hold the role '{role}' in programme {programme_id}")
                    if person
                    else N_("person {person_id} does not hold the role '{role}' in programme {programme_id}"),
                    name=person.name if person else None,
                    person_id=person_id,
                    role=role,
                    programme_id=programme_id,
                )
            managers = [r for r in programme.roles if r.role == "programme_manager"]
            if role == "programme_manager" and len(managers) == 1:
                raise MoveRefusedError(
                    programme_id,
                    "remove_role",
                    programme.state,
                    [reason(R.LAST_PROGRAMME_MANAGER)],
                )
            programme.roles.remove(held)
            session.delete(held)
            self._log(
                session,
                programme,
                actor,
                "role_removed",
                None,
                None,
                "",
                person_id=person_id,
                role=role,
                partner_id=partner_id,
            )
            return self._changed(session, programme)
