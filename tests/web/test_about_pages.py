"""The accessibility statement, privacy notice and cookies page: linked from every page's footer and open
to anyone, signed in or not, as UK public-sector services must be; and a favicon."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from web_support import EMAILS, session_as, text_of


def test_the_footer_links_the_statements_and_they_open_without_signing_in(app: Flask, client: FlaskClient) -> None:
    sign_in = client.get("/sign-in").get_data(as_text=True)
    for path, heading in [
        ("/accessibility", "Accessibility statement for banns"),
        ("/privacy", "Privacy notice"),
        ("/cookies", "Cookies"),
    ]:
        assert f'href="{path}"' in sign_in
        page = client.get(path)
        assert page.status_code == 200 and heading in text_of(page)
    assert "banns_session" in text_of(client.get("/cookies")) and "banns_device" in text_of(client.get("/cookies"))
    favicon = client.get("/favicon.ico")
    assert favicon.status_code == 301 and favicon.headers["Location"].endswith("/static/favicon.svg")
    assert 'rel="icon"' in sign_in


def test_the_contact_address_is_the_instances(app: Flask, client: FlaskClient, sample) -> None:
    app.config["CONTACT_EMAIL"] = "shared.services@northbridge.example"
    session_as(client, app, EMAILS["sam"])
    assert "email shared.services@northbridge.example" in text_of(client.get("/accessibility"))
