"""The pages people open most (portfolio, my work, a programme) run a bounded number of SQL queries: the same
with 10 programmes as with 1,000. The extra programmes are inserted directly (SQLAlchemy core) for speed; they
look like the sample: the same definition, three partners, Priya as manager, Tom as a signatory, a sign-off
request open on every other one."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event
from web_support import ADMIN_EMAIL, EMAILS, session_as

from bench.portfolio import add_programmes
from workflow.accounts.service import Accounts
from workflow.engine.db import Database
from workflow.engine.views import ProgrammeView

#: more than any of these pages needs; a page over it has probably started to query per row
MAX_QUERIES = 25
PAGES = [
    ("portfolio", "/programmes", "priya"),
    ("portfolio", "/programmes", "admin"),
    ("portfolio sorted by deadline", "/programmes?sort=deadline&status=all", "priya"),
    ("my work", "/", "priya"),
    ("my work", "/", "tom"),
    ("programme", "/programmes/{pid}", "priya"),
    ("gate", "/programmes/{pid}/gate", "priya"),
]


@contextmanager
def recording(app: Flask) -> Iterator[list[str]]:
    """The SQL statements run while the block runs."""
    statements: list[str] = []
    engine = app.extensions["banns"].db.engine

    def record(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        statements.append(" ".join(statement.split()))

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def queries_per_page(app: Flask, client: FlaskClient, pid: int) -> dict[tuple[str, str], list[str]]:
    counted = {}
    for title, path, who in PAGES:
        session_as(client, app, ADMIN_EMAIL if who == "admin" else EMAILS[who])
        with recording(app) as statements:
            response = client.get(path.format(pid=pid))
        assert response.status_code == 200, f"{title} as {who}: {response.status_code}"
        counted[(title, who)] = statements
    return counted


def _shape(statement: str) -> str:
    """The statement with its lists of bound parameters shortened, so that only real extra queries differ."""
    return re.sub(r"\((?:\?|%\(\w+\)s)(?:, (?:\?|%\(\w+\)s))*\)", "(...)", statement)


def _grown(before: list[str], after: list[str]) -> str:
    more = Counter(map(_shape, after)) - Counter(map(_shape, before))
    fewer = Counter(map(_shape, before)) - Counter(map(_shape, after))
    return "\n".join(
        [f"  +{n} x {sql[:240]}" for sql, n in more.most_common(5)]
        + [f"  -{n} x {sql[:240]}" for sql, n in fewer.most_common(5)]
    )


@pytest.mark.slow
def test_pages_run_the_same_queries_at_10_and_at_1000_programmes(
    app: Flask, client: FlaskClient, db: Database, sample: ProgrammeView, accounts: Accounts, clock: Any
) -> None:
    accounts.add_person("Ada Admin", ADMIN_EMAIL, clock(), is_admin=True)
    add_programmes(db, sample, 9)
    queries_per_page(app, client, sample.id)  # warm the definition cache, as any running server has
    at_10 = queries_per_page(app, client, sample.id)
    add_programmes(db, sample, 990)
    session_as(client, app, EMAILS["priya"])
    assert re.search(r"1,?000 programmes", client.get("/programmes").get_data(as_text=True))
    assert re.search(r"You manage 1,?000 programmes", client.get("/").get_data(as_text=True)), "my work counts all"
    at_1000 = queries_per_page(app, client, sample.id)

    problems = []
    for page, statements in at_10.items():
        grown = at_1000[page]
        if len(grown) != len(statements):
            problems.append(
                f"{page}: {len(statements)} queries at 10 programmes, {len(grown)} at 1,000; "
                f"the extra ones:\n{_grown(statements, grown)}"
            )
        elif len(grown) > MAX_QUERIES:
            problems.append(f"{page}: {len(grown)} queries (more than {MAX_QUERIES})")
    assert not problems, "\n".join(problems)


#: the dashboard, a search with every filter, a later page, and both lists of My work a page on
DASHBOARD_PAGES = [
    ("portfolio", "/programmes", "admin"),
    ("portfolio", "/programmes", "priya"),
    ("portfolio searched and filtered", "/programmes?q=council&partner=council&confidence=none&state=courtship", "tom"),
    ("portfolio page 2 by deadline", "/programmes?page=2&sort=deadline&status=all", "priya"),
    ("my work", "/", "tom"),
    ("my work page 2", "/?page=2&managed_page=2", "tom"),
    ("my work page 2", "/?page=2&managed_page=2", "priya"),
]


def statements_per_page(app: Flask, client: FlaskClient) -> dict[tuple[str, str], list[str]]:
    counted = {}
    for title, path, who in DASHBOARD_PAGES:
        session_as(client, app, ADMIN_EMAIL if who == "admin" else EMAILS[who])
        with recording(app) as statements:
            response = client.get(path)
        assert response.status_code == 200, f"{title} as {who}: {response.status_code}"
        counted[(title, who)] = statements
    return counted


def test_the_dashboard_and_my_work_pages_run_the_same_statements_at_40_and_at_400_programmes(
    app: Flask, client: FlaskClient, db: Database, sample: ProgrammeView, accounts: Accounts, clock: Any
) -> None:
    """Both sizes fill every page asked for (10 a page), so only a query per programme could differ."""
    app.config["PORTFOLIO_PAGE_SIZE"] = 10
    accounts.add_person("Ada Admin", ADMIN_EMAIL, clock(), is_admin=True)
    add_programmes(db, sample, 39)
    clock.advance(days=100)  # every courtship is overdue, half of them with sign-off waiting
    statements_per_page(app, client)  # warm the definition cache, as any running server has
    at_40 = statements_per_page(app, client)
    add_programmes(db, sample, 360)
    session_as(client, app, EMAILS["tom"])
    assert "200 sign-offs wait for you" in client.get("/").get_data(as_text=True), "a page of all that wait"
    at_400 = statements_per_page(app, client)

    problems = [
        f"{page}: {len(statements)} statements at 40 programmes, {len(at_400[page])} at 400:\n"
        + _grown(statements, at_400[page])
        for page, statements in at_40.items()
        if len(at_400[page]) != len(statements)
    ]
    assert not problems, "\n".join(problems)
    assert max(map(len, at_400.values())) <= MAX_QUERIES
