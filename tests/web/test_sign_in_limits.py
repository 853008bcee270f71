"""Sign-in limits (policy: :mod:`workflow.accounts.limits`): exact under concurrent tries on a real database
(PostgreSQL's row locks, SQLite's serial writes), and no use to a stranger who wants to keep a person out.

Threads here really race: a barrier releases them together, each with its own connection."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from account_support import ask_for_reset, links_in_outbox, set_new_password
from flask import Flask
from flask.testing import FlaskClient
from web_support import EMAILS, PASSWORD, csrf_token, text_of

from workflow.accounts.errors import SignInError
from workflow.accounts.limits import ADDRESS_LIMIT, EMAIL_LIMIT, PAIR_LIMIT
from workflow.accounts.service import Accounts
from workflow.engine.views import ProgrammeView

TOM = EMAILS["tom"]
HOME = "192.0.2.10"  # Tom's address
NEW_PASSWORD = "lantern orchard pebble violin"
WRONG = "Enter a correct email address and password"
LIMITED = "Too many attempts to sign in"


@pytest.fixture
def tom(sample: ProgrammeView, accounts: Accounts) -> str:
    accounts.set_password_for_development(TOM, PASSWORD)
    return TOM


def _race(accounts: Accounts, clock: Any, tries: list[tuple[str, str]], threads: int) -> list[str]:
    """Run sign-in attempts ``(password, address)`` for Tom on ``threads`` threads released together; each
    outcome is ``ok``, ``wrong`` or ``limited``."""
    barrier = threading.Barrier(threads)
    per_thread = [tries[i::threads] for i in range(threads)]

    def run(mine: list[tuple[str, str]]) -> list[str]:
        barrier.wait()
        outcomes = []
        for password, address in mine:
            try:
                accounts.authenticate(TOM, password, address, clock())
            except SignInError as exc:
                outcomes.append(exc.reason)
            else:
                outcomes.append("ok")
        return outcomes

    with ThreadPoolExecutor(threads) as pool:
        return [outcome for outcomes in pool.map(run, per_thread) for outcome in outcomes]


@pytest.mark.slow
def test_concurrent_failures_from_one_address_never_pass_the_limit(tom: str, accounts: Accounts, clock: Any) -> None:
    for _ in range(3):
        outcomes = _race(accounts, clock, [("wrong password here", HOME)] * 12, threads=12)
        assert outcomes.count("wrong") == PAIR_LIMIT, outcomes
        assert outcomes.count("limited") == 12 - PAIR_LIMIT
        with pytest.raises(SignInError) as refused:
            accounts.authenticate(TOM, PASSWORD, HOME, clock())
        assert refused.value.reason == "limited", "even the right password, until the window closes"
        clock.advance(minutes=15)


@pytest.mark.slow
def test_concurrent_failures_from_many_addresses_never_pass_the_email_limit(
    tom: str, accounts: Accounts, clock: Any
) -> None:
    tries = [("wrong password here", f"198.51.100.{i}") for i in range(EMAIL_LIMIT + 12)]
    outcomes = _race(accounts, clock, tries, threads=8)
    assert outcomes.count("wrong") == EMAIL_LIMIT, outcomes
    assert outcomes.count("limited") == 12


@pytest.mark.slow
def test_a_stranger_hammering_cannot_keep_tom_out_of_a_browser_he_has_used(
    app: Flask, client: FlaskClient, tom: str, clock: Any
) -> None:
    assert _sign_in(client, tom, PASSWORD, HOME).status_code == 302
    assert _post_sign_out(client).status_code == 302

    outcomes = _hammer(app, tom, attempts=EMAIL_LIMIT + 10)
    assert outcomes.count(WRONG) == EMAIL_LIMIT and outcomes.count(LIMITED) == 10

    assert _sign_in(client, tom, PASSWORD, HOME).status_code == 302, "his own browser: at once"
    assert _post_sign_out(client).status_code == 302
    _hammer(app, tom, attempts=10)
    assert _sign_in(client, tom, PASSWORD, HOME).status_code == 302, "and while the stranger keeps at it"


@pytest.mark.slow
def test_on_a_new_browser_a_reset_link_gets_tom_in_at_once_and_the_limit_lifts_in_15_minutes(
    app: Flask, tom: str, clock: Any
) -> None:
    _hammer(app, tom, attempts=EMAIL_LIMIT)
    new = app.test_client()
    refused = _sign_in(new, tom, PASSWORD, HOME)
    assert refused.status_code == 401 and LIMITED in text_of(refused)
    forged = app.test_client()
    forged.set_cookie("banns_device", "eyJpZCI6ImEiLCJlbWFpbHMiOltdfQ.forged.signature")
    assert _sign_in(forged, tom, PASSWORD, HOME).status_code == 401, "a forged browser cookie counts for nothing"

    ask_for_reset(new, tom, HOME)
    [link] = links_in_outbox(app.extensions["banns"].db, tom, "/password-reset/new")
    assert set_new_password(new, link, NEW_PASSWORD).status_code == 302
    assert new.get("/").status_code == 200, "the reset signed him in"
    assert _sign_in(app.test_client(), tom, NEW_PASSWORD, HOME).status_code == 302, "and cleared the limits"

    _hammer(app, tom, attempts=EMAIL_LIMIT)
    other = app.test_client()
    assert _sign_in(other, tom, NEW_PASSWORD, HOME).status_code == 401
    clock.advance(minutes=15)
    assert _sign_in(other, tom, NEW_PASSWORD, HOME).status_code == 302, "15 minutes after the stranger's first try"


@pytest.mark.slow
def test_toms_own_failures_lock_only_his_address(app: Flask, tom: str) -> None:
    here = app.test_client()
    for _ in range(PAIR_LIMIT):
        assert _sign_in(here, tom, "not my password", HOME).status_code == 401
    assert LIMITED in text_of(_sign_in(here, tom, PASSWORD, HOME))
    assert _sign_in(app.test_client(), tom, PASSWORD, "192.0.2.99").status_code == 302, "his phone, elsewhere"


@pytest.mark.slow
def test_one_address_cannot_spray_many_accounts(app: Flask, tom: str) -> None:
    sprayer = app.test_client()
    for i in range(ADDRESS_LIMIT):
        assert WRONG in text_of(_sign_in(sprayer, f"person{i}@example.org", "Summer2027!", "203.0.113.5"))
    assert LIMITED in text_of(_sign_in(sprayer, tom, "Summer2027!", "203.0.113.5"))


def _sign_in(client: FlaskClient, email: str, password: str, address: str) -> Any:
    return client.post(
        "/sign-in",
        data={"csrf_token": csrf_token(client, "/sign-in"), "email": email, "password": password},
        environ_base={"REMOTE_ADDR": address},
    )


def _post_sign_out(client: FlaskClient) -> Any:
    return client.post("/sign-out", data={"csrf_token": csrf_token(client, "/")})


def _hammer(app: Flask, email: str, attempts: int) -> list[str]:
    """A stranger's wrong passwords from addresses of their own (a few tries each); the message of each."""
    stranger = app.test_client()
    outcomes = []
    for i in range(attempts):
        page = text_of(_sign_in(stranger, email, f"guess number {i}", f"198.51.100.{i // 3}"))
        outcomes.append(WRONG if WRONG in page else LIMITED if LIMITED in page else page[:80])
    return outcomes
