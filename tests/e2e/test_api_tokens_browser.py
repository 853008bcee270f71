"""API tokens in the browser: a person creates one on their account page (its secret shown once), a program
uses it, the person sees its last use and revokes it; the API reference reads well too. Every page is checked
with axe-core by the ``visit`` fixture."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

from e2e_support import LiveServer
from playwright.sync_api import expect


def _api(live: LiveServer, token: str) -> int:
    request = urllib.request.Request(f"{live.url}/api/v1/programmes", headers={"Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(request) as answer:
            json.load(answer)
            return int(answer.status)
    except urllib.error.HTTPError as refused:
        return refused.code


def test_a_person_creates_uses_and_revokes_a_token(visit, live: LiveServer) -> None:
    tom = visit("tom")
    tom.sign_in("tom.hardy@northbridge.example")
    tom.goto("/account/security")
    tom.page.get_by_role("link", name="API tokens").click()
    tom.check()
    expect(tom.page.locator("h1")).to_have_text("API tokens")
    tom.press("Create token")  # nothing chosen: the error summary
    expect(tom.page.get_by_role("link", name="Select what the token may do")).to_be_visible()
    tom.page.get_by_label("Name").fill("Committee dashboard")
    tom.page.get_by_label("Read only").check()
    tom.press("Create token")
    secret = tom.page.locator("#token-secret").inner_text().strip()
    assert secret.startswith("banns_")
    assert _api(live, secret) == 200
    tom.goto("/account/tokens")
    expect(tom.page.locator("#token-secret")).to_have_count(0)
    expect(tom.page.locator("#tokens")).not_to_contain_text("Never used")
    tom.press("Revoke Committee dashboard")
    expect(tom.page.locator("#tokens")).to_contain_text("Revoked")
    assert _api(live, secret) == 401
    tom.goto("/api/v1/reference")
    expect(tom.page.locator("h1")).to_have_text("banns API reference")
