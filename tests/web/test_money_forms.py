"""Every money form, as a programme manager fills it in: what a person types wrong comes back as 422 with the
field's error in words, in the error summary and beside the field, never a library's raw text and never a 500;
amounts written like 12,000 or £12,000.50 are taken; what is saved is logged with the person who saved it."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from web_support import EMAILS, post, session_as, text_of

from workflow.engine.views import ProgrammeView

NB = "Northbridge District Council"
RAW = ("Input should be", "{'", "ValidationError", "Not a valid", "This field is required", "Traceback", "decimal.")

#: Bad values every amount field refuses, and the words it answers with.
BAD_AMOUNTS = [
    ("", "Enter "),
    ("5e9", "must be in pounds and pence, like 12,000 or £12,000.50"),
    ("-12,000", "must be £0 or more"),
    ("1" * 31, "must be 30 characters or fewer"),
    ("12.345", "must be in pounds and pence"),
    ("100,000,000,001", "must be £100,000,000,000 or less"),
]
BAD_YEARS = [
    ("", "Enter the financial year"),
    ("2024/26", "'2024/26' is not a financial year: it should end in 25"),
    ("1850-51", "is not a plausible financial year; expected one from 2000 to 2100"),
    ("2027", "Financial year must be written like 2027-28"),
    ("2" * 21, "Financial year must be 20 characters or fewer"),
]
#: A bad date, what is said, and the box the error summary links to (the first wrong one).
BAD_DATES = [
    (("31", "12", "9999"), "9999-12-31 is not a plausible date; expected a date from 2000 to 2100", "year"),
    (("1", "1", "1850"), "1850-01-01 is not a plausible date; expected a date from 2000 to 2100", "year"),
    (("30", "2", "2027"), "must be a real date, like 4 1 2027", "day"),
    (("", "2", "2027"), "must include a day", "day"),
    (("4", "13", "2027"), "the month is from 1 to 12", "month"),
    (("4", "1", "27"), "the year must include 4 numbers", "year"),
    (("4", "1", "2027" * 3), "must be a real date", "year"),
]


@pytest.fixture
def manager(app: Flask, client: FlaskClient, sample: ProgrammeView) -> FlaskClient:
    session_as(client, app, EMAILS["priya"])
    return client


def page_of(view: ProgrammeView, path: str) -> str:
    return f"/programmes/{view.id}/money/{path}"


def refused(response: Any, message: str, field_id: str, link: str = "") -> None:
    """422, the message in the summary linking to the field (or ``link``) and beside the field, no raw text."""
    page = text_of(response)
    body = response.get_data(as_text=True)
    assert response.status_code == 422, f"{response.status_code}: {page[:1500]}"
    assert "There is a problem" in page and message in page, f"{message!r} not in {page[:3000]}"
    assert f'href="#{link or field_id}"' in body, f"no summary link to #{link or field_id}"
    assert f'id="{field_id}-error"' in body, f"no inline error on {field_id}"
    assert not [raw for raw in RAW if raw in page], page


def refused_date(response: Any, message: str, field_id: str, box: str) -> None:
    """A GOV.UK date input's error: linked to the first wrong box, and only the wrong boxes marked."""
    refused(response, message, field_id, f"{field_id}_{box}")
    marked = re.findall(r'govuk-input--error" id="([\w-]+)"', response.get_data(as_text=True))
    assert f"{field_id}_{box}" in marked, marked


def events(app: Flask, view: ProgrammeView) -> list[tuple[str, str, str]]:
    """The programme's money events: (kind, actor, reason), read back from the log."""
    with app.app_context():
        from web.services import services

        history = services().programmes.history(view.id)
    kinds = ("figures_changed", "actual_recorded", "cost_recorded")
    return [(e.kind, e.actor, e.reason) for e in history if e.kind in kinds]


