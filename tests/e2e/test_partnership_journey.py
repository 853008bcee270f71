"""The partnership records in one journey, in a real browser with axe on every page: three councils declare
in the honest conversation, one objects, the objection is withdrawn and the gate passes; then, at the outline
case, each council's cabinet decision is recorded and counts only once its call-in period is over (the
server's clock moved), when the programme advances."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
from e2e_support import DEFINITIONS, LiveServer, fill_date
from playwright.sync_api import expect
from test_decisions_browser import MONEY, PARTNERS, Clock
from test_records_browser import EV, NB, PRECONDITION, RED_LINE, SM, answer, approve, declare

from workflow.engine.errors import NotAllowedError
from workflow.engine.programmes import Programmes
from workflow.engine.registry import Registry
from workflow.money.service import Finances

EMAILS = {
    "tom": "tom.hardy@northbridge.example",
    "aisha": "aisha.khan@southmoor.example",
    "gareth": "gareth.evans@eastvale.example",
    "helen": "helen.marsh@northbridge.example",
    "priya": "priya.shah@northbridge.example",
}


@pytest.fixture
def journey(live: LiveServer) -> Iterator[tuple[Programmes, Clock]]:
    """The live server on a clock the test moves, the sample past courtship with its money imported."""
    clock = Clock()
    banns = live.app.extensions["banns"]
    banns.programmes.clock = clock
    banns.accounts.clock = clock
    engine = Programmes(live.db, Registry(DEFINITIONS), clock=clock)
    Finances(live.db, engine.registry, clock).import_figures(1, MONEY.read_text(encoding="utf-8"), str(MONEY))
    for criterion in engine.registry.latest("shared-service").gates["courtship"].criteria:
        engine.record_evidence(1, criterion.id, f"{criterion.title}: minutes of the leaders' meeting")
    engine.request_sign_off(1)
    sign_everyone(engine)
    engine.advance(1)
    yield engine, clock


def sign_everyone(engine: Programmes) -> None:
    for person in {r.person_id for r in engine.get(1).roles}:
        with contextlib.suppress(NotAllowedError):
            engine.sign(1, person, "approve")


def test_declarations_then_cabinet_decisions_carry_a_programme_to_the_prenup(
    journey: tuple[Programmes, Clock], visit: Any
) -> None:
    engine, clock = journey
    people = {name: visit(name) for name in EMAILS}
    for name, visitor in people.items():
        visitor.sign_in(EMAILS[name])
    tom, aisha, gareth, helen, priya = (people[n] for n in ("tom", "aisha", "gareth", "helen", "priya"))

    # the honest conversation: two declare, one has nothing to declare; Eastvale objects, then withdraws
    declare(tom, NB, "Red line", RED_LINE, "The leader's promise to staff")
    declare(gareth, EV, "Precondition", PRECONDITION, "Members will not share planning committees")
    aisha.goto("/programmes/1/declarations")
    aisha.press(f"Record that {SM} has nothing to declare")
    answer(aisha, SM, RED_LINE, "Accept")
    answer(aisha, SM, PRECONDITION, "Accept")
    answer(tom, NB, PRECONDITION, "Accept")
    answer(gareth, EV, RED_LINE, "Object", "Savings need a restructure in year one")
    helen.goto("/programmes/1/gate")
    expect(helen.page.locator("#open-objections")).to_contain_text(RED_LINE)
    gareth.goto("/programmes/1/declarations")
    gareth.press(f"Withdraw objection of {EV} to {RED_LINE}")
    expect(gareth.page.locator("#register-status")).to_contain_text("every declaration is accepted")

    priya.goto("/programmes/1/gate")
    for label in ("Scope agreed - services in, services kept local", "Cost-sharing principles agreed"):
        priya.page.get_by_label("Criterion", exact=True).select_option(label=label)
        priya.page.get_by_label("What shows the criterion is met").fill("Leaders' meeting, 3 March")
        priya.press("Record evidence")
    priya.press("Request sign-off")
    for person in (tom, aisha, gareth, helen):
        approve(person)
    priya.goto("/programmes/1/gate")
    priya.press("Advance to the next stage")
    expect(priya.page.locator("h1 .govuk-tag")).to_have_text("Outline business case")

    # the outline case: evidence and every sign-off given, but each council's cabinet has still to decide
    for criterion in engine.registry.latest("shared-service").gates["outline_case"].criteria:
        if not criterion.figures:
            engine.record_evidence(1, criterion.id, f"{criterion.title}: on the shared drive")
    engine.request_sign_off(1)
    sign_everyone(engine)
    priya.goto("/programmes/1/decisions")
    page = priya.page
    for partner in PARTNERS:
        page.get_by_label("Partner and body").select_option(label=f"{partner}: Cabinet")
        fill_date(page, "Meeting date", date(2027, 1, 4))
        page.get_by_label("Yes").check()
        fill_date(page, "Published on the forward plan", date(2026, 12, 1))
        page.get_by_label("Minute reference or link").fill("Cabinet minute 47/26")
        page.get_by_label("Approved").check()
        priya.press("Record decision")
        expect(page.get_by_text("Decision recorded")).to_be_visible()
    priya.goto("/programmes/1/gate")
    expect(page.locator("#gate-partner-decisions")).to_contain_text("counts from 12 January 2027")
    expect(page.get_by_text("the programme can advance")).to_have_count(0)

    clock.now = datetime(2027, 1, 12, 9, tzinfo=UTC)  # the call-in period has passed without a call-in
    priya.sign_in(EMAILS["priya"])
    priya.goto("/programmes/1/gate")
    expect(page.get_by_text("the programme can advance")).to_be_visible()
    priya.press("Advance to the next stage")
    expect(page.locator("h1")).to_contain_text("Pre-nuptial agreement")
