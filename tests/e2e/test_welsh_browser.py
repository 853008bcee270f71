"""In Welsh in a real browser: the switch at the top of the page, the sign-in page, My work and the programme
page, each checked with axe-core (a page in Welsh must be as accessible as in English, and say it is Welsh)."""

from __future__ import annotations

from e2e_support import PASSWORD, LiveServer
from playwright.sync_api import expect

PRIYA = "priya.shah@northbridge.example"


def test_the_switch_turns_the_pages_welsh(visit, live: LiveServer) -> None:
    priya = visit("priya")
    priya.goto("/sign-in")
    priya.page.get_by_role("link", name="Cymraeg").click()
    priya.check()
    expect(priya.page.locator("html")).to_have_attribute("lang", "cy")
    expect(priya.page.locator("h1")).to_have_text("Mewngofnodi i banns")
    priya.page.get_by_label("Cyfeiriad e-bost").fill(PRIYA)
    priya.page.get_by_label("Cyfrinair").fill(PASSWORD)
    priya.press("Mewngofnodi")
    expect(priya.page.locator("html")).to_have_attribute("lang", "cy")
    expect(priya.page.get_by_role("link", name="Fy ngwaith")).to_be_visible()
    priya.goto("/programmes/1")
    expect(priya.page.get_by_role("button", name="Allgofnodi")).to_be_visible()
    expect(priya.page.get_by_text("Sign out", exact=True)).to_have_count(0)
    priya.page.get_by_role("link", name="English").click()
    priya.check()
    expect(priya.page.locator("html")).to_have_attribute("lang", "en")
    expect(priya.page.get_by_role("button", name="Sign out")).to_be_visible()
