"""Programmes ready to advance: one made through the API, then copied row by row in bulk.

Making each programme through the API costs six transactions (start, evidence, request, three sign-offs),
about 30 ms here; copying the rows of one that the API made costs well under a millisecond, so a full run
fits in two minutes. Every copy is checked by the benchmark itself: its advance must pass the gate.
"""

from __future__ import annotations

import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import Table, event, func, insert, select, text

from bench.targets import Target
from workflow.engine.db import Database
from workflow.engine.importer import PartnerSpec, PersonSpec, ProgrammeSpec, RoleSpec
from workflow.engine.models import Base
from workflow.engine.programmes import Programmes
from workflow.engine.registry import Registry

DEFINITION_ID = "bench-gate"
#: Two stages with the same cheap gate (one criterion, a signatory of each partner) and an outcome.
DEFINITION = """\
id: bench-gate
version: 1
title: Benchmark lifecycle
stages:
  - id: first
    title: First stage
  - id: second
    title: Second stage
    next: done
outcomes:
  - id: done
    title: Done
  - id: abandoned
    title: Abandoned
gates:
  first:
    title: First gate
    criteria: [{id: ready, title: Ready}]
    sign_off: {each_partner: true}
  second:
    title: Second gate
    criteria: [{id: ready, title: Ready}]
    sign_off: {each_partner: true}
"""
PARTNERS = ("Northbridge District Council", "Southmoor District Council", "Eastvale Borough Council")
SIGNATORIES = ("Tom Hardy", "Aisha Khan", "Gareth Evans")
#: Tables holding a programme's rows, parents first; rows elsewhere are not made by the bench's programmes.
CHILDREN = ("partners", "role_assignments", "stage_plans", "evidence", "sign_offs", "events")


LIFECYCLE_ID = "bench-lifecycle"
DEFAULT_LIFECYCLE = Path(__file__).resolve().parent.parent / "definitions" / "shared-service.yaml"


def definitions_folder(root: Path) -> Path:
    folder = root / "definitions"
    folder.mkdir(exist_ok=True)
    (folder / f"{DEFINITION_ID}.yaml").write_text(DEFINITION)
    (folder / f"{LIFECYCLE_ID}.yaml").write_text(yaml.safe_dump(lifecycle()))
    return folder


def lifecycle() -> dict[str, Any]:
    """The default lifecycle's 8 stages and every gate's criteria, each gate signed off by each partner's
    signatory: without the figures (money) and the partners' own decisions, which need records the
    peer (SpiffWorkflow) has no counterpart of."""
    source = yaml.safe_load(DEFAULT_LIFECYCLE.read_text())
    gates = {
        stage: {
            "title": gate["title"],
            "criteria": [{k: v for k, v in c.items() if k != "figures"} for c in gate["criteria"]],
            "sign_off": {"each_partner": True},
            **({"waiver": gate["waiver"]} if "waiver" in gate else {}),  # an optional stage's gate needs one
        }
        for stage, gate in source["gates"].items()
    }
    keep = ("title", "description", "stages", "outcomes", "partners")
    return {"id": LIFECYCLE_ID, "version": 1, **{k: source[k] for k in keep}, "gates": gates}


def spec(name: str, definition: str = DEFINITION_ID) -> ProgrammeSpec:
    """Three councils, each with one signatory."""
    partners = [
        PartnerSpec(name=p, kind="district_council", population=100_000, net_budget=Decimal("1000000.00"))
        for p in PARTNERS
    ]
    people = [
        PersonSpec(
            name=who,
            email=f"{who.split()[0].lower()}@bench.example",
            roles=[RoleSpec(role="signatory", partner=partner)],
        )
        for who, partner in zip(SIGNATORIES, PARTNERS, strict=True)
    ]
    return ProgrammeSpec(name=name, definition=definition, partners=partners, people=people)


#: How far the template goes through the API: its gate met (evidence, request, every signatory approved),
#: its sign-off requested (evidence and request), or just started.
READY, REQUESTED, STARTED = "ready", "requested", "started"


class Preparer:
    """Makes programmes at the first stage, copies of a template brought there through the API."""

    def __init__(self, target: Target, folder: Path, upto: str = READY, definition: str = DEFINITION_ID) -> None:
        self.db = Database(target.url, **target.prep_kwargs)
        self.postgres = target.name == "postgresql"
        if not self.postgres:

            @event.listens_for(self.db.engine, "connect")
            def _no_sync(dbapi_connection: Any, _record: Any) -> None:  # runs after the engine's own pragmas
                dbapi_connection.execute("PRAGMA synchronous=OFF")

        self.programmes = Programmes(self.db, Registry(folder), listeners=[])
        self.prefix = f"bench {time.time_ns()}"
        self.upto, self.definition = upto, definition
        self.template = self.through_api(f"{self.prefix} template")
        self.signatories = [r.person_id for r in self.programmes.get(self.template).roles]
        self.count = 0

    def through_api(self, name: str) -> int:
        """One programme made and brought as far as ``upto`` through the engine's public API."""
        api = self.programmes
        view = api.start(spec(name, self.definition))
        if self.upto == STARTED:
            return view.id
        api.record_evidence(view.id, "ready", "shown at the board")
        api.request_sign_off(view.id)
        if self.upto == REQUESTED:
            return view.id
        for role in view.roles:
            api.sign(view.id, role.person_id, "approve")
        assert api.get(view.id).gate is not None and api.get(view.id).gate.report.passed  # type: ignore[union-attr]
        return view.id

    def ready(self, n: int) -> list[int]:
        """``n`` new programmes, copies of the template."""
        tables = Base.metadata.tables
        programmes = tables["programmes"]
        with self.db.engine.begin() as conn:
            template = dict(conn.execute(select(programmes).where(programmes.c.id == self.template)).mappings().one())
            rows = {
                t: [
                    dict(r)
                    for r in conn.execute(select(tables[t]).where(tables[t].c.programme_id == self.template)).mappings()
                ]
                for t in CHILDREN
            }
            next_programme = conn.scalar(select(func.max(programmes.c.id))) + 1
            next_partner = conn.scalar(select(func.max(tables["partners"].c.id))) + 1
            copies: dict[str, list[dict[str, Any]]] = {t: [] for t in ("programmes", *CHILDREN)}
            for j in range(n):
                self.count += 1
                pid = next_programme + j
                partner_ids = {
                    p["id"]: next_partner + j * len(rows["partners"]) + i for i, p in enumerate(rows["partners"])
                }
                copies["programmes"].append({**template, "id": pid, "name": f"{self.prefix} {self.count}"})
                for t in CHILDREN:
                    copies[t] += [_copy(tables[t], r, pid, partner_ids) for r in rows[t]]
            for t, batch in copies.items():
                if batch:
                    conn.execute(insert(tables[t]), batch)
            if self.postgres:
                for t in ("programmes", "partners", *CHILDREN):
                    if "id" in tables[t].c:
                        conn.execute(
                            text(f"SELECT setval(pg_get_serial_sequence('{t}', 'id'), (SELECT max(id) FROM {t}))")
                        )
        return list(range(next_programme, next_programme + n))

    def dispose(self) -> None:
        self.db.dispose()


def _copy(table: Table, row: dict[str, Any], programme_id: int, partner_ids: dict[int, int]) -> dict[str, Any]:
    copy = {**row, "programme_id": programme_id}
    if table.name == "partners":
        copy["id"] = partner_ids[row["id"]]
    elif "id" in copy:
        del copy["id"]
    if copy.get("partner_id") is not None:
        copy["partner_id"] = partner_ids[copy["partner_id"]]
    return copy
