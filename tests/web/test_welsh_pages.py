"""Welsh and English: the switch at the top of every page, the choice remembered for the session and on the
signed-in person's account (an account event), ``<html lang>`` following it, unknown codes ignored, and dates
and money formatted by Babel in the page's language."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from account_support import site_events
from flask import Flask
from flask.testing import FlaskClient
from web_support import EMAILS, PASSWORD, csrf_token, login, post, session_as, text_of
from werkzeug.test import TestResponse

from web.extensions import _london, _london_date, _money
from web.i18n import compile_catalogues
from workflow.accounts.errors import AccountInputError
from workflow.accounts.service import Accounts
from workflow.engine.db import Database
from workflow.engine.errors import NotAllowedError
from workflow.engine.views import ProgrammeView

#: Words of the layout that every page shows, in English; none may be left on a Welsh page.
ENGLISH_LAYOUT = ["Skip to main content", "Accessibility statement", "Privacy", "Times are shown in UK time."]
SIGNED_IN_ENGLISH = ["Sign out", "My work", "Your account", "Lifecycles"]


@pytest.fixture(scope="module", autouse=True)
def welsh_catalogue() -> None:
    """The compiled catalogue, as ``make setup`` builds it (it is never committed)."""
    compile_catalogues()


def lang_of(response: TestResponse) -> str:
    page = response.get_data(as_text=True)
    return page.split('<html lang="', 1)[1].split('"', 1)[0]


def assert_welsh(response: TestResponse, *welsh: str, english: list[str] = ENGLISH_LAYOUT) -> None:
    text = text_of(response)
    assert response.status_code == 200 and lang_of(response) == "cy"
    for words in ["Neidio i'r prif gynnwys", "Datganiad hygyrchedd", "Dangosir amseroedd yn amser y DU.", *welsh]:
        assert words in text, words
    for words in english:
        assert words not in text, words


def test_the_sign_in_page_switches_to_welsh_and_back(app: Flask, client: FlaskClient) -> None:
    english = client.get("/sign-in")
    assert lang_of(english) == "en" and "Sign in to banns" in text_of(english)
    page = english.get_data(as_text=True)
    assert '<span aria-current="true" lang="en">English</span>' in page and 'hreflang="cy">Cymraeg</a>' in page

    switched = client.get("/language/cy?next=/sign-in")
    assert switched.status_code == 302 and switched.headers["Location"] == "/sign-in"
    welsh = client.get("/sign-in")
    assert_welsh(welsh, "Mewngofnodi i banns", "Cyfeiriad e-bost", "Cyfrinair", english=[*ENGLISH_LAYOUT, "Sign in"])
    page = welsh.get_data(as_text=True)
    assert '<span aria-current="true" lang="cy">Cymraeg</span>' in page and 'hreflang="en">English</a>' in page

    client.get("/language/en?next=/sign-in")
    assert lang_of(client.get("/sign-in")) == "en"


def test_a_signed_out_page_follows_lang_in_the_address_and_the_browser(app: Flask, client: FlaskClient) -> None:
    assert_welsh(client.get("/accessibility?lang=cy"), "Datganiad hygyrchedd banns", english=["Accessibility"])
    assert lang_of(client.get("/privacy")) == "cy", "a choice made with ?lang= holds for the session"
    browser = app.test_client()
    assert lang_of(browser.get("/cookies", headers={"Accept-Language": "cy-GB,cy;q=0.9,en;q=0.5"})) == "cy"
    assert lang_of(browser.get("/cookies", headers={"Accept-Language": "fr, en;q=0.5"})) == "en"


def test_an_unknown_language_or_an_outside_address_is_ignored(app: Flask, client: FlaskClient) -> None:
    assert client.get("/language/xx?next=/sign-in").headers["Location"] == "/sign-in"
    assert lang_of(client.get("/sign-in")) == "en"
    assert lang_of(client.get("/sign-in?lang=fr")) == "en"
    assert lang_of(client.get("/sign-in?lang=%00")) != "cy"
    for unsafe in ["https://evil.example/", "//evil.example/", "/\\evil.example"]:
        location = client.get("/language/cy", query_string={"next": unsafe}).headers["Location"]
        assert "evil" not in location
    assert client.get("/language/CY?next=/sign-in").status_code == 302
    assert lang_of(client.get("/sign-in")) == "cy", "only the valid choice before it counted"


def follow_switch(client: FlaskClient, code: str, page: str = "/") -> TestResponse:
    """Press the switch's link to ``code`` on ``page``, as a person does (the link carries the CSRF token)."""
    found = re.search(rf'href="(/language/{code}\?[^"]+)"', client.get(page).get_data(as_text=True))
    assert found, f"no switch to {code} on {page}"
    return client.get(html.unescape(found.group(1)))


