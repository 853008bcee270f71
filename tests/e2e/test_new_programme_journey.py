"""A manager creates a new programme in a real browser and takes it from courtship to the pre-nuptial agreement,
entering all the money through the forms and one spreadsheet upload; then a withdrawal's confirmation page shows
what the money engine says the leaver owes.

Every page is checked with axe-core and must not scroll sideways: every visitor's viewport is 320 px wide. On every
programme and gate page the "What to do next" panel must lead with the step that is right for the person looking:
record evidence, request sign-off, chase, advance for the manager; decide for a signatory (each signatory decides in
their own browser, signed in through the invitation email).

Prepared through the engine rather than the browser, because their pages are walked in other browser tests
(tests/e2e/test_partnership_journey.py, test_decisions_browser.py): each council's cabinet decision at the outline
case (tests/decisions_support.py). The declarations register, evidence, sign-offs, advances and all money go
through the UI.
"""

from __future__ import annotations

import re
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

from e2e_support import DEFINITIONS, PASSWORD, LiveServer, fill_date
from playwright.sync_api import expect
from test_journeys import COUNCILS, COURTSHIP_CRITERIA, SIGNATORIES, add_signatories, create_programme, invitation_link

from workflow.engine.programmes import Programmes
from workflow.engine.registry import Registry
from workflow.money.service import Finances

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "money"))
from decisions_support import decide_all
from sheet_support import edit_cell

PRIYA = "priya.shah@northbridge.example"
NARROW = 320


def narrow(visitor: Any) -> Any:
    """Every page this visitor loads is also checked for sideways scrolling of the page body."""
    checked = visitor.check

    def check() -> None:
        checked()
        page = visitor.page
        overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px at {NARROW} px wide"

    visitor.check = check
    return visitor


def next_step(visitor: Any, path: str, step: str) -> None:
    """Open a programme or gate page and check that its "What to do next" panel leads with ``step``."""
    visitor.goto(path)
    lead = visitor.page.locator("#next-step [data-step]").first
    expect(lead).to_have_attribute("data-step", step)


def on_both(visitor: Any, pid: int, step: str) -> None:
    next_step(visitor, f"/programmes/{pid}", step)
    next_step(visitor, f"/programmes/{pid}/gate", step)


def evidence(pm: Any, pid: int, criteria: list[str]) -> None:
    page = pm.page
    for criterion in criteria:
        next_step(pm, f"/programmes/{pid}/gate", "record_evidence")
        page.get_by_label("Criterion", exact=True).select_option(label=criterion)
        page.get_by_label("What shows the criterion is met").fill(f"Minutes of the joint committee: {criterion}")
        pm.press("Record evidence")
        expect(page.get_by_text("Evidence recorded")).to_be_visible()


def sign_off(pm: Any, signatories: list[Any], pid: int) -> None:
    """The manager asks for sign-off, is told to chase, each signatory is told to decide and approves, and the
    manager is told to advance, and does."""
    on_both(pm, pid, "request_sign_off")
    pm.press("Request sign-off")
    expect(pm.page.get_by_text("Sign-off requested", exact=True)).to_be_visible()
    for person in signatories:
        on_both(pm, pid, "chase")
        next_step(person, f"/programmes/{pid}", "decide")
        next_step(person, f"/programmes/{pid}/gate", "decide")
        person.page.get_by_label("Approve").check()
        person.press("Record my decision")
        expect(person.page.get_by_text("Your decision is recorded")).to_be_visible()
    on_both(pm, pid, "advance")
    pm.press("Advance to the next stage")
    expect(pm.page.get_by_text("The programme has moved to its next stage")).to_be_visible()


def business_case(pm: Any, pid: int, tmp_path: Path) -> None:
    """The business case by the forms, a line at a time, then one more year's savings by a spreadsheet."""
    page = pm.page
    pm.goto(f"/programmes/{pid}/money/case")
    page.get_by_label("Financial year").first.fill("2027-28")
    page.get_by_label("Category").select_option(label="IT")
    page.get_by_label("Amount", exact=True).fill("£950,000")
    pm.press("Save investment")
    expect(page.get_by_text("Investment for 2027-28 saved")).to_be_visible()
    savings = page.locator("form", has=page.get_by_role("button", name="Save planned savings"))
    savings.get_by_label("Financial year").fill("2028-29")
    savings.get_by_label("Service").fill("regulatory services")
    savings.get_by_label("Planned savings").fill("620,000")
    pm.press("Save planned savings")
    expect(page.locator("#savings dd")).to_have_text("£620,000.00")
    baseline = page.locator("form", has=page.get_by_role("button", name="Save baseline"))
    baseline.get_by_label("Partner").select_option(label=COUNCILS[0][0])
    baseline.get_by_label("Service").fill("regulatory services")
    baseline.get_by_label("Baseline cost a year").fill("2,450,000")
    pm.press("Save baseline")
    expect(page.locator("#baselines")).to_contain_text(f"{COUNCILS[0][0]}: regulatory services")

    pm.goto(f"/programmes/{pid}/money/spreadsheet")
    with page.expect_download() as download:
        page.get_by_role("link", name="The figures recorded now (.xlsx)").click()
    data = Path(download.value.path()).read_bytes()
    filled = edit_cell(data, "xlsx", "Business case", 4, 1, "2029-30")
    filled = edit_cell(filled, "xlsx", "Business case", 4, 12, "780,000")
    upload = tmp_path / "business-case.xlsx"
    upload.write_bytes(filled)
    page.get_by_label("Spreadsheet (.xlsx or .ods)").set_input_files(str(upload))
    pm.press("Import the spreadsheet")
    expect(page.locator("main")).to_contain_text("New: £780,000.00")
    pm.press("Import these figures")
    expect(page.get_by_text("Figures imported from business-case.xlsx")).to_be_visible()


