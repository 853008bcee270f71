"""Single sign-on against a real OpenID Connect provider on loopback (oidc_provider.py, Authlib's server side):
an invited person signs in and lands on My work; an uninvited one, a deactivated one and an unverified email
are refused; a token for another audience, an expired token, a tampered one and a replayed state are
refused; a domain with passwords off cannot sign in with a password; Entra's multi-tenant issuer accepts only
the allowed tenants; and wrong settings stop the app, naming the setting."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from account_support import app_accounts, ask_for_reset, links_in_outbox, session_cookie, site_events, with_cookie
from flask import Flask
from flask.testing import FlaskClient
from oidc_provider import Provider, User, query_of
from sqlalchemy import select
from web_support import ADMIN_EMAIL, EMAILS, PASSWORD, make_app, post, sign_in, text_of
from werkzeug.test import TestResponse

from web import create_app
from workflow.accounts.models import SsoIdentity
from workflow.accounts.service import Accounts
from workflow.accounts.sso import Identity, SsoRefusedError, passwords_off_for
from workflow.engine.db import Database
from workflow.engine.models import Person
from workflow.engine.permissions import SYSTEM
from workflow.engine.views import ProgrammeView
from workflow.settings import SettingsError, SsoProvider, SsoSettings

PRIYA = User("sub-priya", EMAILS["priya"], name="Priya Shah")


@pytest.fixture
def idp() -> Iterator[Provider]:
    provider = Provider()
    yield provider
    provider.stop()


def app_with(tmp_path: Path, database_url: str, clock: Any, toml: str) -> Flask:
    instance = tmp_path / "instance"
    instance.mkdir(parents=True, exist_ok=True)
    (instance / "banns.toml").write_text(toml, encoding="utf-8")
    return make_app(tmp_path, database_url, clock)


@pytest.fixture
def sso_app(tmp_path: Path, database_url: str, clock: Any, idp: Provider, sample: ProgrammeView) -> Iterator[Flask]:
    """The app with the loopback provider configured as ``test-idp``; the sample programme's people exist."""
    app = app_with(tmp_path, database_url, clock, idp.toml())
    yield app
    app.extensions["banns"].db.dispose()


def go_to_provider(client: FlaskClient, provider_id: str = "test-idp", next_page: str | None = None) -> str:
    """Press the provider's button: banns sends the browser to the provider; returns where."""
    answer = client.get(f"/sign-in/sso/{provider_id}" + (f"?next={next_page}" if next_page else ""))
    assert answer.status_code == 302, text_of(answer)
    return answer.headers["Location"]


def sign_in_with(client: FlaskClient, idp: Provider, provider_id: str = "test-idp") -> TestResponse:
    """The whole round: banns, the provider (which approves at once), back to banns' callback."""
    return client.get(idp.approve(go_to_provider(client, provider_id)))


def signed_in(client: FlaskClient) -> bool:
    return client.get("/").status_code == 200


def test_an_invited_person_signs_in_with_their_organisation_and_lands_on_my_work(
    sso_app: Flask, idp: Provider, db: Database
) -> None:
    client = sso_app.test_client()
    page = client.get("/sign-in")
    assert "Sign in with Northbridge Council" in text_of(page)
    assert 'href="/sign-in/sso/test-idp"' in page.get_data(as_text=True)

    idp.user = PRIYA
    there = go_to_provider(client, next_page="/account/security")
    asked = query_of(there)
    assert there.startswith(f"{idp.base}/authorize?")
    assert asked["code_challenge_method"] == "S256" and len(asked["code_challenge"]) >= 43, "PKCE"
    assert asked["state"] and asked["nonce"] and "openid" in asked["scope"].split()
    assert asked["redirect_uri"] == "http://localhost/sign-in/sso/test-idp/callback"

    back = client.get(idp.approve(there))
    assert back.status_code == 302 and back.headers["Location"] == "/account/security", text_of(back)
    my_work = client.get("/")
    assert my_work.status_code == 200 and "My work" in text_of(my_work) and "Priya Shah" in text_of(my_work)
    [event] = [e for e in site_events(db) if e.kind == "signed_in"]
    assert event.actor == "Priya Shah" and event.data == {
        "person_id": event.actor_id,
        "by": "sso",
        "provider": "test-idp",
    }

    assert post(client, "/sign-out", {}).status_code == 302
    assert not signed_in(client), "signing out ends the banns session"


