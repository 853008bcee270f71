"""Hostile and odd input through the web UI: pasted YAML bombs, control characters in names, NUL anywhere,
ids no row can have, absurd dates and amounts, and addresses that are not email addresses. Each is refused
with the status the app uses (400, 404, 422) and the reason in the page's error summary; nothing is saved."""

from __future__ import annotations

import time
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from web_support import EMAILS, day, post, session_as, text_of

from workflow.engine.programmes import Programmes
from workflow.engine.views import ProgrammeView

BILLION_LAUGHS = "\n".join(
    ["name: Laughing matter", 'lol0: &lol0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    + [f"lol{n}: &lol{n} [{', '.join([f'*lol{n - 1}'] * 9)}]" for n in range(1, 10)]
)
YAML_BOMBS = {
    "billion laughs": (BILLION_LAUGHS, "Line 7 lol5: the document holds more than 100,000 values by here"),
    "alias inside itself": ("name: Loop\npartners: &loop\n  - *loop\n", "Line 2: an alias (*name) refers to a value"),
    "deep nesting": ("name: Deep\npartners: " + "[" * 10_000 + "]" * 10_000, "Line 2: nested more than 50 levels"),
}


@pytest.fixture
def manager(app: Flask, client: FlaskClient, sample: ProgrammeView) -> FlaskClient:
    session_as(client, app, EMAILS["priya"])
    return client


def refused(response: Any, status: int, *expected: str) -> str:
    """Assert the status and that every expected text is on the page; return the page's text."""
    page = text_of(response)
    assert response.status_code == status, f"{response.status_code}: {page[:2000]}"
    for text in expected:
        assert text in page, f"{text!r} not in:\n{page[:3000]}"
    return page


@pytest.mark.parametrize(("source", "shown"), YAML_BOMBS.values(), ids=list(YAML_BOMBS))
def test_pasted_programme_yaml_bombs_are_refused_at_once(
    manager: FlaskClient, programmes: Programmes, source: str, shown: str
) -> None:
    started = time.perf_counter()
    response = post(manager, "/programmes/import", {"source": source}, token_from="/programmes/import")
    assert time.perf_counter() - started < 2, "a generous bound: refused long before anything is expanded"
    refused(response, 422, "The YAML has problems", shown)
    assert len(programmes.list()) == 1


@pytest.mark.parametrize(("source", "shown"), YAML_BOMBS.values(), ids=list(YAML_BOMBS))
def test_pasted_money_yaml_bombs_are_refused(
    manager: FlaskClient, sample: ProgrammeView, programmes: Programmes, source: str, shown: str
) -> None:
    path = f"/programmes/{sample.id}/money/import"
    response = post(manager, path, {"source": source}, token_from=path)
    refused(response, 422, "The YAML has problems: nothing was imported", shown)
    assert programmes.get(sample.id).version == sample.version


def test_a_carriage_return_in_a_pasted_name_is_refused_with_its_line(manager: FlaskClient) -> None:
    source = 'name: "West\\r\\ndale"\ndefinition: shared-service\npartners: []\n'
    response = post(manager, "/programmes/import", {"source": source}, token_from="/programmes/import")
    refused(response, 422, "Line 1 name: contains a carriage return (U+000D) at character 5")


def create_form(name: str = "Westdale", start: str = "", budget: str = "1000000.00") -> dict[str, str]:
    return {
        "name": name,
        "definition": "shared-service",
        "description": "",
        **day("start", start),
        "partners-0-name": "Westshire Council",
        "partners-0-kind": "unitary_council",
        "partners-0-nation": "england",
        "partners-0-population": "50000",
        "partners-0-net_budget": budget,
        "partners-1-name": "Dale Council",
        "partners-1-kind": "district_council",
        "partners-1-nation": "england",
        "partners-1-population": "40000",
        "partners-1-net_budget": "900000.00",
    }


@pytest.mark.parametrize(
    ("given", "shown"),
    [
        ({"name": "West\r\ndale"}, "Programme name contains a carriage return (U+000D) at character 5"),
        ({"name": "West\x00dale"}, "Programme name contains a NUL (U+0000)"),
        ({"start": "1999-12-31"}, "Planned start date: 1999-12-31 is not a plausible date"),
        ({"start": "2101-01-01"}, "Planned start date: 2101-01-01 is not a plausible date"),
        ({"budget": "100000000000.01"}, "not an amount banns can hold: the most is £100,000,000,000"),
        ({"budget": "NaN"}, "NaN is not an amount banns can hold"),
        ({"budget": "10.001"}, "£10.001 is not a whole number of pence"),
    ],
)
def test_the_create_form_refuses_odd_input_in_its_error_summary(
    manager: FlaskClient, programmes: Programmes, given: dict[str, str], shown: str
) -> None:
    response = post(manager, "/programmes/new", create_form(**given), token_from="/programmes/new")
    refused(response, 422, "There is a problem", shown)
    assert len(programmes.list()) == 1


def test_the_edit_form_refuses_a_two_line_name_and_absurd_dates(
    manager: FlaskClient, sample: ProgrammeView, programmes: Programmes
) -> None:
    path = f"/programmes/{sample.id}/edit"
    form = {"version": sample.version, "name": "Three\ncouncils", "description": "", **day("start_courtship", "")}
    refused(post(manager, path, form, token_from=path), 422, "There is a problem", "contains a line feed (U+000A)")
    form = {"version": sample.version, "name": sample.name, "description": "", **day("start_courtship", "1027-01-04")}
    refused(post(manager, path, form, token_from=path), 422, "Courtship: 1027-01-04 is not a plausible date")
    form = {"version": sample.version, "name": sample.name, "description": "Fine\x00", **day("start_courtship", "")}
    refused(post(manager, path, form, token_from=path), 422, "contains a NUL character (U+0000)")
    assert programmes.get(sample.id) == sample


def test_a_nul_in_evidence_is_a_field_error(
    manager: FlaskClient, sample: ProgrammeView, programmes: Programmes
) -> None:
    gate = f"/programmes/{sample.id}/gate"
    data = {"version": sample.version, "criterion": "partners_named", "summary": "Named\x00", "link": ""}
    response = post(manager, f"{gate}/evidence", data, token_from=gate)
    refused(response, 422, "There is a problem", "contains a NUL character (U+0000) at character 6")
    assert programmes.get(sample.id) == sample


@pytest.mark.parametrize(
    ("form", "shown"),
    [
        ({"name": "Westshire\rCouncil"}, "Name contains a carriage return"),
        ({"net_budget": "1e12"}, "must be in pounds and pence, like 12,000"),
        ({"population": "99999999999"}, "Population must be a whole number from 0 to 100,000,000"),
    ],
)
def test_adding_a_partner_refuses_odd_input(
    manager: FlaskClient, sample: ProgrammeView, programmes: Programmes, form: dict[str, str], shown: str
) -> None:
    path = f"/programmes/{sample.id}/partners/new"
    data = {"version": sample.version, "name": "Westshire Council", "kind": "unitary_council", "nation": "england"}
    data |= {"population": "50000", "net_budget": "1000000.00", **form}
    refused(post(manager, path, data, token_from=path), 422, "There is a problem", shown)
    assert programmes.get(sample.id) == sample


@pytest.mark.parametrize(
    ("form", "shown"),
    [
        ({"email": "new.person@"}, "Enter an email address in the correct format"),
        ({"email": "New Person <new.person@x.example>"}, "Enter an email address in the correct format"),
        ({"name": "New\nPerson"}, "Full name contains a line feed"),
    ],
)
def test_the_people_form_refuses_what_is_not_an_email_address_or_a_name(
    manager: FlaskClient, sample: ProgrammeView, programmes: Programmes, form: dict[str, str], shown: str
) -> None:
    path = f"/programmes/{sample.id}/people"
    data = {"email": "new.person@x.example", "name": "New Person", "role": "observer", "partner": "", **form}
    refused(post(manager, path, data, token_from=path), 422, "There is a problem", shown)
    assert programmes.get(sample.id) == sample


@pytest.mark.parametrize("path", ["/programmes/{huge}", "/programmes/{huge}/gate", "/programmes/{huge}/money"])
@pytest.mark.parametrize("huge", ["99999999999999999999", "2147483648"])
def test_ids_no_row_can_have_are_404(manager: FlaskClient, path: str, huge: str) -> None:
    refused(manager.get(path.format(huge=huge)), 404, "Page not found")


def test_posting_to_a_huge_id_is_404(manager: FlaskClient) -> None:
    refused(post(manager, "/programmes/99999999999999999999/advance", {"version": 1}), 404)


def test_a_nul_in_the_address_is_400(manager: FlaskClient) -> None:
    refused(manager.get("/programmes?search=North%00bridge"), 400, "Bad request", "NUL character")
    refused(manager.get("/programmes?state=%00"), 400)


def test_money_forms_refuse_absurd_amounts_and_two_line_periods(
    manager: FlaskClient, sample: ProgrammeView, programmes: Programmes, cli: Any, tmp_path: Any
) -> None:
    cli("money", "import", sample.id, "examples/northbridge-southmoor-money.yaml")
    before = programmes.get(sample.id).version
    benefits = f"/programmes/{sample.id}/money/benefits"
    actual = {"actual-year": "2027-28", "actual-service": "revenues and benefits", "actual-amount": "Infinity"}
    refused(
        post(manager, f"{benefits}/actual", actual, token_from=benefits),
        422,
        "Savings actually made must be in pounds and pence",
    )
    confidence = {"confidence-period": "2027\r\nQ1", "confidence-rating": "Amber", "confidence-commentary": "Fine"}
    refused(post(manager, f"{benefits}/confidence", confidence, token_from=benefits), 422, "carriage return")
    assert programmes.get(sample.id).version == before
