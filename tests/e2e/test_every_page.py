"""Every page of the UI, visited in the browser: each is screenshotted and checked with axe-core (the
``visit`` fixture fails the test on any serious or critical WCAG 2.2 AA violation)."""

from __future__ import annotations

from e2e_support import PASSWORD, LiveServer
from playwright.sync_api import expect
from sqlalchemy import select

from workflow.accounts.service import Accounts
from workflow.engine.programmes import Programmes
from workflow.engine.registry import Registry
from workflow.reminders.models import SignOffToken
from workflow.reminders.tokens import sign as sign_token

ADMIN = "ada.admin@banns.example"


def test_an_admin_and_a_manager_see_every_page(visit, live: LiveServer) -> None:
    Accounts(live.db).add_person(
        "Ada Admin", ADMIN, live.app.extensions["banns"].programmes.clock(), is_admin=True, password=PASSWORD
    )
    admin = visit("ada")
    admin.sign_in(ADMIN)
    for path, heading in [
        ("/definitions", "Lifecycles"),
        ("/definitions/shared-service", "Shared service partnership"),
        ("/admin/people", "People"),
        ("/admin/mail", "Sent mail"),
        ("/admin/people/1/deactivate", "Deactivate"),
        ("/account", "Your account"),
        ("/programmes/1/audit", "Northbridge, Southmoor and Eastvale shared services"),
        ("/programmes/import", "Import a programme"),
        ("/programmes/1/manage", "Northbridge"),
        ("/programmes/1/people", "Northbridge"),
        ("/programmes/1/decisions", "Northbridge"),
        ("/programmes/1/partners/new", "Northbridge"),
        ("/programmes/1/edit", "Northbridge"),
        ("/programmes/1/transfers", "Northbridge"),
        ("/programmes/1/transfers/1", "Northbridge"),
        ("/programmes/999", "Page not found"),
        ("/accessibility", "Accessibility statement"),
        ("/privacy", "Privacy notice"),
        ("/cookies", "Cookies"),
    ]:
        admin.goto(path)
        expect(admin.page.locator("h1")).to_contain_text(heading)

    # a form sent back with errors: the error summary and the fields it links to must be accessible too
    admin.goto("/programmes/import")
    admin.page.get_by_label("Programme in YAML").fill("name: [unclosed")
    admin.press("Import programme")
    expect(admin.page.get_by_text("The YAML has problems")).to_be_visible()

    # a consequential move asks first: the check-your-answers page, then cancel changes nothing
    admin.goto("/programmes/1/manage")
    admin.page.locator("form[action$='/withdraw'] textarea").fill("Cabinet voted to leave")
    admin.press("Record the withdrawal")
    expect(admin.page.locator("#confirm-heading")).to_have_text("Check before you record the withdrawal")
    expect(admin.page.locator("#consequences")).to_contain_text("An email goes to")


def test_a_signatory_decides_from_the_link_in_an_email(visit, live: LiveServer) -> None:
    programmes = Programmes(live.db, Registry(live.app.extensions["banns"].registry.folder))
    view = programmes.get(1)
    for criterion in programmes.registry.latest(view.definition_id).gates["courtship"].criteria:
        programmes.record_evidence(1, criterion.id, "minutes of the leaders' meeting")
    programmes.request_sign_off(1)
    with live.db.read() as session:
        tom = next(r.person_id for r in view.roles if r.email == "tom.hardy@northbridge.example")
        row = session.scalars(select(SignOffToken).where(SignOffToken.person_id == tom)).one()
        token = sign_token(row, "e2e")

    tom_tab = visit("tom")
    tom_tab.goto(f"/sign?t={token}")
    expect(tom_tab.page.get_by_text("your decision is requested")).to_be_visible()
    tom_tab.page.get_by_label("Approve").check()
    tom_tab.press("Confirm my decision")
    expect(tom_tab.page.get_by_role("heading", name="Decision recorded")).to_be_visible()

    tom_tab.goto(f"/sign?t={token}")  # the link works once
    expect(tom_tab.page.get_by_role("heading", name="This link can no longer be used")).to_be_visible()
    expect(tom_tab.page.get_by_text("works only once")).to_be_visible()
