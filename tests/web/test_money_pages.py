"""The money pages: the business case, what if a partner withdrew, the highlight report (page and PDF), and
recording benefits, for the programme manager, an observer and someone outside the programme."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from web_support import EMAILS, pdf_text, post, session_as, text_of

from workflow.accounts.service import Accounts
from workflow.engine.db import Database
from workflow.engine.registry import Registry
from workflow.engine.views import ProgrammeView
from workflow.money.service import Finances

ROOT = Path(__file__).resolve().parents[2]
MONEY = ROOT / "examples" / "northbridge-southmoor-money.yaml"
NB, SM, EV = "Northbridge District Council", "Southmoor District Council", "Eastvale Borough Council"
PAGES = ["", "/what-if", "/report", "/benefits"]


@pytest.fixture
def finances(db: Database, clock: Any) -> Finances:
    return Finances(db, Registry(ROOT / "definitions"), clock=clock)


@pytest.fixture
def money(sample: ProgrammeView, finances: Finances) -> ProgrammeView:
    """The sample programme with the sample money file imported."""
    finances.import_figures(sample.id, MONEY.read_text(encoding="utf-8"), str(MONEY))
    return sample


def base(view: ProgrammeView) -> str:
    return f"/programmes/{view.id}/money"


@pytest.mark.parametrize("who", ["priya", "sam"])
def test_every_money_page_opens_for_the_manager_and_an_observer(
    client: FlaskClient, app: Flask, money: ProgrammeView, who: str
) -> None:
    session_as(client, app, EMAILS[who])
    for page in PAGES:
        response = client.get(base(money) + page)
        assert response.status_code == 200, (page, response.status_code)
    summary = text_of(client.get(base(money)))
    assert "Payback year 2030-31 (year 5)" in summary
    assert "Net present value at 3.5% £5,588,400.51" in summary
    assert "Savings a year late £8,460,000.00 £5,920,000.00 2031-32 £4,444,751.80" in summary
    assert f"{NB} 33.0423%" in summary and "population ratio" in summary
    assert ("Import or replace the money figures" in summary) is (who == "priya")
    assert ("Record delivery confidence" in text_of(client.get(base(money) + "/benefits"))) is (who == "priya")


def test_someone_outside_the_programme_is_refused(
    client: FlaskClient, app: Flask, money: ProgrammeView, accounts: Accounts, clock: Any
) -> None:
    accounts.add_person("Olly Outsider", "olly.outsider@elsewhere.example", clock())
    session_as(client, app, "olly.outsider@elsewhere.example")
    for page in [*PAGES, "/report.pdf", "/import", "/export.yaml"]:
        assert client.get(base(money) + page).status_code == 403, page
    assert client.post(base(money) + "/benefits/confidence", data={}).status_code in (400, 403)


def test_an_observer_cannot_import_or_record(client: FlaskClient, app: Flask, money: ProgrammeView) -> None:
    session_as(client, app, EMAILS["sam"])
    assert client.get(base(money) + "/import").status_code == 403
    answer = post(
        client,
        base(money) + "/benefits/confidence",
        {"confidence-period": "2026-27 Q4", "confidence-rating": "Green", "confidence-commentary": "fine"},
    )
    assert answer.status_code == 403


def test_the_manager_imports_figures_and_a_wrong_file_names_its_lines(
    client: FlaskClient, app: Flask, sample: ProgrammeView, finances: Finances
) -> None:
    session_as(client, app, EMAILS["priya"])
    assert "No business case figures have been recorded" in text_of(client.get(base(sample)))
    wrong = MONEY.read_text(encoding="utf-8").replace("from_stage: prenup", "from_stage: pre_nup", 1)
    wrong = wrong.replace('amount: "260000.00"', "amount: 260000.10")
    answer = post(client, base(sample) + "/import", {"source": wrong}, token_from=base(sample) + "/import")
    assert answer.status_code == 422
    page = text_of(answer)
    assert re.search(r"Line 11 case\.investments\[2\]\.amount: write amounts in quotes", page), page
    assert finances.case(sample.id).is_empty
    answer = post(
        client,
        base(sample) + "/import",
        {"source": wrong.replace("260000.10", '"260000.00"')},
        token_from=base(sample) + "/import",
    )
    assert answer.status_code == 422
    assert re.search(r"Line \d+ agreement\.terms\[1\]\.from_stage: unknown stage 'pre_nup'", text_of(answer))
    answer = post(
        client,
        base(sample) + "/import",
        {"source": MONEY.read_text(encoding="utf-8")},
        token_from=base(sample) + "/import",
    )
    assert answer.status_code == 302
    assert finances.results(sample.id).total_investment == Decimal("2540000.00")
    assert "Money figures imported" in text_of(client.get(answer.headers["Location"]))


def test_what_if_shows_the_engines_figures(
    client: FlaskClient, app: Flask, money: ProgrammeView, finances: Finances
) -> None:
    session_as(client, app, EMAILS["sam"])
    northbridge = next(p for p in money.partners if p.name == NB)
    expected = finances.what_if(money.id, northbridge.id)
    page = text_of(client.get(base(money) + f"/what-if?partner={northbridge.id}"))
    assert f"{NB} would owe £{expected.liability.total:,.2f}" in page
    assert "Nothing is owed before 'outline_case'" in page
    for name, before in expected.shares_before.items():
        after = f"{expected.shares_after[name]}%" if name in expected.shares_after else "None"
        split = f"£{expected.costs_to_date_split[name]:,.2f}"
        assert f"{name}{' (leaving)' if name == NB else ''} {before}% {after} {split}" in page
    assert expected.shares_after == {SM: Decimal("43.6810"), EV: Decimal("56.3190")}
    assert client.get(base(money) + "/what-if?partner=999").status_code == 422


def test_what_if_shows_the_share_of_costs_a_leaver_owes(
    client: FlaskClient, app: Flask, money: ProgrammeView, finances: Finances
) -> None:
    """With a term from the current stage asking for a share of the costs incurred to date."""
    text = MONEY.read_text(encoding="utf-8").replace("from_stage: outline_case", "from_stage: honest_conversation")
    finances.import_figures(money.id, text.replace("from_stage: prenup", "from_stage: courtship"), "moved.yaml")
    session_as(client, app, EMAILS["priya"])
    southmoor = next(p for p in money.partners if p.name == SM)
    owed = finances.what_if(money.id, southmoor.id).liability
    assert owed.costs_to_date == Decimal("37500.00") and owed.total == owed.share_of_costs > 0
    page = text_of(client.get(base(money) + f"/what-if?partner={southmoor.id}"))
    assert f"{SM} would owe £{owed.total:,.2f}" in page
    assert f"Its share of costs {owed.share_percent}%" in page
    assert f"Its share of those costs £{owed.share_of_costs:,.2f}" in page
    assert f"{owed.share_percent}% of £37,500.00 incurred to date: £{owed.share_of_costs:,.2f}" in page


def test_highlight_report_and_pdf_carry_the_same_figures(
    client: FlaskClient, app: Flask, money: ProgrammeView, finances: Finances
) -> None:
    finances.record_confidence(money.id, "2026-27 Q4", "amber/green", "IT procurement two weeks late")
    session_as(client, app, EMAILS["helen"])
    response = client.get(base(money) + "/report")
    page = text_of(response)
    assert "Highlight report 2026-27 Q4" in page  # the clock's 4 January 2027
    assert "Delivery confidence Amber/Green" in page and "IT procurement two weeks late" in page
    assert "Costs incurred to date £37,500.00" in page
    assert "2028-29 £930,000.00 £924,400.00 -£5,600.00 (-0.6%)" in page.replace("£-", "-£")
    assert "<svg" in response.get_data(as_text=True) and "Download as PDF" in page
    assert "Evidence is missing for 5 criteria: 'Partners named'" in page  # what waits on whom
    assert "Awaiting sign-off from the signatory of Northbridge District Council" in page
    pdf = client.get(base(money) + "/report.pdf?period=2026-27+Q4")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    body = pdf.get_data()
    assert body.startswith(b"%PDF")
    words = pdf_text(body)
    assert money.name in words
    for figure in ("37,500.00", "930,000.00", "924,400.00", "Amber/Green"):
        assert figure in words, figure
    assert "Plan (outline) and actual (filled)" in words  # the chart, drawn from the engine's SVG
    assert b"0 0.4392 0.2353 rg" in body  # with its actual savings filled in green (#00703c)
    assert "Evidence is missing for 5 criteria" in words

    welsh = pdf_text(client.get(base(money) + "/report.pdf?period=2026-27+Q4&lang=cy").get_data())
    assert "Adroddiad uchafbwyntiau ar gyfer y grŵp llywio" in welsh, "ŵ drawn, not a question mark"
    assert "?" not in welsh.replace("?period", "")


def test_the_manager_records_confidence_and_savings(
    client: FlaskClient, app: Flask, money: ProgrammeView, finances: Finances
) -> None:
    session_as(client, app, EMAILS["priya"])
    page = base(money) + "/benefits"
    answer = post(
        client,
        page + "/confidence",
        {"confidence-period": "2026-27 Q4", "confidence-rating": "", "confidence-commentary": ""},
        token_from=page,
    )
    assert answer.status_code == 422
    assert "Select a rating" in text_of(answer) and "Enter why you give this rating" in text_of(answer)
    answer = post(
        client,
        page + "/confidence",
        {
            "confidence-period": "2026-27 Q4",
            "confidence-rating": "Amber",
            "confidence-commentary": "Redundancy costs rising",
        },
        token_from=page,
    )
    assert answer.status_code == 302
    assert finances.benefits(money.id).latest.rating == "Amber"
    answer = post(
        client,
        page + "/actual",
        {"actual-year": "2029-30", "actual-service": "revenues and benefits", "actual-amount": "12.345"},
        token_from=page,
    )
    said = "Savings actually made must be in pounds and pence, like 12,000 or £12,000.50"
    assert answer.status_code == 422 and said in text_of(answer)
    answer = post(
        client,
        page + "/actual",
        {"actual-year": "2029-30", "actual-service": "revenues and benefits", "actual-amount": "£790,000.00"},
        token_from=page,
    )
    assert answer.status_code == 302
    shown = text_of(client.get(page))
    assert "Revenues and benefits 2029-30 £780,000.00 £790,000.00 £10,000.00 (1.3%)" in shown


def test_the_development_sample_comes_with_its_money(cli: Any, db: Database) -> None:
    out = cli("dev", "sample").output
    assert "Loaded sample programme 1" in out
    assert "admin@banns.example" in out and "sam.ellis@audit.example" in out  # every account, with its roles
    assert "signatory for Northbridge District Council; steering member for Northbridge" in out
    finances = Finances(db, Registry(ROOT / "definitions"))
    results = finances.results(1)
    assert results.total_investment == Decimal("2540000.00") and results.payback_year == 2030
    # its costs so far lie in the past, so a what-if today has costs to date to share
    assert finances.what_if(1, 2).liability.costs_to_date == Decimal("55750.00")
