"""The RAID log and deputies in the browser, every page checked with axe: a manager adds a risk (first with a
mistake), sorts and closes; a signatory names a deputy, who decides for them on the gate; the gate shows both."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from e2e_support import LiveServer, fill_date
from playwright.sync_api import expect

from workflow.engine.programmes import Programmes
from workflow.engine.registry import Registry

TODAY = datetime.now(ZoneInfo("Europe/London")).date()  # the live server runs on the real clock


def test_a_manager_keeps_the_raid_log(visit, live: LiveServer) -> None:
    priya = visit("priya")
    priya.sign_in("priya.shah@northbridge.example")
    priya.goto("/programmes/1/raid")
    expect(priya.page.get_by_text("No entries.")).to_be_visible()
    priya.goto("/programmes/1/raid/new")
    priya.page.get_by_label("Title").fill("Pension strain exceeds budget")
    priya.press("Save")  # no owner, likelihood or impact: the form comes back with the errors
    expect(priya.page.get_by_text("There is a problem")).to_be_visible()
    priya.page.get_by_label("Owner").select_option(label="Oliver Grant")
    priya.page.get_by_role("group", name="Likelihood").get_by_label("4").check()
    priya.page.get_by_role("group", name="Impact").get_by_label("5").check()
    priya.page.get_by_label("Mitigation (optional)").fill("Actuarial review before the full case")
    fill_date(priya.page, "Review date (optional)", TODAY + timedelta(days=30))
    priya.press("Save")
    expect(priya.page.locator("#raid-entries")).to_contain_text("20 very high")
    priya.page.get_by_role("link", name="Close Pension strain exceeds budget").click()
    priya.check()
    priya.page.get_by_label("Why is it closed?").fill("Pension fund confirmed the strain is covered")
    priya.press("Close the entry")
    expect(priya.page.get_by_text("No entries.")).to_be_visible()
    priya.goto("/programmes/1/raid?status=closed")
    expect(priya.page.locator("#raid-entries")).to_contain_text("Pension fund confirmed")


def test_a_deputy_decides_for_the_signatory_on_the_gate(visit, live: LiveServer) -> None:
    programmes = Programmes(live.db, Registry(live.app.extensions["banns"].registry.folder))
    for criterion in programmes.registry.latest("shared-service").gates["courtship"].criteria:
        programmes.record_evidence(1, criterion.id, "minutes of the leaders' meeting")
    programmes.request_sign_off(1)

    tom = visit("tom")
    tom.sign_in("tom.hardy@northbridge.example")
    tom.goto("/programmes/1/deputies")
    tom.page.get_by_label("Deputy", exact=True).select_option(label="Helen Marsh")
    fill_date(tom.page, "From", TODAY)
    fill_date(tom.page, "To (inclusive)", TODAY + timedelta(days=3))
    tom.page.get_by_label("Leave").check()
    tom.press("Name the deputy")
    expect(tom.page.locator("#delegations")).to_contain_text("Running")

    helen = visit("helen")
    helen.sign_in("helen.marsh@northbridge.example")
    helen.goto("/programmes/1/gate")
    helen.page.get_by_role("link", name="Decide for Tom Hardy").click()
    helen.check()
    helen.page.get_by_label("Approve").check()
    helen.press("Record the decision")
    expect(helen.page.locator("#decisions")).to_contain_text("Helen Marsh for Tom Hardy")
