"""The money pages of the sample programme in a real browser: the business case, what if a partner withdrew,
recording delivery confidence, and the highlight report (every page screenshotted and checked with axe)."""

from __future__ import annotations

from e2e_support import DEFINITIONS, ROOT, LiveServer
from playwright.sync_api import expect

from workflow.engine.registry import Registry
from workflow.money.service import Finances

MONEY = ROOT / "examples" / "northbridge-southmoor-money.yaml"
PRIYA = "priya.shah@northbridge.example"


def test_highlight_report_and_what_if_of_the_sample_programme(live: LiveServer, visit) -> None:
    finances = Finances(live.db, Registry(DEFINITIONS))
    finances.import_figures(1, MONEY.read_text(encoding="utf-8"), str(MONEY))
    pm = visit("priya")
    page = pm.page
    pm.sign_in(PRIYA)

    pm.goto("/programmes/1/money")
    expect(page.locator("#payback")).to_have_text("2030-31 (year 5)")
    expect(page.get_by_role("row", name="Northbridge District Council 33.0423%")).to_be_visible()

    pm.goto("/programmes/1/money/what-if")
    page.get_by_label("Partner").select_option(label="Northbridge District Council")
    pm.press("Show what it would owe")
    expect(page.locator("#liability")).to_contain_text("Northbridge District Council would owe £0.00")
    shares = page.locator("#shares")
    expect(shares.get_by_role("row", name="Southmoor District Council")).to_contain_text("29.2478% 43.6810%")
    expect(shares.get_by_role("row", name="Eastvale Borough Council")).to_contain_text("37.7099% 56.3190%")

    pm.goto("/programmes/1/money/benefits")
    page.get_by_label("Reporting period").fill("2026-27 Q3")
    page.get_by_label("Amber/Green").check()
    page.get_by_label("Commentary").fill("Legal advice on the company is two weeks late.")
    pm.press("Record delivery confidence")
    expect(page.get_by_text("Delivery confidence for 2026-27 Q3 recorded")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Highlight report 2026-27 Q3")
    expect(page.locator("#confidence")).to_contain_text("Amber/Green")
    expect(page.locator("#savings").get_by_role("row", name="2028-29")).to_contain_text("£924,400.00")
    expect(page.locator("figure svg")).to_be_visible()
    expect(page.get_by_role("link", name="Download as PDF")).to_have_attribute(
        "href", "/programmes/1/money/report.pdf?period=2026-27+Q3"
    )
