"""The portfolio at 100 and at 10,000 programmes: how long a page takes, the one figure scaled by the other.

The portfolio filters, sorts and pages in the database, so a page of 25 should cost about the same whatever
the number of programmes behind it. Programmes beyond the first are inserted directly (SQLAlchemy core),
shaped like the sample programme; ``tests/web/test_query_counts.py`` uses the same generator.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy import func, insert, select

from workflow.engine.db import Database
from workflow.engine.importer import load_programme
from workflow.engine.models import Partner, Programme, RoleAssignment, StagePlan
from workflow.engine.permissions import SYSTEM, Actor
from workflow.engine.portfolio import Portfolio, PortfolioQuery
from workflow.engine.programmes import Programmes
from workflow.engine.registry import Registry
from workflow.engine.views import ProgrammeView

ROOT = Path(__file__).resolve().parent.parent
SIZES = (100, 10_000)
QUERIES = {
    "page 1 by name": PortfolioQuery(),
    "page 1 by next deadline": PortfolioQuery(sort="deadline", status="all"),
    "last page by name": PortfolioQuery(page=10_000),
    "name search": PortfolioQuery(search="Programme 0999"),
}


def add_programmes(db: Database, like: ProgrammeView, count: int) -> None:
    """Insert ``count`` programmes shaped like ``like`` (its definition, partners and people), bypassing the
    engine: no events, no audit, just the rows the read side looks at."""
    manager = next(r.person_id for r in like.roles if r.role == "programme_manager")
    signatory = next(r.person_id for r in like.roles if r.role == "signatory")
    now = like.created_at
    with db.write() as session:
        first = (session.scalar(select(func.max(Programme.id))) or 0) + 1
        first_partner = (session.scalar(select(func.max(Partner.id))) or 0) + 1
        programmes, partners, roles, plans = [], [], [], []
        for i in range(count):
            pid, open_request = first + i, i % 2 == 0
            programmes.append(
                {
                    "id": pid,
                    "name": f"Programme {pid:05d}",
                    "description": "",
                    "definition_id": like.definition_id,
                    "definition_version": like.definition_version,
                    "definition_hash": like.definition_hash,
                    "state": like.state,
                    "stage_entered_at": now - timedelta(days=i % 90),
                    "stage_visit": 1,
                    "evidence_rev": 0,
                    "sign_off_round": 1 if open_request else 0,
                    "sign_off_subject": "gate" if open_request else None,
                    "sign_off_requested_at": now if open_request else None,
                    "last_seq": 0,
                    "created_at": now,
                    "updated_at": now,
                    "version_id": 1,
                }
            )
            ids = [first_partner + 3 * i + k for k in range(3)]
            partners += [
                {
                    "id": partner_id,
                    "programme_id": pid,
                    "name": f"Council {k} of {pid}",
                    "kind": "district_council",
                    "nation": "england",
                    "population": 50_000 + k,
                    "net_budget": Decimal("1000000.00"),
                    "joined_at": now,
                }
                for k, partner_id in enumerate(ids)
            ]
            roles += [
                {"programme_id": pid, "person_id": manager, "role": "programme_manager", "partner_id": None},
                {"programme_id": pid, "person_id": signatory, "role": "signatory", "partner_id": ids[0]},
            ]
            plans += [
                {"programme_id": pid, "stage": p.stage, "planned_start": p.planned_start, "planned_end": p.planned_end}
                for p in like.plan
            ]
        for model, rows in ((Programme, programmes), (Partner, partners), (RoleAssignment, roles), (StagePlan, plans)):
            session.execute(insert(model.__table__), rows)  # type: ignore[arg-type]


def compare(url: str, name: str, repeats: int = 15) -> list[str]:
    """Time each portfolio query at each size on a fresh, migrated database at ``url``."""
    db = Database(url)
    try:
        programmes = Programmes(db, Registry(ROOT / "definitions"), listeners=[])
        spec, located = load_programme(ROOT / "examples" / "northbridge-southmoor.yaml")
        sample = programmes.start(spec, located)
        priya = next(r for r in sample.roles if r.role == "programme_manager")
        manager = Actor(priya.person_id, priya.person_name)
        portfolio = Portfolio(db, programmes.registry)
        timings: dict[tuple[str, str], dict[int, float]] = {}
        have = 1
        for size in SIZES:
            add_programmes(db, sample, size - have)
            have = size
            for label, query in QUERIES.items():
                for who, actor in (("admin", SYSTEM), ("manager", manager)):
                    timings.setdefault((label, who), {})[size] = _median_ms(
                        lambda q=query, a=actor: portfolio.page(a, q, sample.created_at), repeats
                    )
        lines = [f" {name}:"]
        for (label, who), by_size in timings.items():
            small, large = by_size[SIZES[0]], by_size[SIZES[-1]]
            lines.append(
                f"  {label + ' (' + who + ')':<36} {small:7.1f} ms at {SIZES[0]:>6,}   "
                f"{large:7.1f} ms at {SIZES[-1]:>6,}   x{large / small:5.2f}"
            )
        return lines
    finally:
        db.dispose()


def _median_ms(call: Callable[[], object], repeats: int) -> float:
    call()  # warm caches (definitions, compiled statements)
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)
