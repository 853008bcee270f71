"""A programme described in a spec (the import file, or the web form) checked against its lifecycle,
and its stages planned: the parts of starting a programme that need no database."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from .definitions import Definition
from .errors import N_
from .importer import PartnerSpec, ProgrammeFileError, ProgrammeSpec, RoleSpec
from .models import Partner, StagePlan
from .yamlsource import Located, Problem, dotted


def new_partner(spec: PartnerSpec, now: datetime) -> Partner:
    return Partner(
        name=spec.name,
        kind=spec.kind,
        nation=spec.nation,
        population=spec.population,
        net_budget=spec.net_budget,
        joined_at=now,
    )


def plan_stages(definition: Definition, spec: ProgrammeSpec, programme_id: int, today: date) -> list[StagePlan]:
    """Planned dates per stage: as given, else one stage after another from the start, by planned_days."""
    cursor = spec.start or today
    plans = []
    for stage in definition.stages:
        given = spec.plan.get(stage.id)
        start = given.start if given and given.start else cursor
        end = (
            given.end
            if given and given.end
            else (start + timedelta(days=stage.planned_days) if stage.planned_days else None)
        )
        plans.append(StagePlan(programme_id=programme_id, stage=stage.id, planned_start=start, planned_end=end))
        cursor = end or start
    return plans


def check_spec(spec: ProgrammeSpec, definition: Definition, located: Located | None) -> None:
    """Roles, partners and stages named in a programme file must exist in its definition.

    Raises:
        ProgrammeFileError: every problem, at its line where ``located`` has it.
    """
    problems: list[tuple[tuple[str | int, ...], str, dict[str, Any]]] = []
    partner_names = tuple(p.name for p in spec.partners)
    seen: set[str] = set()
    for i, name in enumerate(partner_names):
        if name in seen:
            problems.append((("partners", i, "name"), N_("duplicate partner '{name}'"), {"name": name}))
        seen.add(name)
    if len(set(partner_names)) < definition.partners.minimum:
        needs = {"lifecycle": definition.id, "minimum": definition.partners.minimum}
        problems.append((("partners",), N_("'{lifecycle}' needs at least {minimum} partners"), needs))
    emails: set[str] = set()
    for i, person in enumerate(spec.people):
        if person.email in emails:
            problems.append((("people", i, "email"), N_("duplicate email '{email}'"), {"email": person.email}))
        emails.add(person.email)
        for j, role in enumerate(person.role_specs()):
            found = _role_problem(definition, role, seen, partner_names)
            if found:
                problems.append((("people", i, "roles", j), *found))
    for stage in spec.plan:
        if stage not in definition.stage_by_id:
            options = {"name": stage, "options": tuple(definition.stage_ids)}
            problems.append((("plan", stage), N_("unknown stage '{name}'; expected one of: {options}"), options))
    if problems:
        raise ProgrammeFileError(
            [
                located.problem(path, msg, **values)
                if located
                else Problem("<programme>", None, dotted(path), msg, values)
                for path, msg, values in problems
            ]
        )


def _role_problem(
    definition: Definition, role: RoleSpec, partners: set[str], partner_names: tuple[str, ...]
) -> tuple[str, dict[str, Any]] | None:
    """What is wrong with a person's role in the file (a msgid and its values), or None."""
    scope = definition.role_scope.get(role.role)
    if scope is None:
        return N_("unknown role '{name}'; expected one of: {options}"), {
            "name": role.role,
            "options": tuple(definition.role_scope),
        }
    if scope == "partner" and role.partner is None:
        return N_("role '{role}' is held for a partner; add 'partner: <name>'"), {"role": role.role}
    if scope == "programme" and role.partner is not None:
        return N_("role '{role}' is held for the whole programme; remove 'partner'"), {"role": role.role}
    if role.partner is not None and role.partner not in partners:
        return N_("unknown partner '{name}'; expected one of: {options}"), {
            "name": role.partner,
            "options": partner_names,
        }
    return None