FORMS: dict[str, tuple[str, dict[str, str]]] = {
    "investment": (
        "case/investment",
        {"year": "2027-28", "category": "it", "recurring": "no", "amount": "950,000", "note": "systems"},
    ),
    "saving": ("case/saving", {"year": "2027-28", "service": "revenues and benefits", "amount": "£150,000.50"}),
    "baseline": ("case/baseline", {"partner": NB, "service": "revenues and benefits", "amount": "2,450,000"}),
    "actual": ("actuals/saving", {"year": "2027-28", "service": "revenues and benefits", "amount": "12,000"}),
}


@pytest.mark.parametrize("name", list(FORMS))
def test_each_amount_and_year_form_refuses_in_words_and_accepts_commas(
    manager: FlaskClient, app: Flask, sample: ProgrammeView, name: str
) -> None:
    path, good = FORMS[name]
    page = "actuals" if path.startswith("actuals") else "case"
    data = {f"{name}-{k}": v for k, v in good.items()}
    for value, message in BAD_AMOUNTS:
        answer = post(manager, page_of(sample, path), {**data, f"{name}-amount": value}, page_of(sample, page))
        refused(answer, message, f"{name}-amount")
    if "year" in good:
        for value, message in BAD_YEARS:
            answer = post(manager, page_of(sample, path), {**data, f"{name}-year": value}, page_of(sample, page))
            refused(answer, message, f"{name}-year")
    if "service" in good:
        for value, message in [("", "Enter the service"), ("s" * 101, "Service must be 100 characters or fewer")]:
            answer = post(manager, page_of(sample, path), {**data, f"{name}-service": value}, page_of(sample, page))
            refused(answer, message, f"{name}-service")
    assert events(app, sample) == []
    answer = post(manager, page_of(sample, path), data, page_of(sample, page))
    assert answer.status_code == 302, text_of(answer)[:2000]
    shown = text_of(manager.get(answer.headers["Location"]))
    amount = {"investment": "£950,000.00", "saving": "£150,000.50", "baseline": "£2,450,000.00", "actual": "£12,000.00"}
    assert amount[name] in shown
    [(_kind, actor, _reason)] = events(app, sample)
    assert actor == "Priya Shah"


def test_a_cost_refuses_bad_dates_and_amounts_in_words(manager: FlaskClient, sample: ProgrammeView) -> None:
    data = {"cost-on_day": "4", "cost-on_month": "1", "cost-on_year": "2027", "cost-category": "set_up"}
    data |= {"cost-amount": "£18,250.00", "cost-note": "legal advice"}
    url, form = page_of(sample, "actuals/cost"), page_of(sample, "actuals")
    for (day, month, year), message, box in BAD_DATES:
        answer = post(manager, url, {**data, "cost-on_day": day, "cost-on_month": month, "cost-on_year": year}, form)
        refused_date(answer, message, "cost-on", box)
    for value, message in BAD_AMOUNTS:
        refused(post(manager, url, {**data, "cost-amount": value}, form), message, "cost-amount")
    refused(post(manager, url, {**data, "cost-note": "n" * 4001}, form), "Note must be 4000", "cost-note")
    answer = post(manager, url, data, form)
    assert answer.status_code == 302
    assert "Cost of £18,250.00 recorded" in text_of(manager.get(answer.headers["Location"]))


