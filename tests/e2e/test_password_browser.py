"""Passwords in the browser: changing one's password signs one out everywhere else; signing out everywhere;
and a forgotten password reset by an emailed link that works once and expires after an hour."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from e2e_support import PASSWORD, LiveServer
from playwright.sync_api import expect
from sqlalchemy import select

from workflow.reminders.models import OutboxMessage

PRIYA = "priya.shah@northbridge.example"
TOM = "tom.hardy@northbridge.example"
NEW_PASSWORD = "lantern orchard pebble violin"


class MovableClock:
    """The live server's time: now, or later by ``ahead``."""

    def __init__(self) -> None:
        self.ahead = timedelta()

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self.ahead


def _reset_links(live: LiveServer, email: str) -> list[str]:
    with live.db.read() as session:
        bodies = session.scalars(
            select(OutboxMessage.body_text).where(OutboxMessage.to_addr == email).order_by(OutboxMessage.id)
        ).all()
    return [
        m.group(1) for body in bodies for m in re.finditer(r"https?://[^/\s]+(/password-reset/new\?token=[\w-]+)", body)
    ]


def _movable_clock(live: LiveServer) -> MovableClock:
    """Give the live server a clock the test can move."""
    clock = MovableClock()
    live.app.extensions["banns"].programmes.clock = clock
    return clock


def test_changing_a_password_signs_out_everywhere_else(visit, live: LiveServer) -> None:
    desk, laptop = visit("priya"), visit("priya-laptop")
    desk.sign_in(PRIYA)
    laptop.sign_in(PRIYA)

    desk.goto("/account/security")
    expect(desk.page.locator("#live-sessions")).to_contain_text("signed in on 2 devices")
    desk.page.get_by_label("Current password").fill("not my password at all")
    desk.page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    desk.page.get_by_label("Confirm new password").fill(NEW_PASSWORD)
    desk.press("Change password")
    expect(desk.page.get_by_role("link", name="Your current password is not right")).to_be_visible()

    desk.page.get_by_label("Current password").fill(PASSWORD)
    desk.page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    desk.page.get_by_label("Confirm new password").fill(NEW_PASSWORD)
    desk.press("Change password")
    expect(desk.page.get_by_text("you are signed out on every other device")).to_be_visible()
    expect(desk.page.locator("#live-sessions")).to_contain_text("this device only")

    laptop.goto("/")
    expect(laptop.page.get_by_role("heading", name="Sign in to banns")).to_be_visible()
    laptop.sign_in(PRIYA, PASSWORD)
    expect(laptop.page.get_by_text("Enter a correct email address and password").first).to_be_visible()
    laptop.sign_in(PRIYA, NEW_PASSWORD)
    expect(laptop.page.get_by_role("button", name="Sign out")).to_be_visible()

    desk.goto("/account/security")
    desk.press("Sign out everywhere")
    expect(desk.page.get_by_text("You have signed out everywhere")).to_be_visible()
    laptop.goto("/")
    expect(laptop.page.get_by_role("heading", name="Sign in to banns")).to_be_visible()


def test_a_forgotten_password_is_reset_by_a_link_that_works_once_and_expires(visit, live: LiveServer) -> None:
    clock = _movable_clock(live)
    tom = visit("tom")
    tom.goto("/sign-in")
    tom.page.get_by_role("link", name="Forgotten your password?").click()
    tom.check()
    tom.page.get_by_label("Email address").fill(TOM)
    tom.press("Send the link")
    expect(tom.page.get_by_role("heading", name="Check your email")).to_be_visible()
    [link] = _reset_links(live, TOM)

    tom.goto(link)
    expect(tom.page.get_by_role("heading", name="Choose a new password")).to_be_visible()
    tom.page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    tom.page.get_by_label("Confirm new password").fill(NEW_PASSWORD)
    tom.press("Reset password and sign in")
    expect(tom.page.get_by_text("Your password is reset and you are signed in")).to_be_visible()

    tom.goto(link)
    expect(tom.page.get_by_role("heading", name="This link can no longer be used")).to_be_visible()
    expect(tom.page.get_by_text("already been used")).to_be_visible()

    other = visit("tom-elsewhere")
    other.sign_in(TOM, PASSWORD)
    expect(other.page.get_by_text("Enter a correct email address and password").first).to_be_visible()
    other.sign_in(TOM, NEW_PASSWORD)
    expect(other.page.get_by_role("button", name="Sign out")).to_be_visible()

    other.press("Sign out")
    other.page.get_by_role("link", name="Forgotten your password?").click()
    other.page.get_by_label("Email address").fill(TOM)
    other.press("Send the link")
    expired_link = _reset_links(live, TOM)[-1]
    clock.ahead = timedelta(minutes=61)
    other.goto(expired_link)
    expect(other.page.get_by_text("This link has expired")).to_be_visible()
    expect(other.page.get_by_role("link", name="Ask for a new link to reset your password")).to_be_visible()
