"""A programme manager enters the business case in a real browser without YAML: a line at a time through the
forms (a wrong amount first, answered beside the field), the sharing basis and the pre-nup's terms, then the
rest of the years by one spreadsheet upload. Every page is checked with axe, and again at 320 px wide, where
the page body must not scroll sideways."""

from __future__ import annotations

import sys
from pathlib import Path

from e2e_support import LiveServer
from playwright.sync_api import expect

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "money"))
from sheet_support import edit_cell

PRIYA = "priya.shah@northbridge.example"
MONEY_PAGES = ["", "/case", "/sharing", "/agreement", "/actuals", "/spreadsheet"]


def test_a_manager_enters_the_business_case_by_forms_and_a_spreadsheet(live: LiveServer, visit, tmp_path: Path) -> None:
    pm = visit("priya")
    page = pm.page
    pm.sign_in(PRIYA)
    pm.goto("/programmes/1/money")
    with page.expect_navigation():
        page.get_by_role("link", name="Enter the business case").click()
    pm.check()

    page.get_by_label("Financial year").first.fill("2027-28")
    page.get_by_label("Category").select_option(label="IT")
    page.get_by_label("Amount", exact=True).fill("5e9")
    pm.press("Save investment")
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Amount must be in pounds and pence, like 12,000 or £12,000.50"
    )
    expect(page.locator("#investment-amount-error")).to_be_visible()
    page.get_by_label("Amount", exact=True).fill("£950,000")
    page.get_by_label("Note (optional)").fill("single revenues, HR and payroll systems")
    pm.press("Save investment")
    expect(page.get_by_text("Investment for 2027-28 saved")).to_be_visible()
    expect(page.locator("#investments dt")).to_have_text("2027-28 IT")
    expect(page.locator("#investments dd")).to_contain_text("£950,000.00")

    savings = page.locator("form", has=page.get_by_role("button", name="Save planned savings"))
    savings.get_by_label("Financial year").fill("2028-29")
    savings.get_by_label("Service").fill("revenues and benefits")
    savings.get_by_label("Planned savings").fill("620,000")
    pm.press("Save planned savings")
    expect(page.locator("#savings")).to_contain_text(["2028-29 revenues and benefits"])
    expect(page.locator("#savings dd")).to_have_text("£620,000.00")

    baseline = page.locator("form", has=page.get_by_role("button", name="Save baseline"))
    baseline.get_by_label("Partner").select_option(label="Northbridge District Council")
    baseline.get_by_label("Service").fill("revenues and benefits")
    baseline.get_by_label("Baseline cost a year").fill("2,450,000")
    pm.press("Save baseline")
    expect(page.locator("#baselines")).to_contain_text("Northbridge District Council: revenues and benefits")

    pm.goto("/programmes/1/money/sharing")
    page.get_by_label("By population").check()
    pm.press("Save sharing basis")
    expect(page.get_by_text("Sharing basis saved: population ratio")).to_be_visible()
    expect(page.locator("#split-1")).to_contain_text("Northbridge District Council")

    pm.goto("/programmes/1/money/agreement")
    page.get_by_label("Notice period, in months").fill("12")
    page.get_by_label("Minimum term, in months").fill("60")
    page.get_by_label("Day", exact=True).fill("4")
    page.get_by_label("Month", exact=True).fill("1")
    page.get_by_label("Year", exact=True).fill("9999")
    pm.press("Save terms")
    expect(page.locator(".govuk-error-summary")).to_contain_text("9999-01-04 is not a plausible date")
    page.get_by_label("Year", exact=True).fill("2027")
    page.get_by_label("Redundancy costs a leaver pays in full").fill("420,000")
    pm.press("Save terms")
    expect(page.get_by_text("Pre-nuptial terms saved")).to_be_visible()

    # the rest of the years by one spreadsheet: the figures as they stand, one more year's savings added
    pm.goto("/programmes/1/money/spreadsheet")
    with page.expect_download() as download:
        page.get_by_role("link", name="The figures recorded now (.xlsx)").click()
    data = Path(download.value.path()).read_bytes()
    filled = edit_cell(data, "xlsx", "Business case", 4, 1, "2029-30")  # a new row: A4 its year,
    filled = edit_cell(filled, "xlsx", "Business case", 4, 12, "780,000")  # L4 its savings
    upload = tmp_path / "business-case.xlsx"
    upload.write_bytes(filled)
    page.get_by_label("Spreadsheet (.xlsx or .ods)").set_input_files(str(upload))
    pm.press("Import the spreadsheet")
    expect(page.get_by_role("heading", level=1)).to_have_text("Check the changes before importing")
    expect(page.locator("main")).to_contain_text("2029-30 revenues and benefits")
    expect(page.locator("main")).to_contain_text("New: £780,000.00")
    expect(page.locator("#period")).to_contain_text("it was 2027-28 to 2028-29, it becomes 2027-28 to 2029-30")
    pm.press("Import these figures")
    expect(page.get_by_text("Figures imported from business-case.xlsx")).to_be_visible()
    expect(page.locator("main")).to_contain_text("£780,000.00")

    page.set_viewport_size({"width": 320, "height": 800})
    for path in MONEY_PAGES:
        pm.goto(f"/programmes/1/money{path}")
        overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{path or '/'} scrolls sideways by {overflow}px at 320 px wide"
    # the check page too, at 320 px: the same file again changes nothing and says so
    pm.goto("/programmes/1/money/spreadsheet")
    page.get_by_label("Spreadsheet (.xlsx or .ods)").set_input_files(str(upload))
    pm.press("Import the spreadsheet")
    expect(page.get_by_text("The spreadsheet holds the same figures as are recorded now.")).to_be_visible()
    overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the check page scrolls sideways by {overflow}px at 320 px wide"
