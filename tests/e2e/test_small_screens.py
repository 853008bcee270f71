"""Every page at 320 CSS pixels wide (WCAG 1.4.10 reflow): the page never scrolls sideways (a wide table
scrolls inside its own box), the navigation collapses behind a Menu button that opens it, the lifecycle
diagram becomes a list, and axe finds nothing serious at that width either."""

from __future__ import annotations

from e2e_support import DEFINITIONS, PASSWORD, LiveServer
from playwright.sync_api import Page, expect

from workflow.accounts.service import Accounts
from workflow.engine.registry import Registry
from workflow.money.service import Finances

ADMIN = "ada.admin@banns.example"
MONEY = DEFINITIONS.parent / "examples" / "northbridge-southmoor-money.yaml"
WIDTH = 320

SIGNED_OUT = ["/sign-in", "/password-reset", "/accessibility", "/privacy", "/cookies"]
PROGRAMME = [
    "",
    "/gate",
    "/manage",
    "/people",
    "/audit",
    "/edit",
    "/partners/new",
    "/decisions",
    "/transfers",
    "/transfers/1",
    "/raid",
    "/raid/new",
    "/deputies",
    "/declarations",
    "/declarations/new",
    "/scope",
    "/money",
    "/money/what-if",
    "/money/report",
    "/money/benefits",
    "/money/case",
    "/money/sharing",
    "/money/agreement",
    "/money/actuals",
    "/money/spreadsheet",
]
SIGNED_IN = [
    "/",
    "/programmes",
    "/programmes/new",
    "/programmes/import",
    "/definitions",
    "/definitions/shared-service",
    "/admin/people",
    "/admin/mail",
    "/account",
    "/account/security",
    "/programmes/999",
    *(f"/programmes/1{path}" for path in PROGRAMME),
]


def overflow(page: Page) -> int:
    """How many CSS pixels the page is wider than the window (0: it does not scroll sideways)."""
    return int(page.evaluate("document.documentElement.scrollWidth - window.innerWidth"))


def test_every_page_reflows_at_320_pixels(visit, live: LiveServer) -> None:
    Finances(live.db, Registry(DEFINITIONS)).import_figures(1, MONEY.read_text(encoding="utf-8"), str(MONEY))
    Accounts(live.db).add_person(
        "Ada Admin", ADMIN, live.app.extensions["banns"].programmes.clock(), is_admin=True, password=PASSWORD
    )
    reader = visit("ada", width=WIDTH)
    wide: dict[str, int] = {}
    for path in SIGNED_OUT:
        reader.goto(path)
        wide[path] = overflow(reader.page)
    reader.sign_in(ADMIN)
    for path in SIGNED_IN:
        reader.goto(path)
        wide[path] = overflow(reader.page)
        menu = reader.page.get_by_role("button", name="Menu")
        expect(menu).to_be_visible()
    assert not {p: w for p, w in wide.items() if w > 0}, "pages wider than 320 px (path: extra pixels)"

    # the collapsed navigation opens from its Menu button and every section is reachable
    reader.goto("/programmes/1")
    expect(reader.page.get_by_role("link", name="Lifecycles")).to_be_hidden()
    reader.page.get_by_role("button", name="Menu").click()
    for name in ["My work", "Programmes", "Lifecycles", "People", "Sent mail", "Your account"]:
        expect(reader.page.get_by_role("link", name=name, exact=True).first).to_be_visible()
    expect(reader.page.get_by_role("button", name="Sign out")).to_be_visible()

    # the lifecycle diagram is a readable list of the stages, not a shrunken drawing
    stages = reader.page.locator(".banns-diagram__list li")
    expect(stages.first).to_be_visible()
    expect(reader.page.locator(".banns-diagram__svg")).to_be_hidden()

    # a wide table scrolls inside its own box, which a keyboard can reach
    reader.goto("/programmes/1/money")
    expect(reader.page.locator(".banns-scroll").first).to_have_attribute("tabindex", "0")
    scrolling = "[...document.querySelectorAll('.banns-scroll')].filter(b => b.scrollWidth > b.clientWidth).length"
    assert reader.page.evaluate(scrolling) > 0


def test_a_wide_screen_shows_the_navigation_and_the_diagram_as_before(visit, live: LiveServer) -> None:
    priya = visit("priya")
    priya.sign_in("priya.shah@northbridge.example")
    priya.goto("/programmes/1")
    expect(priya.page.get_by_role("button", name="Menu")).to_be_hidden()
    expect(priya.page.get_by_role("link", name="Programmes", exact=True)).to_be_visible()
    expect(priya.page.locator(".banns-diagram__svg")).to_be_visible()
    expect(priya.page.locator(".banns-diagram__list")).to_be_hidden()
