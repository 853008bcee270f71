"""Every form of the web UI that takes numbers, dates, periods or text, sent what people type wrong: nothing, far
too much (10,000 characters), a negative number, 5e9, a date in 9999 or 1850 in the GOV.UK three-box date input,
a quarter that does not exist. Each comes back as 422 with a GOV.UK error summary naming the field in words and no
raw validation text, never a 500; a number written with a comma (12,000) is accepted wherever a number is asked
(bounded fields, like months or a rating, refuse it in words instead)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from test_hostile_input import create_form
from test_money_pages import MONEY
from test_raid_pages import entry_form
from test_staff_transfer_pages import eastvale
from test_staff_transfer_pages import form as transfer_form
from web_support import EMAILS, day, post, session_as, text_of

from workflow.engine.views import ProgrammeView
from workflow.money.service import Finances

RAW = ("Input should be", "{'", "'loc'", "loc:", "ValidationError", "Traceback", "Decimal(", "datetime.", "None")
LONG = "x" * 10_000
TEXT = "text"  # free text: refused when too long (and when empty, if required)
NUMBER = "number"  # an amount or a count: 12,000 accepted; negative and 5e9 refused
BOUNDED = "bounded"  # a number with a small range (months): 12,000 refused in words too
DATE = "date"  # a GOV.UK date input (three boxes)
PERIOD = "period"  # a financial year or a reporting quarter


@dataclass(frozen=True)
class Form:
    """A form: who fills it in, where it posts, the page its token comes from, a valid payload, and its fields:
    name -> (kind, the words its errors name it by (alternatives split by |), required)."""

    who: str
    path: str
    page: str
    base: Callable[[ProgrammeView, dict[str, int]], dict[str, Any]]
    fields: dict[str, tuple[str, str, bool]] = field(default_factory=dict)


def _money(name: str, data: dict[str, Any]) -> Callable[[ProgrammeView, dict[str, int]], dict[str, Any]]:
    return lambda _view, _people: {f"{name}-{k}": v for k, v in data.items()}


def _with_version(
    data: Callable[[ProgrammeView, dict[str, int]], dict[str, Any]],
) -> Callable[[ProgrammeView, dict[str, int]], dict[str, Any]]:
    return lambda view, people: {"version": view.version, **data(view, people)}


FORMS: dict[str, Form] = {
    "create programme": Form(
        "priya",
        "/programmes/new",
        "/programmes/new",
        lambda _v, _p: create_form(),
        {
            "name": (TEXT, "programme name|programme's name", True),
            "description": (TEXT, "Description", False),
            "start": (DATE, "Planned start date", False),
            "partners-0-population": (NUMBER, "Population", False),
            "partners-0-net_budget": (NUMBER, "net budget", False),
        },
    ),
    "edit programme": Form(
        "priya",
        "/programmes/{pid}/edit",
        "/programmes/{pid}/edit",
        lambda view, _p: {"version": view.version, "name": view.name, "description": "", **day("start_courtship", "")},
        {
            "name": (TEXT, "programme name|programme's name", True),
            "description": (TEXT, "Description", False),
            "start_courtship": (DATE, "Planned start of Courtship", False),
        },
    ),
    "add partner": Form(
        "priya",
        "/programmes/{pid}/partners/new",
        "/programmes/{pid}/partners/new",
        lambda view, _p: {
            "version": view.version,
            "name": "Westshire Council",
            "kind": "district_council",
            "nation": "england",
            "population": "50000",
            "net_budget": "1000000",
        },
        {
            "name": (TEXT, "Name|partner's name", True),
            "population": (NUMBER, "population", True),
            "net_budget": (NUMBER, "net budget", False),
        },
    ),
    "evidence": Form(
        "priya",
        "/programmes/{pid}/gate/evidence",
        "/programmes/{pid}/gate",
        lambda view, _p: {"version": view.version, "criterion": "partners_named", "summary": "Minutes", "link": ""},
        {"summary": (TEXT, "criterion is met|summary of the evidence", True), "link": (TEXT, "link", False)},
    ),
    "investment": Form(
        "priya",
        "/programmes/{pid}/money/case/investment",
        "/programmes/{pid}/money/case",
        _money("investment", {"year": "2027-28", "category": "it", "recurring": "no", "amount": "950,000"}),
        {
            "investment-year": (PERIOD, "financial year", True),
            "investment-amount": (NUMBER, "Amount", True),
            "investment-note": (TEXT, "Note", False),
        },
    ),
    "planned savings": Form(
        "priya",
        "/programmes/{pid}/money/case/saving",
        "/programmes/{pid}/money/case",
        _money("saving", {"year": "2027-28", "service": "revenues and benefits", "amount": "150,000"}),
        {
            "saving-year": (PERIOD, "financial year", True),
            "saving-service": (TEXT, "service", True),
            "saving-amount": (NUMBER, "savings", True),
        },
    ),
    "baseline": Form(
        "priya",
        "/programmes/{pid}/money/case/baseline",
        "/programmes/{pid}/money/case",
        _money("baseline", {"partner": "Northbridge District Council", "service": "revenues", "amount": "2,450,000"}),
        {"baseline-service": (TEXT, "service", True), "baseline-amount": (NUMBER, "aseline", True)},
    ),
    "pre-nup terms": Form(
        "priya",
        "/programmes/{pid}/money/agreement/terms",
        "/programmes/{pid}/money/agreement",
        _money(
            "terms",
            {
                "notice_months": "12",
                "minimum_term_months": "60",
                "recompute": "basis",
                "starts_on_day": "4",
                "starts_on_month": "1",
                "starts_on_year": "2027",
                "exit_redundancy": "420,000",
            },
        ),
        {
            "terms-notice_months": (BOUNDED, "Notice period", True),
            "terms-starts_on": (DATE, "agreement starts", False),
            "terms-exit_redundancy": (NUMBER, "Redundancy costs", False),
        },
    ),
    "withdrawal term": Form(
        "priya",
        "/programmes/{pid}/money/agreement/term",
        "/programmes/{pid}/money/agreement",
        _money("term", {"stage": "full_case", "fixed_sum": "25,000", "share_of_costs": "yes", "exit_costs": "yes"}),
        {"term-fixed_sum": (NUMBER, "Fixed sum", False)},
    ),
    "cost": Form(
        "priya",
        "/programmes/{pid}/money/actuals/cost",
        "/programmes/{pid}/money/actuals",
        _money("cost", {**day("on", "2027-01-04"), "category": "set_up", "amount": "18,250", "note": ""}),
        {
            "cost-on": (DATE, "Date the money was spent", True),
            "cost-amount": (NUMBER, "mount spent", True),
            "cost-note": (TEXT, "Note", False),
        },
    ),
    "savings made": Form(
        "priya",
        "/programmes/{pid}/money/actuals/saving",
        "/programmes/{pid}/money/actuals",
        _money("actual", {"year": "2027-28", "service": "revenues and benefits", "amount": "12,000"}),
        {
            "actual-year": (PERIOD, "financial year", True),
            "actual-service": (TEXT, "service", True),
            "actual-amount": (NUMBER, "avings actually made", True),
        },
    ),
    "delivery confidence": Form(
        "priya",
        "/programmes/{pid}/money/benefits/confidence",
        "/programmes/{pid}/money/benefits",
        _money("confidence", {"period": "2027-28 Q1", "rating": "Amber", "commentary": "IT late"}),
        {
            "confidence-period": (PERIOD, "reporting period", True),
            "confidence-commentary": (TEXT, "Commentary|why you give this rating", True),
        },
    ),
    "staff transfer": Form(
        "priya",
        "/programmes/{pid}/transfers/{eastvale}",
        "/programmes/{pid}/transfers/{eastvale}",
        lambda view, _p: transfer_form(view, headcount="20,000"),
        {
            "headcount": (NUMBER, "staff transfer", True),
            "roles": (TEXT, "role", False),
            "transfer_date": (DATE, "Transfer date", True),
            "redundancies": (NUMBER, "Redundancies proposed", False),
            "eli_given_on": (DATE, "Employee liability information", False),
        },
    ),
    "RAID entry": Form(
        "priya",
        "/programmes/{pid}/raid/new",
        "/programmes/{pid}/raid/new",
        lambda _v, people: entry_form(people["oliver"]),
        {
            "title": (TEXT, "title", True),
            "description": (TEXT, "Description", False),
            "review_on": (DATE, "eview", False),
        },
    ),
    "deputy": Form(
        "tom",
        "/programmes/{pid}/deputies",
        "/programmes/{pid}/deputies",
        lambda _v, people: {
            "signatory": people["tom"],
            "deputy": people["helen"],
            **day("starts_on", "2027-01-04"),
            **day("ends_on", "2027-01-08"),
            "reason_kind": "leave",
            "note": "",
        },
        {
            "starts_on": (DATE, "From|first day", True),
            "ends_on": (DATE, "To (inclusive)|last day", True),
            "note": (TEXT, "Note", False),
        },
    ),
    "withdraw partner": Form(
        "priya",
        "/programmes/{pid}/withdraw",
        "/programmes/{pid}/manage",
        lambda view, _p: {"version": view.version, "partner": eastvale(view), "reason": "Cabinet voted to leave"},
        {"reason": (TEXT, "reason", True)},
    ),
}

_BAD: dict[str, list[tuple[str, str]]] = {
    TEXT: [("too long", LONG)],
    NUMBER: [("too long", LONG), ("negative", "-12,000"), ("5e9", "5e9"), ("12,000", "12,000")],
    BOUNDED: [("too long", LONG), ("negative", "-12"), ("5e9", "5e9"), ("12,000", "12,000")],
    DATE: [("too long", LONG), ("9999-12-31", "9999-12-31"), ("1850-01-01", "1850-01-01")],
    PERIOD: [("too long", LONG), ("wrong period", "2028-Q5"), ("negative", "-2027-28"), ("5e9", "5e9")],
}


def _cases() -> list[Any]:
    cases = []
    for form_name, form in FORMS.items():
        for name, (kind, _words, required) in form.fields.items():
            values = ([("empty", "")] if required else []) + _BAD[kind]
            for label, value in values:
                cases.append(pytest.param(form_name, name, value, id=f"{form_name}-{name}-{label}"))
    return cases


def _filled(form: Form, view: ProgrammeView, people: dict[str, int], name: str, value: str) -> dict[str, Any]:
    data = form.base(view, people)
    kind = form.fields[name][0]
    if kind == DATE:
        return {**data, **day(name, value)} if value != LONG else {**data, **day(name, ""), f"{name}_day": LONG}
    return {**data, name: value}


@pytest.fixture
def money(sample: ProgrammeView, app: Flask) -> ProgrammeView:
    with app.app_context():
        from web.services import services

        banns = services()
        Finances(banns.programmes.db, banns.programmes.registry, banns.programmes.clock).import_figures(
            sample.id, MONEY.read_text(encoding="utf-8"), str(MONEY)
        )
        return banns.programmes.get(sample.id)


@pytest.mark.parametrize(("form_name", "name", "value"), _cases())
def test_every_form_answers_what_people_type_wrong_in_words(
    app: Flask, client: FlaskClient, money: ProgrammeView, people: dict[str, int], form_name: str, name: str, value: str
) -> None:
    form = FORMS[form_name]
    session_as(client, app, EMAILS[form.who])
    where = {"pid": money.id, "eastvale": eastvale(money)}
    data = _filled(form, money, people, name, value)
    answer = post(client, form.path.format(**where), data, token_from=form.page.format(**where))
    shown = text_of(answer)
    assert answer.status_code != 500, shown[:2000]
    if value == "12,000" and form.fields[name][0] == NUMBER:
        assert answer.status_code in (200, 302), f"12,000 refused: {shown[:2000]}"
        assert "There is a problem" not in shown
        return
    assert answer.status_code == 422, f"{answer.status_code}: {shown[:2000]}"
    body = answer.get_data(as_text=True)
    assert "govuk-error-summary" in body and "There is a problem" in shown, shown[:2000]
    summary = text_of_html(body.split('class="govuk-error-summary"', 1)[1].split("</ul>", 1)[0])
    words = form.fields[name][1].split("|")
    assert any(w.lower() in summary.lower() for w in words), f"the error summary names none of {words}: {summary}"
    assert not [raw for raw in RAW if raw in summary], summary


def text_of_html(fragment: str) -> str:
    """The text of an HTML fragment, as :func:`web_support.text_of` reads a page."""

    class _Fake:
        def get_data(self, as_text: bool = True) -> str:
            return fragment

    return text_of(_Fake())  # type: ignore[arg-type]