def test_my_work_and_a_programme_page_in_welsh(
    app: Flask, client: FlaskClient, sample: ProgrammeView, db: Database, people: dict[str, int]
) -> None:
    session_as(client, app, EMAILS["priya"])
    forged = client.get(f"/language/cy?next=/programmes/{sample.id}")  # another site's link: no token
    assert forged.headers["Location"] == f"/programmes/{sample.id}"
    assert not [e for e in site_events(db) if e.kind == "language_set"], "a forged link changes no account"
    client.get("/language/en?next=/")  # (the session's language is back to English)
    assert follow_switch(client, "cy", f"/programmes/{sample.id}").headers["Location"] == f"/programmes/{sample.id}"
    programme = client.get(f"/programmes/{sample.id}")
    assert_welsh(programme, "Allgofnodi", "Fy ngwaith", "Eich cyfrif", english=[*ENGLISH_LAYOUT, *SIGNED_IN_ENGLISH])
    assert "4 Ionawr 2027 am 09:00" in text_of(programme), "the stage's start, with the Welsh month"
    assert "Cyngor dosbarth, Lloegr" in text_of(programme), "a partner's kind and nation"
    assert_welsh(client.get("/"), "Fy ngwaith", "Rhaglenni", english=[*ENGLISH_LAYOUT, *SIGNED_IN_ENGLISH])
    assert "1 rhaglen" in text_of(client.get("/programmes")), "a plural form of the Welsh catalogue"
    chosen = [e for e in site_events(db) if e.kind == "language_set"]
    assert [(e.actor, e.data["person_id"], e.data["language"]) for e in chosen] == [
        ("Priya Shah", people["priya"], "cy")
    ]


def test_the_choice_stays_with_the_person_across_sessions_and_browsers(
    app: Flask, client: FlaskClient, with_passwords: ProgrammeView, db: Database
) -> None:
    login(client, EMAILS["tom"])
    follow_switch(client, "cy")
    assert lang_of(client.get("/")) == "cy"
    signed_out = client.post("/sign-out", data={"csrf_token": csrf_token(client)}, follow_redirects=True)
    assert lang_of(signed_out) == "cy" and "Rydych wedi allgofnodi" in text_of(signed_out)
    login(client, EMAILS["tom"])
    assert_welsh(client.get("/"), "Fy ngwaith", english=[*ENGLISH_LAYOUT, *SIGNED_IN_ENGLISH])

    elsewhere = app.test_client()  # another browser, which has never chosen, and prefers English
    login(elsewhere, EMAILS["tom"], PASSWORD)
    assert lang_of(elsewhere.get("/", headers={"Accept-Language": "en"})) == "cy", "the account's language"
    before = len(site_events(db))
    follow_switch(elsewhere, "en")
    assert lang_of(elsewhere.get("/")) == "en"
    assert [(e.kind, e.actor, e.data["language"], e.data["before"]) for e in site_events(db)[before:]] == [
        ("language_set", "Tom Hardy", "en", "cy")
    ]
    to_welsh = re.search(r'href="(/language/cy\?[^"]+)"', elsewhere.get("/").get_data(as_text=True))
    assert to_welsh
    elsewhere.get(html.unescape(to_welsh.group(1)).replace("/language/cy", "/language/en"))  # English again
    assert len(site_events(db)) == before + 1, "choosing the language one has already is not an event"


def test_an_error_page_in_welsh(app: Flask, client: FlaskClient, sample: ProgrammeView) -> None:
    session_as(client, app, EMAILS["priya"])
    missing = client.get("/programmes/999?lang=cy")
    assert missing.status_code == 404 and lang_of(missing) == "cy"
    assert "Heb ddod o hyd i'r dudalen" in text_of(missing) and "Page not found" not in text_of(missing)


def test_welsh_forms_still_post(app: Flask, client: FlaskClient, with_passwords: ProgrammeView) -> None:
    client.get("/sign-in?lang=cy")
    wrong = post(client, "/sign-in", {"email": EMAILS["tom"], "password": "not the password at all"}, "/sign-in")
    assert wrong.status_code == 401 and lang_of(wrong) == "cy"
    assert "Mae problem wedi codi" in text_of(wrong) and "There is a problem" not in text_of(wrong)


def test_dates_and_money_in_each_language(app: Flask) -> None:
    when = datetime(2026, 11, 29, 14, 5, tzinfo=UTC)
    with app.test_request_context("/?lang=cy"):
        assert _london(when) == "29 Tachwedd 2026 am 14:05"
        assert _london_date(when.date()) == "29 Tachwedd 2026"
        assert _london_date(datetime(2027, 7, 1).date()) == "1 Gorffennaf 2027"
        assert _money(Decimal("1250")) == "£1,250.00" and _money(Decimal("-17500")) == "-£17,500.00"
    with app.test_request_context("/?lang=en"):
        assert _london(when) == "29 November 2026 at 14:05"
        assert _london(datetime(2027, 7, 1, 8, 30, tzinfo=UTC)) == "1 July 2027 at 09:30", "British Summer Time"
        assert _money(Decimal("1250")) == "£1,250.00" and _money(Decimal("-17500")) == "-£17,500.00"
        assert _money(None) == "" and _london(None) == ""


def test_the_accounts_keep_a_language_only_from_the_person_or_an_admin(
    accounts: Accounts, with_passwords: ProgrammeView, people: dict[str, int], clock: Any
) -> None:
    tom, priya = accounts.actor(people["tom"]), accounts.actor(people["priya"])
    admin = next(accounts.actor(p.id) for p in accounts.people() if p.is_admin)
    assert tom is not None and priya is not None and admin is not None
    with pytest.raises(AccountInputError) as refused:
        accounts.set_language(people["tom"], "fr", clock(), actor=tom)
    assert refused.value.code == "language_unknown"
    with pytest.raises(NotAllowedError):
        accounts.set_language(people["tom"], "cy", clock(), actor=priya)
    assert accounts.person(people["tom"]).language is None
    assert accounts.set_language(people["tom"], "cy", clock(), actor=admin).language == "cy"
    assert accounts.set_language(people["tom"], "en", clock(), actor=tom).language == "en"
