"""Shared pieces of the browser tests: the live server and a person's browser tab."""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, Page, ViewportSize
from werkzeug.serving import make_server

from web import create_app
from workflow.engine.db import Database

PASSWORD = "browser test password"
ROOT = Path(__file__).resolve().parents[2]
DEFINITIONS = ROOT / "definitions"
EXAMPLE = ROOT / "examples" / "northbridge-southmoor.yaml"
CHROMIUM = os.environ.get("BANNS_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = ROOT / "tests" / "artifacts" / "screenshots"
AXE = ROOT / "web" / "static" / "vendor" / "axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


class LiveServer:
    def __init__(self, database_url: str, instance: Path) -> None:
        self.app = create_app(
            {
                "INSTANCE": str(instance),
                "DATABASE_URL": database_url,
                "SECRET_KEY": "e2e",
                "DEFINITIONS_DIR": str(DEFINITIONS),
                "TESTING": False,
                "DEVELOPMENT": True,
            }
        )
        self.server = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.db = Database(database_url)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        return self

    def __exit__(self, *_: Any) -> None:
        self.server.shutdown()
        self.db.dispose()
        self.app.extensions["banns"].db.dispose()


class Visitor:
    """A person's browser tab: every page loaded is screenshotted and checked with axe-core."""

    def __init__(
        self, browser: Browser, live: LiveServer, folder: Path, who: str, counter: Iterator[int], width: int = 1100
    ) -> None:
        viewport: ViewportSize = {"width": width, "height": 900}
        self.context = browser.new_context(base_url=live.url, bypass_csp=True, viewport=viewport)
        self.context.set_default_timeout(10_000)
        self.page: Page = self.context.new_page()
        self.folder = folder
        self.counter = counter
        self.who = who
        self.violations: list[str] = []

    def goto(self, path: str) -> None:
        """Open a page, then screenshot and check it."""
        self.page.goto(path)
        self.check()

    def press(self, button: str) -> None:
        """Press a button that submits a form, wait for the page that answers, screenshot and check it."""
        with self.page.expect_navigation():
            self.page.get_by_role("button", name=button, exact=True).click()
        self.check()

    def check(self) -> None:
        """Screenshot the current page and run axe-core on it (WCAG 2.2 AA)."""
        page = self.page
        page.wait_for_load_state()
        count = next(self.counter)
        slug = re.sub(r"[^a-z0-9]+", "-", page.url.split("//", 1)[-1].split("/", 1)[-1].lower()).strip("-") or "home"
        self.folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(self.folder / f"{count:02d}-{self.who}-{slug[:60]}.png"), full_page=True)
        page.evaluate(AXE.read_text(encoding="utf-8"))
        result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS)
        for v in result["violations"]:
            if v["impact"] in ("serious", "critical"):
                targets = [n["target"] for n in v["nodes"]][:3]
                self.violations.append(f"{page.url}: {v['id']} ({v['impact']}): {v['help']} at {targets}")

    def sign_in(self, email: str, password: str = PASSWORD) -> None:
        self.goto("/sign-in")
        self.page.get_by_label("Email address").fill(email)
        self.page.get_by_label("Password").fill(password)
        self.press("Sign in")

    def close(self) -> None:
        self.context.close()


def fill_date(page: Page, legend: str, day: Any) -> None:
    """Type a date into the GOV.UK date input whose legend is ``legend``, as a person would: day, month, year."""
    group = page.get_by_role("group", name=legend, exact=True)
    group.get_by_label("Day", exact=True).fill(str(day.day))
    group.get_by_label("Month", exact=True).fill(str(day.month))
    group.get_by_label("Year", exact=True).fill(str(day.year))
