"""A programme described in a spec (the import file, or the web form) checked against its lifecycle,
and its stages planned: the parts of starting a programme that need no database."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from .definitions import Definition
from .importer import PartnerSpec, ProgrammeFileError, ProgrammeSpec
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
    """Roles, partners and stages named in a programme file must exist in its definition."""
    problems: list[tuple[tuple[str | int, ...], str]] = []
    partner_names = [p.name for p in spec.partners]
    seen: set[str] = set()
    for i, name in enumerate(partner_names):
        if name in seen:
            problems.append((("partners", i, "name"), f"duplicate partner '{name}'"))
        seen.add(name)
    if len(set(partner_names)) < definition.partners.minimum:
        problems.append((("partners",), f"'{definition.id}' needs at least {definition.partners.minimum} partners"))
    emails: set[str] = set()
    for i, person in enumerate(spec.people):
        if person.email in emails:
            problems.append((("people", i, "email"), f"duplicate email '{person.email}'"))
        emails.add(person.email)
        for j, role in enumerate(person.role_specs()):
            scope = definition.role_scope.get(role.role)
            where = ("people", i, "roles", j)
            if scope is None:
                problems.append(
                    (where, f"unknown role '{role.role}'; expected one of: " + ", ".join(definition.role_scope))
                )
            elif scope == "partner" and role.partner is None:
                problems.append((where, f"role '{role.role}' is held for a partner; add 'partner: <name>'"))
            elif scope == "programme" and role.partner is not None:
                problems.append((where, f"role '{role.role}' is held for the whole programme; remove 'partner'"))
            elif role.partner is not None and role.partner not in seen:
                problems.append(
                    (where, f"unknown partner '{role.partner}'; expected one of: " + ", ".join(partner_names))
                )
    for stage in spec.plan:
        if stage not in definition.stage_by_id:
            problems.append(
                (("plan", stage), f"unknown stage '{stage}'; expected one of: " + ", ".join(definition.stage_ids))
            )
    if problems:
        raise ProgrammeFileError(
            [
                located.problem(path, msg) if located else Problem("<programme>", None, dotted(path), msg)
                for path, msg in problems
            ]
        )
