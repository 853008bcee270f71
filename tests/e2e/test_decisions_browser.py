"""Each partner's cabinet decision in a real browser (every page screenshotted and checked with axe): the
programme manager records the three cabinets' approvals of the outline case; the gate shows them in their
call-in period, counting from the day after it ends; with the clock moved past it, the gate passes and the
programme advances."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
from e2e_support import DEFINITIONS, ROOT, LiveServer, fill_date
from playwright.sync_api import expect
from records_support import agree_register

from workflow.engine.errors import NotAllowedError
from workflow.engine.programmes import Programmes
from workflow.engine.registry import Registry
from workflow.money.service import Finances

MONEY = ROOT / "examples" / "northbridge-southmoor-money.yaml"
PRIYA = "priya.shah@northbridge.example"


class Clock:
    """A clock the test moves by hand, shared by the live server and the test."""

    def __init__(self) -> None:
        self.now = datetime(2027, 1, 4, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


PARTNERS = ["Northbridge District Council", "Southmoor District Council", "Eastvale Borough Council"]


@pytest.fixture
def clocked(live: LiveServer) -> Iterator[tuple[LiveServer, Clock]]:
    """The live server on a clock the test moves (Monday 4 January 2027), the sample at the outline case gate
    with its evidence recorded and every sign-off given."""
    clock = Clock()
    banns = live.app.extensions["banns"]
    banns.programmes.clock = clock
    banns.accounts.clock = clock
    engine = Programmes(live.db, Registry(DEFINITIONS), clock=clock)
    Finances(live.db, engine.registry, clock).import_figures(1, MONEY.read_text(encoding="utf-8"), str(MONEY))
    people = {r.person_id for r in engine.get(1).roles}
    while True:
        view = engine.get(1)
        if view.state == "honest_conversation":
            agree_register(live.db, engine.registry, clock, 1)
        for criterion in engine.registry.latest("shared-service").gates[view.state].criteria:
            if not criterion.figures:
                engine.record_evidence(1, criterion.id, f"{criterion.title}: on the shared drive")
        engine.request_sign_off(1)
        for person in people:
            with contextlib.suppress(NotAllowedError):
                engine.sign(1, person, "approve")
        if view.state == "outline_case":
            break
        engine.advance(1)
    yield live, clock


def test_cabinet_decisions_recorded_in_the_browser_count_after_their_call_in(
    clocked: tuple[LiveServer, Clock], visit: Any
) -> None:
    _live, clock = clocked
    pm = visit("priya")
    page = pm.page
    pm.sign_in(PRIYA)
    pm.goto("/programmes/1/gate")
    expect(page.locator("#gate-partner-decisions")).to_contain_text("Awaiting decision")

    pm.goto("/programmes/1/decisions")
    for partner in PARTNERS:
        page.get_by_label("Partner and body").select_option(label=f"{partner}: Cabinet")
        fill_date(page, "Meeting date", date(2027, 1, 4))
        page.get_by_label("Yes").check()
        fill_date(page, "Published on the forward plan", date(2026, 12, 1))
        page.get_by_label("Minute reference or link").fill("Cabinet minute 47/26")
        page.get_by_label("Approved").check()
        pm.press("Record decision")
        expect(page.get_by_text("Decision recorded")).to_be_visible()
    table = page.locator("#partner-decisions")
    for partner in PARTNERS:
        row = table.get_by_role("row", name=partner)
        expect(row).to_contain_text("In call-in period")
        expect(row).to_contain_text("Call-in period ends 11 January 2027")
        expect(row).to_contain_text("33 clear days")

    pm.goto("/programmes/1/gate")
    holds = page.locator("#gate-partner-decisions")
    expect(holds).to_contain_text("counts from 12 January 2027")
    expect(page.get_by_text("the programme can advance")).to_have_count(0)

    clock.now = datetime(2027, 1, 12, 9, tzinfo=UTC)  # the day after the call-in period
    pm.sign_in(PRIYA)  # a week on, the old session has lapsed
    pm.goto("/programmes/1/gate")
    for partner in PARTNERS:
        expect(holds.get_by_role("row", name=partner)).to_contain_text("Counts")
    expect(page.get_by_text("the programme can advance")).to_be_visible()
    pm.press("Advance to the next stage")
    expect(page.locator("h1")).to_contain_text("Pre-nuptial agreement")
