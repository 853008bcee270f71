"""Every date the web asks for is a GOV.UK date input (day, month, year), and every reporting period reads
"2027-28 Q1": an absurd or malformed date or period comes back as 422 with the field named in words beside
the boxes, never a 500, and nothing is saved. The benefits form reads pounds as strictly as the money forms."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from test_hostile_input import create_form
from test_money_pages import MONEY, ROOT, base
from test_raid_pages import entry_form
from test_staff_transfer_pages import eastvale
from test_staff_transfer_pages import form as transfer_form
from web_support import EMAILS, day, post, session_as, text_of

from workflow.engine.db import Database
from workflow.engine.programmes import Programmes
from workflow.engine.registry import Registry
from workflow.engine.views import ProgrammeView
from workflow.money.service import Finances

#: Pydantic's and Python's own words, which must never reach a page.
RAW = ["Input should be", "validation error", "Traceback", "ValueError", "{'", "pydantic"]
#: A bad date, what the page says, and the box marked (and linked from the error summary).
BAD = [
    ("9999-12-31", "9999-12-31 is not a plausible date; expected a date from 2000 to 2100", "year"),
    ("1850-01-01", "1850-01-01 is not a plausible date; expected a date from 2000 to 2100", "year"),
    ("2027-02-30", "must be a real date, like 4 1 2027", "day"),
    ("soon", "must include a month and year", "month"),
]


def refused(response: Any, said: str, field_id: str, box: str) -> None:
    page, body = text_of(response), response.get_data(as_text=True)
    assert response.status_code == 422, f"{response.status_code}: {page[:1500]}"
    assert "There is a problem" in page and said in page, f"{said!r} not in {page[:3000]}"
    assert f'href="#{field_id}_{box}"' in body and f'id="{field_id}-error"' in body
    assert f"{field_id}_{box}" in re.findall(r'govuk-input--error" id="([\w-]+)"', body)
    assert not [raw for raw in RAW if raw in page], page


@pytest.fixture
def finances(db: Database, clock: Any) -> Finances:
    return Finances(db, Registry(ROOT / "definitions"), clock=clock)


@pytest.fixture
def money(sample: ProgrammeView, finances: Finances) -> ProgrammeView:
    finances.import_figures(sample.id, MONEY.read_text(encoding="utf-8"), str(MONEY))
    return sample


@pytest.fixture
def manager(app: Flask, client: FlaskClient, sample: ProgrammeView) -> FlaskClient:
    session_as(client, app, EMAILS["priya"])
    return client


@pytest.mark.parametrize(("typed", "said", "box"), BAD)
def test_a_new_programme_with_an_absurd_planned_start_is_a_422_not_a_500(
    manager: FlaskClient, programmes: Programmes, typed: str, said: str, box: str
) -> None:
    answer = post(manager, "/programmes/new", create_form(start=typed), token_from="/programmes/new")
    refused(answer, said, "start", box)
    assert "Planned start date" in text_of(answer)
    assert len(programmes.list()) == 1
    good = post(manager, "/programmes/new", create_form(start="2027-01-04"), token_from="/programmes/new")
    assert good.status_code == 302


def test_planned_stage_dates_are_three_boxes_each_and_checked(
    manager: FlaskClient, programmes: Programmes, sample: ProgrammeView
) -> None:
    path = f"/programmes/{sample.id}/edit"
    page = manager.get(path).get_data(as_text=True)
    assert 'name="start_courtship_day"' in page and 'name="end_courtship_year"' in page
    assert 'type="date"' not in page
    for typed, said, box in BAD:
        form = {"version": sample.version, "name": sample.name, "description": "", **day("end_courtship", typed)}
        refused(post(manager, path, form, token_from=path), said, "end_courtship", box)
    assert programmes.get(sample.id) == sample


@pytest.mark.parametrize(("typed", "said", "box"), BAD)
def test_a_staff_transfer_date_out_of_bounds_is_named_in_words(
    manager: FlaskClient, sample: ProgrammeView, typed: str, said: str, box: str
) -> None:
    path = f"/programmes/{sample.id}/transfers/{eastvale(sample)}"
    answer = post(manager, path, transfer_form(sample, **day("transfer_date", typed)), token_from=path)
    refused(answer, "Transfer date", "transfer_date", box)
    assert said in text_of(answer)


def test_a_raid_review_date_in_2300_is_refused_beside_the_field(
    manager: FlaskClient, sample: ProgrammeView, people: dict[str, int]
) -> None:
    path = f"/programmes/{sample.id}/raid/new"
    answer = post(manager, path, entry_form(people["tom"], **day("review_on", "2300-01-01")), token_from=path)
    refused(answer, "Review date (optional): 2300-01-01 is not a plausible date", "review_on", "year")


def test_no_page_asks_for_a_date_in_a_single_box(manager: FlaskClient, sample: ProgrammeView) -> None:
    pid = sample.id
    for path in [
        "/programmes/new",
        f"/programmes/{pid}/edit",
        f"/programmes/{pid}/transfers/{eastvale(sample)}",
        f"/programmes/{pid}/raid/new",
        f"/programmes/{pid}/deputies",
        f"/programmes/{pid}/decisions",
        f"/programmes/{pid}/money/actuals",
        f"/programmes/{pid}/money/agreement",
    ]:
        answer = manager.get(path)
        assert answer.status_code == 200, path
        assert 'type="date"' not in answer.get_data(as_text=True), path


@pytest.mark.parametrize(
    ("period", "said"),
    [
        ("2028-Q1", "write the financial year and quarter, like 2027-28 Q1"),
        ("2027-28 Q5", "the quarter is Q1 (April to June) to Q4 (January to March)"),
        ("2027-29 Q1", "it should end in 28"),
        ("1850-51 Q1", "not a plausible financial year"),
        ("", "Enter the reporting period, like 2027-28 Q1"),
    ],
)
def test_a_wrong_reporting_period_is_a_422_naming_the_field(
    manager: FlaskClient, money: ProgrammeView, finances: Finances, period: str, said: str
) -> None:
    page = base(money) + "/benefits"
    data = {"confidence-period": period, "confidence-rating": "Amber", "confidence-commentary": "IT late"}
    answer = post(manager, page + "/confidence", data, token_from=page)
    shown = text_of(answer)
    assert answer.status_code == 422 and said in shown, shown[:2000]
    assert 'href="#confidence-period"' in answer.get_data(as_text=True)
    assert finances.benefits(money.id).latest is None
    report = manager.get(base(money) + "/report?period=" + period) if period else None
    if report is not None:
        assert report.status_code == 422 and said in text_of(report)
        pdf = manager.get(base(money) + "/report.pdf?period=" + period)
        assert pdf.status_code == 422 and pdf.mimetype == "text/html", "no PDF of a period nobody asked for"
        assert said in text_of(pdf)


def test_a_period_written_another_way_is_kept_in_the_one_format(
    manager: FlaskClient, money: ProgrammeView, finances: Finances
) -> None:
    page = base(money) + "/benefits"
    data = {"confidence-period": "2026/27 q4", "confidence-rating": "Amber", "confidence-commentary": "IT late"}
    answer = post(manager, page + "/confidence", data, token_from=page)
    assert answer.status_code == 302
    assert answer.headers["Location"].endswith("period=2026-27+Q4")
    latest = finances.benefits(money.id).latest
    assert latest is not None and latest.period == "2026-27 Q4"


@pytest.mark.parametrize(
    ("amount", "said"),
    [
        ("5e9", "Savings actually made must be in pounds and pence, like 12,000 or £12,000.50"),
        ("-5", "Savings actually made must be £0 or more"),
        ("12,00", "must be in pounds and pence"),
        ("100,000,000,000.01", "must be £100,000,000,000 or less"),
        ("", "Enter the savings actually made"),
    ],
)
def test_savings_actually_made_read_pounds_strictly(
    manager: FlaskClient, money: ProgrammeView, amount: str, said: str
) -> None:
    page = base(money) + "/benefits"
    data = {"actual-year": "2029-30", "actual-service": "revenues and benefits", "actual-amount": amount}
    answer = post(manager, page + "/actual", data, token_from=page)
    assert answer.status_code == 422 and said in text_of(answer), text_of(answer)[:2000]
    assert 'id="actual-amount-error"' in answer.get_data(as_text=True)


def test_savings_actually_made_may_have_commas_and_a_pound_sign(
    manager: FlaskClient, money: ProgrammeView, finances: Finances
) -> None:
    page = base(money) + "/benefits"
    data = {"actual-year": "2029-30", "actual-service": "revenues and benefits", "actual-amount": "£12,000"}
    assert post(manager, page + "/actual", data, token_from=page).status_code == 302
    assert "£12,000.00" in text_of(manager.get(page))
