"""Browser tests: a live banns server on loopback, driven by Playwright in Debian's chromium.

Every page a test visits is screenshotted into ``tests/artifacts/screenshots/<test>/`` and checked with
axe-core for WCAG 2.2 AA; serious or critical violations fail the test that visited the page.
"""

from __future__ import annotations

import itertools
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from e2e_support import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, DEFINITIONS, EXAMPLE, PASSWORD, LiveServer, Visitor
from playwright.sync_api import Browser, sync_playwright

from workflow.accounts.service import Accounts
from workflow.engine.importer import load_programme
from workflow.engine.programmes import Programmes
from workflow.engine.registry import Registry


@pytest.fixture
def live(sqlite_template: Path, tmp_path: Path) -> Iterator[LiveServer]:
    """A live server on a fresh database holding the sample programme, every sample person with a password."""
    path = tmp_path / "e2e.sqlite3"
    shutil.copy(sqlite_template, path)
    url = f"sqlite:///{path}"
    with LiveServer(url, tmp_path / "instance") as server:
        programmes = Programmes(server.db, Registry(DEFINITIONS))
        spec, located = load_programme(EXAMPLE)
        programmes.start(spec, located)
        accounts = Accounts(server.db)
        for person in spec.people:
            accounts.set_password_for_development(person.email, PASSWORD)
        yield server


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Debian's chromium is needed at {CHROMIUM} for the browser tests: `make browser` installs it")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def visit(browser: Browser, live: LiveServer, request: pytest.FixtureRequest) -> Iterator[Any]:
    """``visit("priya")`` opens a new browser context for that person (``width``: its viewport's, in CSS
    pixels); axe violations fail the test."""
    folder = ARTIFACTS / re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)
    shutil.rmtree(folder, ignore_errors=True)
    visitors: list[Visitor] = []
    counter = itertools.count(1)

    def open_for(who: str, width: int = 1100) -> Visitor:
        visitor = Visitor(browser, live, folder, who, counter, width)
        visitors.append(visitor)
        return visitor

    yield open_for
    problems = [v for visitor in visitors for v in visitor.violations]
    for visitor in visitors:
        visitor.close()
    assert not problems, "accessibility violations (WCAG 2.2 AA, serious or critical):\n" + "\n".join(problems)