def agreement(pm: Any, pid: int, spent_on: Any) -> None:
    """The sharing basis, the pre-nup's terms and what a leaver pays, and a cost incurred so far."""
    page = pm.page
    pm.goto(f"/programmes/{pid}/money/sharing")
    page.get_by_label("By population").check()
    pm.press("Save sharing basis")
    expect(page.get_by_text("Sharing basis saved: population ratio")).to_be_visible()
    pm.goto(f"/programmes/{pid}/money/agreement")
    page.get_by_label("Notice period, in months").fill("12")
    page.get_by_label("Minimum term, in months").fill("60")
    page.get_by_label("Redundancy costs a leaver pays in full").fill("420,000")
    pm.press("Save terms")
    expect(page.get_by_text("Pre-nuptial terms saved")).to_be_visible()
    term = page.locator("form", has=page.get_by_role("button", name="Save withdrawal term"))
    term.get_by_label("From stage").select_option(label="Outline business case")
    term.get_by_label("Fixed sum").fill("£75,000")
    term.get_by_role("group", name="Does the leaver pay its share of the costs incurred to date?").get_by_label(
        "Yes"
    ).check()
    pm.press("Save withdrawal term")
    pm.goto(f"/programmes/{pid}/money/actuals")
    fill_date(page, "Date the money was spent", spent_on)
    cost = page.locator("form", has=page.get_by_role("button", name="Record cost"))
    cost.get_by_label("Category").select_option(label="IT")
    cost.get_by_label("Amount spent").fill("180,000")
    pm.press("Record cost")


def test_a_manager_takes_a_new_programme_from_creation_to_the_prenup(
    visit: Any, live: LiveServer, tmp_path: Path
) -> None:
    pm = narrow(visit("priya", width=NARROW))
    pm.sign_in(PRIYA)
    pid = create_programme(pm)
    page = pm.page
    add_signatories(pm, pid)
    for (_, email), (council, _, _) in zip(SIGNATORIES, COUNCILS, strict=True):  # the honest conversation's quorum
        pm.goto(f"/programmes/{pid}/people")
        page.get_by_label("Email address").fill(email)
        page.get_by_label("Role").select_option("steering_member")
        page.get_by_label("For partner").select_option(label=council)
        pm.press("Add person")
        expect(page.get_by_text(f"{email} added as")).to_be_visible()
    signatories = []
    for name, email in SIGNATORIES:
        person = narrow(visit(name.split()[0].lower(), width=NARROW))
        person.goto(invitation_link(live, email))
        person.page.get_by_label("Create a password").fill(PASSWORD)
        person.page.get_by_label("Confirm password").fill(PASSWORD)
        person.press("Create password and sign in")
        signatories.append(person)
    engine = Programmes(live.db, Registry(DEFINITIONS))

    # courtship
    on_both(pm, pid, "record_evidence")
    evidence(pm, pid, COURTSHIP_CRITERIA)
    sign_off(pm, signatories, pid)
    expect(page.locator("h1 .govuk-tag")).to_have_text("Honest conversation")

    # the honest conversation: each council declares it has nothing to, then the rest of the evidence
    pm.goto(f"/programmes/{pid}/declarations")
    for council, _, _ in COUNCILS:
        pm.press(f"Record that {council} has nothing to declare")
    evidence(pm, pid, ["Scope agreed - services in, services kept local", "Cost-sharing principles agreed"])
    sign_off(pm, signatories, pid)
    expect(page.locator("h1 .govuk-tag")).to_have_text("Outline business case")

    # the outline case: the money by forms and a spreadsheet, then its evidence; each cabinet decided
    on_both(pm, pid, "record_evidence")
    business_case(pm, pid, tmp_path)
    agreement(pm, pid, engine.clock().date() - timedelta(days=20))
    evidence(pm, pid, ["Options appraised", "Preferred option chosen"])
    decide_all(engine, pid)
    sign_off(pm, signatories, pid)
    expect(page.locator("h1")).to_contain_text("Pre-nuptial agreement")
    on_both(pm, pid, "record_evidence")

    # a withdrawal: its confirmation page shows what the money engine computes the leaver owes
    leaver = next(p for p in engine.get(pid).partners if p.name == COUNCILS[1][0])
    owed = Finances(live.db, engine.registry).what_if(pid, leaver.id).liability
    assert owed.total > owed.fixed_sum > 0 and owed.share_of_costs > 0
    pm.goto(f"/programmes/{pid}/manage")
    withdrawal = page.locator("form", has=page.get_by_role("button", name="Record the withdrawal"))
    withdrawal.get_by_label("Partner", exact=True).select_option(label=leaver.name)
    withdrawal.get_by_label("Reason").fill("Cabinet voted to keep regulatory services in house")
    pm.press("Record the withdrawal")
    expect(page.locator("#confirm-heading")).to_contain_text("Check before you record the withdrawal")
    expect(page.locator("main")).to_contain_text(
        f"{leaver.name} will owe £{owed.total:,.2f} under the pre-nuptial agreement."
    )
    expect(page.locator("main")).to_contain_text(re.compile(rf"£{owed.share_of_costs:,.2f}".replace(".", r"\.")))
    expect(page.locator("#new-shares")).to_contain_text(COUNCILS[0][0])

    # confirmed, the withdrawal is recorded, and the audit log shows the liability it carries
    pm.press("Record the withdrawal")
    expect(page.get_by_text("The partner's withdrawal is recorded")).to_be_visible()
    pm.goto(f"/programmes/{pid}/audit")
    expect(page.locator("main")).to_contain_text(f"£{owed.total:,.2f}")
