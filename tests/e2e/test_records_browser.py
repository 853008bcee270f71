"""The honest conversation in a real browser (axe on every page visited): three councils declare, one objects,
the objection is withdrawn, and the honest conversation gate passes."""

from __future__ import annotations

import contextlib

from e2e_support import DEFINITIONS, LiveServer
from playwright.sync_api import expect

from workflow.engine.errors import NotAllowedError
from workflow.engine.programmes import Programmes
from workflow.engine.registry import Registry

RED_LINE = "no job losses in year one"
PRECONDITION = "Planning stays with each council"
NB, SM, EV = "Northbridge District Council", "Southmoor District Council", "Eastvale Borough Council"


def past_courtship(live: LiveServer) -> None:
    """The sample programme's courtship passed through the engine, so the browser starts at the register."""
    programmes = Programmes(live.db, Registry(DEFINITIONS))
    view = programmes.get(1)
    for criterion in programmes.registry.latest("shared-service").gates["courtship"].criteria:
        programmes.record_evidence(1, criterion.id, f"{criterion.title}: minutes of the leaders' meeting")
    programmes.request_sign_off(1)
    for person in {r.person_id for r in view.roles}:
        with contextlib.suppress(NotAllowedError):
            programmes.sign(1, person, "approve")
    programmes.advance(1)


def follow(visitor, name: str) -> None:
    """Follow a link by its accessible name, then screenshot and check the page it opens."""
    with visitor.page.expect_navigation():
        visitor.page.get_by_role("link", name=name, exact=True).click()
    visitor.check()


def declare(visitor, council: str, kind: str, title: str, reason: str) -> None:
    visitor.goto("/programmes/1/declarations")
    follow(visitor, f"Declare an item for {council}")
    visitor.page.get_by_label(kind, exact=True).check()
    visitor.page.get_by_label("The item, in a line").fill(title)
    visitor.page.get_by_label("Why").fill(reason)
    visitor.press("Declare")
    expect(visitor.page.get_by_text(f"Declared: {title}")).to_be_visible()


def answer(visitor, council: str, title: str, choice: str, comment: str = "") -> None:
    visitor.goto("/programmes/1/declarations")
    follow(visitor, f"Answer for {council}: {title}")
    visitor.page.get_by_label(choice, exact=True).check()
    if comment:
        visitor.page.get_by_label("Comment (required to object)").fill(comment)
    visitor.press("Save answer")
    expect(visitor.page.get_by_text("Your answer is recorded")).to_be_visible()


def approve(visitor) -> None:
    visitor.goto("/programmes/1/gate")
    visitor.page.get_by_label("Approve").check()
    visitor.press("Record my decision")
    expect(visitor.page.get_by_text("Your decision is recorded")).to_be_visible()


def test_three_councils_declare_one_objects_the_objection_is_withdrawn_and_the_gate_passes(
    visit, live: LiveServer
) -> None:
    past_courtship(live)
    tom, aisha, gareth, helen, priya = (visit(n) for n in ("tom", "aisha", "gareth", "helen", "priya"))
    for who, email in (
        (tom, "tom.hardy@northbridge.example"),
        (aisha, "aisha.khan@southmoor.example"),
        (gareth, "gareth.evans@eastvale.example"),
        (helen, "helen.marsh@northbridge.example"),
        (priya, "priya.shah@northbridge.example"),
    ):
        who.sign_in(email)

    declare(tom, NB, "Red line", RED_LINE, "The leader's promise to staff")
    declare(gareth, EV, "Precondition", PRECONDITION, "Members will not share planning committees")
    aisha.goto("/programmes/1/declarations")
    aisha.press(f"Record that {SM} has nothing to declare")
    expect(aisha.page.get_by_text("Recorded that the partner has nothing to declare")).to_be_visible()

    answer(aisha, SM, RED_LINE, "Accept")
    answer(aisha, SM, PRECONDITION, "Accept")
    answer(tom, NB, PRECONDITION, "Accept")
    answer(gareth, EV, RED_LINE, "Object", "Savings need a restructure in year one")

    # the steering group and the programme manager see the open objection on the gate
    helen.goto("/programmes/1/gate")
    objections = helen.page.locator("#open-objections")
    expect(objections).to_contain_text(EV)
    expect(objections).to_contain_text(RED_LINE)
    priya.goto("/programmes/1/gate")
    for label in ("Scope agreed - services in, services kept local", "Cost-sharing principles agreed"):
        priya.page.get_by_label("Criterion", exact=True).select_option(label=label)
        priya.page.get_by_label("What shows the criterion is met").fill("Leaders' meeting, 3 March")
        priya.press("Record evidence")
    priya.press("Request sign-off")
    expect(priya.page.locator("#refusal")).to_contain_text(f"{EV} objects to {NB}'s red line '{RED_LINE}'")

    # the objector sees it on My work, and withdraws it once resolved
    gareth.goto("/")
    expect(gareth.page.locator("#register-tasks")).to_contain_text(f"objects to {NB}'s red line '{RED_LINE}'")
    gareth.goto("/programmes/1/declarations")
    gareth.press(f"Withdraw objection of {EV} to {RED_LINE}")
    expect(gareth.page.get_by_text("The objection is withdrawn")).to_be_visible()
    expect(gareth.page.locator("#register-status")).to_contain_text("every declaration is accepted")

    priya.goto("/programmes/1/gate")
    priya.press("Request sign-off")
    expect(priya.page.get_by_text("Sign-off requested", exact=True)).to_be_visible()
    for person in (tom, aisha, gareth, helen):
        approve(person)
    priya.goto("/programmes/1/gate")
    priya.press("Advance to the next stage")
    expect(priya.page.locator("h1 .govuk-tag")).to_have_text("Outline business case")


def test_the_scope_page_with_its_errors_and_the_programme_page_card(visit, live: LiveServer) -> None:
    priya = visit("priya")
    priya.sign_in("priya.shah@northbridge.example")
    priya.goto("/programmes/1/scope")
    priya.page.get_by_label("Service", exact=True).fill("Revenues and benefits")
    priya.press("Add to scope")
    expect(priya.page.get_by_text("Revenues and benefits is in scope")).to_be_visible()
    priya.page.get_by_label(EV, exact=True).check()
    priya.page.get_by_label("Service kept local").fill("Planning")
    priya.press("Keep local")  # no reason: the form comes back with its errors (checked by axe too)
    expect(priya.page.locator(".govuk-error-summary")).to_contain_text("Enter the reason")
    priya.page.get_by_label("Why it stays local").fill("Its local plan is at examination")
    priya.press("Keep local")
    expect(priya.page.get_by_text("Planning stays local")).to_be_visible()
    priya.goto("/programmes/1")
    expect(priya.page.locator("#records-card")).to_contain_text(f"{EV}: Planning")
    priya.goto("/programmes/1/declarations")
    follow(priya, f"Declare an item for {NB}")
    priya.press("Declare")  # nothing filled in
    expect(priya.page.locator(".govuk-error-summary")).to_contain_text("Enter the item")
