"""The portfolio in the browser: a manager searches, filters by status, reads the hint that programmes are
hidden and shows them all; the page and My work reflow at 320 px (axe checks every page)."""

from __future__ import annotations

from e2e_support import DEFINITIONS, LiveServer
from playwright.sync_api import expect

from bench.portfolio import add_programmes
from workflow.engine.programmes import Programmes
from workflow.engine.registry import Registry


def test_a_manager_searches_filters_and_is_told_what_the_filters_hide(visit, live: LiveServer) -> None:
    programmes = Programmes(live.db, Registry(DEFINITIONS))
    sample = programmes.get(1)
    add_programmes(live.db, sample, 30)
    programmes.end(2, "abandon", "No appetite")
    priya = visit("priya")
    priya.sign_in("priya.shah@northbridge.example")
    priya.goto("/programmes")
    page = priya.page
    expect(page.locator("#hidden-by-filters")).to_contain_text("1 programme hidden by filters — show all")
    expect(page.locator("#by-stage")).to_contain_text("Courtship")
    expect(page.locator(".govuk-pagination")).to_be_visible()

    page.get_by_label("Search").fill("Council 1 of 7")  # a partner of programme 7
    priya.press("Apply")
    expect(page.locator("#portfolio-count")).to_have_text("1 programme")
    expect(page.locator("#hidden-by-filters")).to_contain_text("30 programmes hidden by filters")
    with page.expect_navigation():
        page.get_by_role("link", name="show all").click()
    priya.check()
    expect(page.locator("#portfolio-count")).to_have_text("31 programmes")
    expect(page.locator("#hidden-by-filters")).to_have_count(0)

    page.set_viewport_size({"width": 320, "height": 800})
    for path in ("/programmes", "/"):
        priya.goto(path)
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at 320px"
    assert not priya.violations, "\n".join(priya.violations)