def test_the_pre_nup_terms_refuse_in_words(manager: FlaskClient, sample: ProgrammeView) -> None:
    data = {"terms-notice_months": "12", "terms-minimum_term_months": "60", "terms-recompute": "basis"}
    data |= {"terms-starts_on_day": "4", "terms-starts_on_month": "1", "terms-starts_on_year": "2027"}
    data |= {"terms-exit_redundancy": "420,000", "terms-exit_pension_strain": "£180,000.00"}
    url, form = page_of(sample, "agreement/terms"), page_of(sample, "agreement")
    for value, message in [
        ("", "Enter the notice period, in months"),
        ("-3", "must be a whole number from 0 to 1,200"),
        ("5e9", "must be a whole number"),
        ("9" * 11, "must be 10 characters or fewer"),
    ]:
        refused(post(manager, url, {**data, "terms-notice_months": value}, form), message, "terms-notice_months")
    for (day, month, year), message, box in BAD_DATES:
        parts = {"terms-starts_on_day": day, "terms-starts_on_month": month, "terms-starts_on_year": year}
        refused_date(post(manager, url, {**data, **parts}, form), message, "terms-starts_on", box)
    for value, message in BAD_AMOUNTS[1:]:
        refused(post(manager, url, {**data, "terms-exit_redundancy": value}, form), message, "terms-exit_redundancy")
    answer = post(manager, url, data, form)
    assert answer.status_code == 302, text_of(answer)[:2000]
    term = {"term-stage": "full_case", "term-fixed_sum": "25,000", "term-share_of_costs": "yes"}
    term |= {"term-exit_costs": "yes"}
    for value, message in BAD_AMOUNTS[1:]:
        answer = post(manager, page_of(sample, "agreement/term"), {**term, "term-fixed_sum": value}, form)
        refused(answer, message, "term-fixed_sum")
    answer = post(manager, page_of(sample, "agreement/term"), term, form)
    assert answer.status_code == 302
    page = text_of(manager.get(answer.headers["Location"]))
    assert "a fixed sum of £25,000.00, its share of the costs incurred to date" in page
    assert "Redundancy costs of £420,000.00, Pension strain costs of £180,000.00" in page


def test_the_sharing_basis_refuses_in_words(manager: FlaskClient, sample: ProgrammeView) -> None:
    url = page_of(sample, "sharing")
    fixed = {"kind": "fixed", "value_0": "40", "value_1": "30", "value_2": "30"}
    for field, value, message in [
        ("value_0", "-5", "must be a number of 0 or more"),
        ("value_0", "5e9", "must be a number of 0 or more"),
        ("value_0", "1" * 21, "must be 20 characters or fewer"),
        ("threshold", "150", "must be 100 or less"),
    ]:
        refused(post(manager, url, {**fixed, field: value}, url), message, field)
    refused(post(manager, url, {**fixed, "value_0": "50"}, url), "Fixed percentages add up to 110%, not 100%", "kind")
    answer = post(manager, url, {}, url)
    refused(answer, "Select how costs are shared", "kind")
    answer = post(manager, url, {**fixed, "value_0": "40.00"}, url)
    assert answer.status_code == 302
    page = text_of(manager.get(answer.headers["Location"]))
    assert re.search(rf"{NB} 40(\.0+)?%", page), page


def test_a_spreadsheet_upload_that_is_not_one_is_refused(manager: FlaskClient, sample: ProgrammeView) -> None:
    url = page_of(sample, "spreadsheet")
    answer = post(manager, url, {}, url)
    assert answer.status_code == 422 and "Select a spreadsheet to upload" in text_of(answer)
    import io

    answer = post(manager, url, {"file": (io.BytesIO(b"%PDF-1.7 not a sheet"), "figures.xlsx")}, url)
    refused(answer, "The file must be a spreadsheet saved as .xlsx or .ods", "file")


def test_an_observer_cannot_open_or_post_the_forms(app: Flask, client: FlaskClient, sample: ProgrammeView) -> None:
    session_as(client, app, EMAILS["sam"])
    for path in ("case", "sharing", "agreement", "actuals", "spreadsheet"):
        assert client.get(page_of(sample, path)).status_code == 403, path
    answer = post(client, page_of(sample, "case/saving"), {"saving-year": "2027-28", "saving-amount": "1"})
    assert answer.status_code == 403
    assert client.get(page_of(sample, "spreadsheet/figures.xlsx")).status_code == 200