def test_someone_nobody_invited_is_refused_and_no_account_is_made(sso_app: Flask, idp: Provider, db: Database) -> None:
    idp.user = User("sub-x", "stranger@northbridge.example", name="Stranger")
    client = sso_app.test_client()
    page = sign_in_with(client, idp)
    assert page.status_code == 403
    assert "You do not have a banns account yet" in text_of(page) and "Traceback" not in text_of(page)
    assert not signed_in(client)
    with db.read() as session:
        assert session.scalar(select(Person).where(Person.email == "stranger@northbridge.example")) is None


def test_a_domain_an_admin_allowed_gets_an_account_at_first_sign_in(
    tmp_path: Path, database_url: str, clock: Any, idp: Provider, sample: ProgrammeView, db: Database
) -> None:
    app = app_with(tmp_path, database_url, clock, idp.toml(allowed_domains=["northbridge.example"]))
    idp.user = User("sub-new", "New.Starter@Northbridge.example", name="New Starter")
    client = app.test_client()
    assert sign_in_with(client, idp).status_code == 302
    assert "New Starter" in text_of(client.get("/"))
    added = [e for e in site_events(db) if e.kind == "person_added"]
    assert added[-1].data["by"] == "sso" and added[-1].data["person"] == "New Starter"

    idp.user = User("sub-other", "someone@southmoor.example", name="Not Allowed")
    assert sign_in_with(app.test_client(), idp).status_code == 403, "only the allowed domain"
    app.extensions["banns"].db.dispose()


def test_a_deactivated_person_is_refused(sso_app: Flask, idp: Provider, accounts: Accounts, clock: Any) -> None:
    person_id = sso_app.extensions["banns"].programmes.actor(EMAILS["tom"]).person_id
    accounts.deactivate(person_id, clock(), actor=SYSTEM)
    idp.user = User("sub-tom", EMAILS["tom"], name="Tom Hardy")
    client = sso_app.test_client()
    page = sign_in_with(client, idp)
    assert page.status_code == 403 and "Your account has been deactivated" in text_of(page)
    assert not signed_in(client)


def test_the_first_sign_in_links_the_subject_and_another_account_with_the_same_email_is_refused(
    sso_app: Flask, idp: Provider, accounts: Accounts, clock: Any, db: Database, cli: Any
) -> None:
    idp.user = PRIYA
    assert sign_in_with(sso_app.test_client(), idp).status_code == 302
    [linked] = [e for e in site_events(db) if e.kind == "sso_linked"]
    assert linked.actor == "Priya Shah" and linked.data["provider"] == "test-idp"

    # her organisation renames her mailbox: the link, not the email, says who she is
    idp.user = User("sub-priya", "p.shah@elsewhere.example", name="Priya Shah")
    client = sso_app.test_client()
    assert sign_in_with(client, idp).status_code == 302 and "Priya Shah" in text_of(client.get("/"))

    # the provider gives her old address to another account: it cannot sign in as her
    idp.user = User("sub-someone-else", EMAILS["priya"], name="Someone Else")
    client = sso_app.test_client()
    page = sign_in_with(client, idp)
    assert page.status_code == 403 and "linked to a different Northbridge Council account" in text_of(page)
    assert not signed_in(client)

    # an admin unlinks the old account (logged), and the new one links at its next sign-in; nobody else may
    refused = cli("people", "unlink-sso", EMAILS["priya"], "--provider", "test-idp", "--by", EMAILS["tom"], ok=False)
    assert refused.exit_code != 0 and "only admins" in refused.output
    accounts.add_person("Ada Admin", ADMIN_EMAIL, clock(), is_admin=True)
    done = cli("people", "unlink-sso", EMAILS["priya"], "--provider", "test-idp", "--by", ADMIN_EMAIL)
    assert "unlinked" in done.output
    assert [e.kind for e in site_events(db)][-1] == "sso_unlinked"
    assert sign_in_with(client, idp).status_code == 302 and "Priya Shah" in text_of(client.get("/"))
    again = cli("people", "unlink-sso", EMAILS["tom"], "--provider", "test-idp", "--by", ADMIN_EMAIL)
    assert "nothing to unlink" in again.output


def test_an_email_the_provider_has_not_verified_is_refused(sso_app: Flask, idp: Provider) -> None:
    idp.user = User("sub-priya", EMAILS["priya"], email_verified=False)
    client = sso_app.test_client()
    page = sign_in_with(client, idp)
    assert page.status_code == 403 and "did not confirm that your email address is verified" in text_of(page)
    assert not signed_in(client)


