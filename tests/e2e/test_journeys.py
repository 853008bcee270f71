"""The journeys of the web UI issue, walked in a real browser against a live server."""

from __future__ import annotations

import re

from e2e_support import PASSWORD, LiveServer
from playwright.sync_api import expect
from sqlalchemy import select

from workflow.reminders.models import OutboxMessage

COUNCILS = [
    ("Westmarch District Council", "61200", "9800000"),
    ("Brookfield Borough Council", "74350", "11200000"),
    ("Highmoor District Council", "52900", "8150000"),
]
SIGNATORIES = [
    ("Wendy Walsh", "wendy.walsh@westmarch.example"),
    ("Ben Brook", "ben.brook@brookfield.example"),
    ("Hari Hill", "hari.hill@highmoor.example"),
]
COURTSHIP_CRITERIA = [
    "Partners named",
    "Appetite confirmed by each leader and chief executive",
    "Shared vision drafted",
    "Senior responsible owner named for each partner",
    "Budget agreed for the next stage",
]


def invitation_link(live: LiveServer, email: str) -> str:
    with live.db.read() as session:
        bodies = session.scalars(
            select(OutboxMessage.body_text).where(OutboxMessage.to_addr == email, OutboxMessage.kind == "invitation")
        ).all()
    assert bodies, f"no invitation email queued for {email}"
    match = re.search(r"https?://\S+/invitation\?token=[\w-]+", bodies[-1])
    assert match, bodies[-1]
    return match.group(0)


def create_programme(pm) -> int:
    page = pm.page
    pm.goto("/programmes")
    page.get_by_role("button", name="Create a programme").click()
    pm.check()
    page.get_by_label("Programme name").fill("Westmarch, Brookfield and Highmoor shared regulatory services")
    page.get_by_label("Lifecycle").select_option("shared-service")
    for i, (name, population, budget) in enumerate(COUNCILS):
        page.locator(f"#partners-{i}-name").fill(name)
        page.locator(f"#partners-{i}-population").fill(population)
        page.locator(f"#partners-{i}-net_budget").fill(budget)
    pm.press("Create programme")
    expect(page.get_by_text("Programme created")).to_be_visible()
    return int(re.search(r"/programmes/(\d+)", page.url).group(1))


def add_signatories(pm, programme_id: int) -> None:
    page = pm.page
    for (name, email), (council, _, _) in zip(SIGNATORIES, COUNCILS, strict=True):
        pm.goto(f"/programmes/{programme_id}/people")
        page.get_by_label("Email address").fill(email)
        page.get_by_label("Full name").fill(name)
        page.get_by_label("Role").select_option("signatory")
        page.get_by_label("For partner").select_option(label=council)
        pm.press("Add person")
        expect(page.get_by_text(f"{email} added as")).to_be_visible()


def prepare_gate(pm, programme_id: int) -> None:
    page = pm.page
    for criterion in COURTSHIP_CRITERIA:
        pm.goto(f"/programmes/{programme_id}/gate")
        page.get_by_label("Criterion", exact=True).select_option(label=criterion)
        page.get_by_label("What shows the criterion is met").fill(f"Minutes of the leaders' meeting: {criterion}")
        pm.press("Record evidence")
        expect(page.get_by_text("Evidence recorded")).to_be_visible()
    pm.press("Request sign-off")
    expect(page.get_by_text("Sign-off requested", exact=True)).to_be_visible()


def decide(visitor, programme_id: int, decision: str, comment: str = "") -> None:
    page = visitor.page
    visitor.goto(f"/programmes/{programme_id}/gate")
    page.get_by_label(decision).check()
    if comment:
        page.get_by_label("Comment").fill(comment)
    visitor.press("Record my decision")
    expect(page.get_by_text("Your decision is recorded")).to_be_visible()


def test_three_councils_from_courtship_to_a_rejected_honest_conversation(visit, live: LiveServer) -> None:
    pm = visit("priya")
    pm.sign_in("priya.shah@northbridge.example")
    programme_id = create_programme(pm)
    add_signatories(pm, programme_id)
    prepare_gate(pm, programme_id)

    signatories = []
    for name, email in SIGNATORIES:
        person = visit(name.split()[0].lower())
        person.goto(invitation_link(live, email))
        person.page.get_by_label("Create a password").fill(PASSWORD)
        person.page.get_by_label("Confirm password").fill(PASSWORD)
        person.press("Create password and sign in")
        expect(person.page.get_by_role("heading", name="My work")).to_be_visible()
        expect(person.page.get_by_role("link", name=re.compile("Westmarch, Brookfield"))).to_be_visible()
        decide(person, programme_id, "Approve")
        signatories.append(person)

    pm.goto(f"/programmes/{programme_id}/gate")
    expect(pm.page.get_by_text("the programme can advance")).to_be_visible()
    pm.press("Advance to the next stage")
    expect(pm.page.get_by_text("The programme has moved to its next stage")).to_be_visible()
    expect(pm.page.locator("h1 .govuk-tag")).to_have_text("Honest conversation")

    # The next gate: the PM requests sign-off (after evidence), and one signatory rejects with a comment.
    page = pm.page
    pm.goto(f"/programmes/{programme_id}/declarations")  # the register: each council has nothing to declare
    for council, _, _ in COUNCILS:
        pm.press(f"Record that {council} has nothing to declare")
    pm.goto(f"/programmes/{programme_id}/gate")
    for label in [
        "Scope agreed - services in, services kept local",
        "Cost-sharing principles agreed",
    ]:
        page.get_by_label("Criterion", exact=True).select_option(label=label)
        page.get_by_label("What shows the criterion is met").fill("Register of preconditions, v2")
        pm.press("Record evidence")
    pm.press("Request sign-off")
    decide(signatories[1], programme_id, "Reject", "Brookfield cannot accept a lead-authority model")

    # an advance would be refused: the page says why, with the rejection and its reason, instead of a button
    pm.goto(f"/programmes/{programme_id}/gate")
    expect(page.get_by_role("button", name="Advance to the next stage")).to_have_count(0)
    next_step = page.locator("#next-step")
    expect(next_step).to_contain_text("Rejected by Ben Brook")
    expect(next_step).to_contain_text("Brookfield cannot accept a lead-authority model")
    expect(next_step).to_contain_text("The programme cannot advance yet")
    expect(page.get_by_role("button", name="Request sign-off again")).to_be_visible()


def test_an_observer_sees_no_actions_and_is_refused_a_direct_post(visit, live: LiveServer) -> None:
    observer = visit("sam")
    observer.sign_in("sam.ellis@audit.example")
    page = observer.page
    observer.goto("/programmes/1/gate")
    expect(page.get_by_role("heading", name="Gateway 0 - strategic assessment")).to_be_visible()
    for name in ["Advance to the next stage", "Record evidence", "Request sign-off", "Record my decision"]:
        expect(page.get_by_role("button", name=name)).to_have_count(0)
    token = page.locator("input[name=csrf_token]").first.get_attribute("value") or ""
    response = page.request.post("/programmes/1/advance", form={"csrf_token": token, "version": "2"})
    assert response.status == 403
    observer.goto("/programmes/1/manage")
    expect(page.get_by_role("heading", name="You do not have permission to do this")).to_be_visible()