def test_amounts_are_kept_exactly(manager: FlaskClient, sample: ProgrammeView, app: Flask) -> None:
    data = {"saving-year": "2027/28", "saving-service": "HR", "saving-amount": "£1,234,567.89"}
    assert post(manager, page_of(sample, "case/saving"), data, page_of(sample, "case")).status_code == 302
    with app.app_context():
        from web.money.entry import entry

        assert entry().case(sample.id).savings[0].amount == Decimal("1234567.89")


POSTS = ["case/investment", "case/saving", "case/baseline", "sharing", "agreement/terms", "agreement/term"]
POSTS += ["actuals/cost", "actuals/saving", "spreadsheet", "spreadsheet/confirm"]
GETS = ["case", "sharing", "agreement", "actuals", "spreadsheet"]


def test_someone_outside_the_programme_gets_nothing(
    app: Flask, client: FlaskClient, sample: ProgrammeView, accounts: Any, clock: Any
) -> None:
    accounts.add_person("Olly Outsider", "olly.outsider@elsewhere.example", clock())
    session_as(client, app, "olly.outsider@elsewhere.example")
    for path in [*GETS, "spreadsheet/template.xlsx", "spreadsheet/figures.ods"]:
        assert client.get(page_of(sample, path)).status_code == 403, path
    for path in POSTS:
        assert post(client, page_of(sample, path), {}).status_code == 403, path
    client.get("/sign-out")
    with client.session_transaction() as session:
        session.clear()
    assert client.get(page_of(sample, "case")).status_code == 302
    assert client.post(page_of(sample, "case/saving"), data={}).status_code in (400, 401)


def test_an_admin_may_enter_figures(
    app: Flask, client: FlaskClient, sample: ProgrammeView, accounts: Any, clock: Any
) -> None:
    accounts.add_person("Ada Admin", "ada.admin@banns.example", clock(), is_admin=True)
    session_as(client, app, "ada.admin@banns.example")
    for path in GETS:
        assert client.get(page_of(sample, path)).status_code == 200, path
    data = {"saving-year": "2027-28", "saving-service": "HR", "saving-amount": "12,000"}
    assert post(client, page_of(sample, "case/saving"), data, page_of(sample, "case")).status_code == 302


def test_choices_not_offered_are_refused_in_words(manager: FlaskClient, sample: ProgrammeView) -> None:
    case, agreement = page_of(sample, "case"), page_of(sample, "agreement")
    data = {"investment-year": "2027-28", "investment-category": "cake", "investment-amount": "1"}
    refused(post(manager, case + "/investment", data, case), "Select a category from the list", "investment-category")
    data |= {"investment-category": "it", "investment-recurring": "sometimes"}
    refused(post(manager, case + "/investment", data, case), "Select yes or no", "investment-recurring")
    data = {"baseline-partner": "Westshire", "baseline-service": "legal", "baseline-amount": "1"}
    refused(post(manager, case + "/baseline", data, case), "Select one of the programme's partners", "baseline-partner")
    data = {"term-stage": "pre_nup", "term-share_of_costs": "no", "term-exit_costs": "no"}
    refused(post(manager, agreement + "/term", data, agreement), "Select one of the lifecycle's stages", "term-stage")
    data = {"terms-notice_months": "1", "terms-minimum_term_months": "1", "terms-recompute": "whatever"}
    refused(
        post(manager, agreement + "/terms", data, agreement),
        "Select how the remaining partners share",
        "terms-recompute",
    )
    data |= {"terms-recompute": "basis", "terms-starts_on_day": "1" * 11, "terms-starts_on_month": "1"}
    data |= {"terms-starts_on_year": "2027"}
    refused_date(
        post(manager, agreement + "/terms", data, agreement),
        "Date the agreement starts must be a real date",
        "terms-starts_on",
        "day",
    )
    sharing = page_of(sample, "sharing")
    refused(post(manager, sharing, {"kind": "lottery"}, sharing), "Select how costs are shared", "kind")