@pytest.mark.parametrize(
    ("switch", "problem"), [("wrong_audience", "audience"), ("expired", "expired"), ("tampered", "signature")]
)
def test_an_id_token_that_proves_nothing_is_refused(
    sso_app: Flask, idp: Provider, switch: str, problem: str, caplog: pytest.LogCaptureFixture
) -> None:
    idp.user = PRIYA
    setattr(idp, switch, True)
    client = sso_app.test_client()
    page = sign_in_with(client, idp)
    assert page.status_code == 401, text_of(page)
    assert "We could not confirm your sign-in with Northbridge Council" in text_of(page)
    assert not signed_in(client), f"{switch}: nobody is signed in"
    assert idp.tokens_issued == 1, "the provider did answer; banns refused its token"
    assert f"ID token refused: {problem}" in caplog.text


def test_a_replayed_state_is_refused_even_with_a_copy_of_the_cookie(sso_app: Flask, idp: Provider) -> None:
    idp.user = PRIYA
    client = sso_app.test_client()
    callback = idp.approve(go_to_provider(client))
    copied = session_cookie(client)  # holds the state, nonce and PKCE verifier

    assert client.get(callback).status_code == 302 and signed_in(client)
    again = client.get(callback)
    assert again.status_code == 401 and "already been used or has expired" in text_of(again)

    thief = with_cookie(sso_app, copied)
    replayed = thief.get(callback)
    assert replayed.status_code == 401 and "already been used or has expired" in text_of(replayed)
    assert not signed_in(thief)
    assert idp.tokens_issued == 1, "a replayed answer never reaches the token endpoint"


def test_a_person_who_says_no_at_the_provider_is_told_so(sso_app: Flask, idp: Provider) -> None:
    client = sso_app.test_client()
    state = query_of(go_to_provider(client))["state"]
    page = client.get(f"/sign-in/sso/test-idp/callback?error=access_denied&state={state}")
    assert page.status_code == 401 and "Northbridge Council did not sign you in" in text_of(page)
    assert not signed_in(client) and idp.tokens_issued == 0


def test_a_state_from_another_browser_or_too_old_is_refused(sso_app: Flask, idp: Provider, clock: Any) -> None:
    idp.user = PRIYA
    client = sso_app.test_client()
    callback = idp.approve(go_to_provider(client))
    other = sso_app.test_client()
    assert other.get(callback).status_code == 401, "the state was given to another browser"

    clock.advance(minutes=11)
    late = client.get(callback)
    assert late.status_code == 401 and not signed_in(client)


def test_a_domain_with_passwords_off_cannot_sign_in_with_a_password(
    tmp_path: Path, database_url: str, clock: Any, idp: Provider, with_passwords: ProgrammeView
) -> None:
    app = app_with(tmp_path, database_url, clock, idp.toml(passwords_off_domains=["northbridge.example"]))
    client = app.test_client()
    refused = sign_in(client, EMAILS["tom"], PASSWORD)
    assert refused.status_code == 403
    assert "Your organisation signs you in to banns: use the button Sign in with Northbridge Council" in text_of(
        refused
    )
    assert not signed_in(client)
    assert sign_in(client, ADMIN_EMAIL, PASSWORD).status_code == 302, "other domains keep their passwords"

    idp.user = User("sub-tom", EMAILS["tom"], name="Tom Hardy")
    tom = app.test_client()
    assert sign_in_with(tom, idp).status_code == 302 and signed_in(tom)
    app.extensions["banns"].db.dispose()


def test_with_passwords_off_no_reset_or_invitation_sets_a_password(
    tmp_path: Path, database_url: str, clock: Any, idp: Provider, with_passwords: ProgrammeView, db: Database
) -> None:
    app = app_with(tmp_path, database_url, clock, idp.toml(passwords_off_domains=["northbridge.example"]))
    client = app.test_client()
    asked = ask_for_reset(client, EMAILS["tom"])
    assert asked.status_code == 403 and "You do not need a banns password" in text_of(asked)
    assert links_in_outbox(db, EMAILS["tom"], "/password-reset/new") == [], "no reset link is sent"

    accounts = app_accounts(app)
    tom_id = next(p.id for p in accounts.people() if p.email == EMAILS["tom"])
    links: list[str] = []
    accounts.send_invitation(tom_id, clock(), lambda token: links.append(f"/invitation?token={token}") or links[-1])
    page = client.get(links[0])
    assert page.status_code == 200 and "Sign in with Northbridge Council" in text_of(page)
    assert 'name="password"' not in page.get_data(as_text=True)
    app.extensions["banns"].db.dispose()


