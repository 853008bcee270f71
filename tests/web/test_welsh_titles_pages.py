"""Pages in Welsh show the lifecycle's Welsh titles (stages, gates, criteria, roles); pages in English the
English ones. The templates print titles as they always did: the app's Jinja ``finalize`` picks the language."""

from __future__ import annotations

from flask import Flask, render_template_string
from flask.testing import FlaskClient
from flask_babel import force_locale
from web_support import EMAILS, session_as, text_of

from web.extensions import capacity_label
from workflow.engine.bilingual import Text
from workflow.engine.views import ProgrammeView

WELSH = {"Accept-Language": "cy"}


def in_welsh(app: Flask) -> Flask:
    """The app offering Welsh (as it does once its Welsh catalogue lands), chosen by the browser's language."""
    if "cy" not in app.config["LANGUAGES"]:
        app.config["LANGUAGES"] = [*app.config["LANGUAGES"], "cy"]
    return app


def test_the_programme_page_in_welsh_shows_the_welsh_stages(
    app: Flask, client: FlaskClient, sample: ProgrammeView
) -> None:
    session_as(client, in_welsh(app), EMAILS["priya"])
    welsh = text_of(client.get(f"/programmes/{sample.id}", headers=WELSH))
    assert "Carwriaeth" in welsh and "Sgwrs onest" in welsh and "Achos busnes amlinellol" in welsh
    assert "Outline business case" not in welsh and "Pre-nuptial agreement" not in welsh
    english = text_of(client.get(f"/programmes/{sample.id}"))
    assert "Courtship" in english and "Honest conversation" in english
    assert "Carwriaeth" not in english and "Sgwrs onest" not in english


def test_the_gate_page_in_welsh_shows_the_welsh_gate_and_criteria(
    app: Flask, client: FlaskClient, sample: ProgrammeView
) -> None:
    session_as(client, in_welsh(app), EMAILS["priya"])
    page = client.get(f"/programmes/{sample.id}/gate", headers=WELSH)
    assert page.status_code == 200
    welsh = text_of(page)
    assert "Porth 0 - asesiad strategol" in welsh
    assert "Partneriaid wedi'u henwi" in welsh and "Gweledigaeth a rennir wedi'i drafftio" in welsh
    assert "Shared vision drafted" not in welsh
    english = text_of(client.get(f"/programmes/{sample.id}/gate"))
    assert "Gateway 0 - strategic assessment" in english and "Shared vision drafted" in english
    assert "Gweledigaeth a rennir" not in english


def test_the_language_switch_shows_the_welsh_titles(app: Flask, client: FlaskClient, sample: ProgrammeView) -> None:
    session_as(client, in_welsh(app), EMAILS["priya"])
    welsh = text_of(client.get(f"/programmes/{sample.id}/gate?lang=cy"))
    assert "Porth 0 - asesiad strategol" in welsh and "Partneriaid wedi'u henwi" in welsh
    programme = text_of(client.get(f"/programmes/{sample.id}"))  # the choice is remembered
    assert "Carwriaeth" in programme and "Achos busnes llawn" in programme
    english = text_of(client.get(f"/programmes/{sample.id}?lang=en"))
    assert "Full business case" in english and "Achos busnes llawn" not in english


def test_a_title_printed_or_formatted_in_a_template_follows_the_locale(app: Flask) -> None:
    title = Text("Courtship", "Carwriaeth")
    source = '{{ t }}|{{ _("Stage %(s)s", s=t) }}|{{ t == "Courtship" }}|{{ t | length }}'
    with app.test_request_context():
        assert render_template_string(source, t=title) == "Courtship|Stage Courtship|True|9"
        with force_locale("cy"):
            assert render_template_string(source, t=title).startswith("Carwriaeth|")
            assert render_template_string("{{ t }}", t="plain") == "plain"
            assert capacity_label(Text("signatory", "llofnodwr"), None) == "Llofnodwr"


def test_the_json_api_keeps_english_titles(app: Flask, client: FlaskClient, sample: ProgrammeView) -> None:
    session_as(client, in_welsh(app), EMAILS["priya"])
    shown = client.get(f"/programmes/{sample.id}/gate", headers={**WELSH, "Accept": "application/json"})
    if shown.is_json:  # the API speaks English whatever the browser's language
        assert "Carwriaeth" not in shown.get_data(as_text=True)