def test_a_multi_tenant_issuer_accepts_only_the_allowed_tenants(
    tmp_path: Path, database_url: str, clock: Any, sample: ProgrammeView
) -> None:
    entra = Provider(tenant="tenant-northbridge")
    try:
        app = app_with(tmp_path, database_url, clock, entra.toml("entra") + entra.toml("other", allowed_tenants=["x"]))
        entra.user = PRIYA
        client = app.test_client()
        assert sign_in_with(client, entra, "entra").status_code == 302 and signed_in(client)

        stranger = app.test_client()
        refused = sign_in_with(stranger, entra, "other")
        assert refused.status_code == 401 and "directory is not one banns accepts" in text_of(refused)
        assert not signed_in(stranger)
        app.extensions["banns"].db.dispose()
    finally:
        entra.stop()


def test_a_provider_that_cannot_be_reached_is_a_page_not_a_traceback(
    sso_app: Flask, idp: Provider, tmp_path: Path
) -> None:
    idp.stop()
    page = sso_app.test_client().get("/sign-in/sso/test-idp")
    assert page.status_code == 502 and "cannot be reached just now" in text_of(page)
    assert sso_app.test_client().get("/sign-in/sso/nobody").status_code == 404


def test_wrong_single_sign_on_settings_stop_the_app_naming_the_setting(tmp_path: Path, idp: Provider) -> None:
    instance = tmp_path / "instance"
    instance.mkdir()
    toml = idp.toml().replace(idp.issuer, "http://idp.example") + idp.toml().replace('"test-idp"', '"Bad Id"')
    (instance / "banns.toml").write_text(toml, encoding="utf-8")
    with pytest.raises(SettingsError) as raised:
        create_app({"INSTANCE": str(instance), "TESTING": True})
    message = str(raised.value)
    assert "sso.providers[0].issuer is not valid: must be an https:// address" in message
    assert "sso.providers[1].id = 'Bad Id' is not valid" in message
    assert "a-long-test-secret" not in message


def test_the_accounts_say_why_in_codes_and_spend_a_state_once(
    accounts: Accounts, sample: ProgrammeView, clock: Any
) -> None:
    provider = SsoProvider(
        id="nb",
        title="Northbridge",
        issuer="https://login.example",
        client_id="c",
        client_secret="s",
        email_domains=["northbridge.example"],
        passwords_off_domains=["northbridge.example"],
    )
    cases: list[tuple[Identity, str]] = [
        (Identity("nb", "1", None, True), "email_missing"),
        (Identity("nb", "1", EMAILS["tom"], False), "email_unverified"),
        (Identity("nb", "1", EMAILS["aisha"], True), "domain_not_served"),
        (Identity("nb", "1", "nobody@northbridge.example", True), "uninvited"),
    ]
    for identity, code in cases:
        with pytest.raises(SsoRefusedError) as refused:
            accounts.sso_sign_in(identity, provider, clock())
        assert refused.value.code == code
    assert accounts.sso_sign_in(Identity("nb", "1", EMAILS["tom"].upper(), True), provider, clock()).name == "Tom Hardy"

    sso = SsoSettings(providers=[provider])
    assert passwords_off_for("Someone@NorthBridge.example", sso) == provider
    assert passwords_off_for(EMAILS["aisha"], sso) is None

    assert accounts.spend_sso_state("state-1", clock()) is True
    assert accounts.spend_sso_state("state-1", clock()) is False
    assert accounts.spend_sso_state("state-2", clock()) is True


def test_first_sign_ons_racing_in_several_tabs_all_sign_in_through_one_link(
    accounts: Accounts, db: Database, sample: ProgrammeView, clock: Any
) -> None:
    """The same person's first single sign-on, at the same instant in eight tabs: every tab is signed in, one
    link is made and logged (on PostgreSQL the losers met the link's unique constraint and answered 500)."""
    provider = SsoProvider(
        id="nb", title="Northbridge", issuer="https://login.example", client_id="c", client_secret="s"
    )
    identity = Identity("nb", "subject-tom", EMAILS["tom"], True)
    start = threading.Barrier(8)

    def sign_on() -> str:
        start.wait()
        return accounts.sso_sign_in(identity, provider, clock()).name

    with ThreadPoolExecutor(8) as pool:
        names = list(pool.map(lambda _: sign_on(), range(8)))
    assert names == ["Tom Hardy"] * 8
    with db.read() as session:
        assert len(session.scalars(select(SsoIdentity)).all()) == 1
    assert [e.kind for e in site_events(db)].count("sso_linked") == 1
